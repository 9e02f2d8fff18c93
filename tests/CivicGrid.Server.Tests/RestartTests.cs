using System.Net;
using CivicGrid.Platform;
using CivicGrid.Server.Tests.Infrastructure;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>Stopping and starting the server on the same database keeps everything, and seeds nothing twice.</summary>
public sealed class RestartTests
{
    [Fact]
    public Task Sqlite_server_started_twice_keeps_accounts_decisions_and_the_city() => RunAsync(postgres: null);

    [Fact]
    public async Task Postgres_server_started_twice_keeps_accounts_decisions_and_the_city()
    {
        var server = TestPostgres.RequireServer();
        var database = await TestPostgres.CreateDatabaseAsync(server, "civicgrid_restart", TestContext.Current.CancellationToken);
        try
        {
            await RunAsync(database);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(server, database);
        }
    }

    private static async Task RunAsync(string? postgres)
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        string statusBefore;
        string decisionId;
        TestAccount op;
        await using (var first = new CivicGridServerFactory(folder.Path, postgres))
        {
            var regions = await first.RegionIdsAsync();
            op = await first.CreateAccountAsync("restart-operator", [PlatformRoles.Operator], [regions[0]]);
            using var client = first.CreateApiClient(op.ApiKey);
            var created = await (await client.PostJsonAtAsync("/api/decisions", ServerScenarios.Decision(regions[0], "kept across restarts"))).JsonAsync();
            decisionId = created.GetProperty("id").GetString()!;
            // Background work (the demo supply chain's seed) appends decisions after start-up: count once it is done.
            statusBefore = await SettledCountsAsync(client);
        }

        await using var second = new CivicGridServerFactory(folder.Path, postgres);
        await second.StartAsync();
        using var again = second.CreateApiClient(op.ApiKey);
        // The API key (hashed in the database) still authenticates the same account.
        var decision = await (await again.GetAtAsync($"/api/decisions/{decisionId}")).JsonAsync();
        Assert.Equal("kept across restarts", decision.GetProperty("reason").GetString());
        Assert.Equal(op.Id, decision.GetProperty("operatorId").GetString());
        // The demo city is not seeded a second time.
        Assert.Equal(statusBefore, await SettledCountsAsync(again));
    }

    private static async Task<string> SettledCountsAsync(HttpClient client)
    {
        var previous = await CountsAsync(client);
        for (var i = 0; i < 60; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
            var current = await CountsAsync(client);
            if (current == previous)
            {
                return current;
            }
            previous = current;
        }
        return previous;
    }

    private static async Task<string> CountsAsync(HttpClient client)
    {
        var status = await (await client.GetAtAsync("/api/status")).JsonAsync();
        return string.Join("/", new[] { "regions", "households", "assets", "decisions" }.Select(p => status.GetProperty(p).GetInt32()));
    }
}
