using System.Net;
using System.Net.Http.Json;
using System.Text;
using CivicGrid.Platform;
using CivicGrid.Server.Tests.Infrastructure;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// Every role against every endpoint family: the expected outcome is "allowed" (any non-401/403 answer) or
/// 403, and 401 for anonymous callers. "operator" is scoped to region A; "operator of B" is scoped to region B
/// and so must be refused acting on region A.
/// </summary>
public abstract class AuthorizationMatrixScenarios(ServerFixture fixture)
{
    private const string A = "allowed";
    private const string F = "403";

    private static readonly string[] Principals = ["resident", "operator", "operator of B", "auditor", "administrator"];

    // One row per endpoint family and verb; the columns follow Principals.
    private static readonly (string Name, string[] Expected)[] Rows =
    [
        ("GET /api/status", [A, A, A, A, A]),
        ("GET /api/regions", [A, A, A, A, A]),
        ("GET /api/regions/{A}", [A, A, A, A, A]),
        ("PUT /api/regions/{A}/status-note", [F, A, F, F, A]),
        ("GET /api/assets", [F, A, A, A, A]),
        ("GET /api/decisions", [A, A, A, A, A]),
        ("POST /api/decisions {A}", [F, A, F, F, F]),
        ("GET /api/accounts", [F, F, F, F, A]),
        ("POST /api/accounts/{self}/api-keys", [F, F, F, F, A]),
        ("DELETE /api/api-keys/{unknown}", [F, F, F, F, A]),
        ("GET /metrics", [F, F, F, A, A]),
    ];

    [Fact]
    public async Task Every_role_gets_exactly_the_access_the_matrix_grants()
    {
        var server = await fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        Assert.True(regions.Count >= 2, "the demo city has at least two regions");
        var (regionA, regionB) = (regions[0], regions[1]);
        var suffix = "-matrix-" + fixture.Storage.ToString().ToLowerInvariant();
        var accounts = new Dictionary<string, TestAccount>
        {
            ["resident"] = await server.CreateAccountAsync("resident" + suffix, [PlatformRoles.Resident]),
            ["operator"] = await server.CreateAccountAsync("operator" + suffix, [PlatformRoles.Operator], [regionA]),
            ["operator of B"] = await server.CreateAccountAsync("operator-b" + suffix, [PlatformRoles.Operator], [regionB]),
            ["auditor"] = await server.CreateAccountAsync("auditor" + suffix, [PlatformRoles.Auditor]),
            ["administrator"] = await server.CreateAccountAsync("administrator" + suffix, [PlatformRoles.Administrator]),
        };

        var mismatches = new StringBuilder();
        foreach (var (name, expected) in Rows)
        {
            for (var column = 0; column < Principals.Length; column++)
            {
                var account = accounts[Principals[column]];
                using var client = server.CreateApiClient(account.ApiKey);
                using var response = await SendAsync(client, name, regionA, account.Id);
                var actual = response.StatusCode switch
                {
                    HttpStatusCode.Forbidden => F,
                    HttpStatusCode.Unauthorized => "401",
                    _ => A,
                };
                if (actual != expected[column])
                {
                    mismatches.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
                        $"{name} as {Principals[column]}: expected {expected[column]}, got {(int)response.StatusCode}");
                }
                if (actual == F)
                {
                    await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.Forbidden);
                }
            }

            using var anonymous = server.CreateApiClient();
            using var anonymousResponse = await SendAsync(anonymous, name, regionA, accounts["resident"].Id);
            if (anonymousResponse.StatusCode != HttpStatusCode.Unauthorized)
            {
                mismatches.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
                    $"{name} anonymously: expected 401, got {(int)anonymousResponse.StatusCode}");
            }
            else
            {
                await HttpAssertions.AssertProblemAsync(anonymousResponse, HttpStatusCode.Unauthorized);
            }
        }
        Assert.True(mismatches.Length == 0, "Authorization matrix mismatches:\n" + mismatches);
    }

    [Fact]
    public async Task A_wrong_api_key_is_401_not_anonymous_access()
    {
        var server = await fixture.ServerAsync();
        using var client = server.CreateApiClient("cgk_abcdefgh_" + new string('x', 43));
        await HttpAssertions.AssertProblemAsync(await client.GetAtAsync("/api/status"), HttpStatusCode.Unauthorized);
        using var malformed = server.CreateApiClient("not-a-key");
        await HttpAssertions.AssertProblemAsync(await malformed.GetAtAsync("/api/regions"), HttpStatusCode.Unauthorized);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string row, string regionA, string selfId)
    {
        var ct = TestContext.Current.CancellationToken;
        var parts = row.Split(' ', 3);
        var path = parts[1].Replace("{A}", regionA, StringComparison.Ordinal).Replace("{self}", selfId, StringComparison.Ordinal)
            .Replace("{unknown}", Guid.Empty.ToString(), StringComparison.Ordinal);
        return parts[0] switch
        {
            "GET" => client.GetAsync(new Uri(path, UriKind.Relative), ct),
            "DELETE" => client.DeleteAsync(new Uri(path, UriKind.Relative), ct),
            "PUT" => client.PutAsJsonAsync(new Uri(path, UriKind.Relative), new { statusNote = "Planned works on Tuesday" }, ct),
            "POST" when path == "/api/decisions" => client.PostAsJsonAsync(new Uri(path, UriKind.Relative),
                ServerScenarios.Decision(regionA, "authorization matrix"), ct),
            "POST" => client.PostAsJsonAsync(new Uri(path, UriKind.Relative), new { name = "matrix key" }, ct),
            _ => throw new InvalidOperationException(row),
        };
    }
}

[Collection(SqliteServerCollection.Name)]
public sealed class SqliteAuthorizationMatrixTests(SqliteServerFixture fixture) : AuthorizationMatrixScenarios(fixture);

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresAuthorizationMatrixTests(PostgresServerFixture fixture) : AuthorizationMatrixScenarios(fixture);
