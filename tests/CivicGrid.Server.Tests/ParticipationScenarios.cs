using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CivicGrid.Governance.Budgeting;
using CivicGrid.Platform;
using CivicGrid.Platform.Governance;
using CivicGrid.Server.Tests.Infrastructure;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>Citizen participation over HTTP (issues, votes, budgets, opinion map), on SQLite and on PostgreSQL (subclasses below).</summary>
public abstract class ParticipationScenarios(ServerFixture fixture)
{
    private const string Api = "/api/participation";

    protected ServerFixture Fixture { get; } = fixture;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Unique(string name) => $"{name}-{Fixture.Storage}-{Guid.NewGuid().ToString("N")[..6]}";

    private async Task<(CivicGridServerFactory Server, string Region, string OtherRegion)> StartAsync()
    {
        var server = await Fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        return (server, regions[0], regions[1]);
    }

    /// <summary>A resident who has chosen <paramref name="region"/> as home region, with a client acting as them.</summary>
    private async Task<(TestAccount Account, HttpClient Client)> ResidentAsync(CivicGridServerFactory server, string region, string name = "resident")
    {
        var account = await server.CreateAccountAsync(Unique(name), [PlatformRoles.Resident]);
        var client = server.CreateApiClient(account.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAtAsync($"{Api}/me/region", new { regionId = region })).StatusCode);
        return (account, client);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path) =>
        await client.PostAsync(new Uri(path, UriKind.Relative), null, Ct);

    private static async Task<Guid> RaiseAsync(HttpClient client, string title = "Broken street light on the corner") =>
        (await (await client.PostJsonAtAsync($"{Api}/issues", new { title, description = "Dark at night", category = "Mobility", latitudeDegrees = 48.001, longitudeDegrees = 11.002 }))
            .JsonAsync()).GetProperty("id").GetGuid();

    [Fact]
    public async Task Resident_raises_an_issue_another_supports_it_once_and_it_is_listed()
    {
        var (server, region, _) = await StartAsync();
        var (_, author) = await ResidentAsync(server, region, "author");
        var (_, neighbour) = await ResidentAsync(server, region, "neighbour");
        using var a = author;
        using var n = neighbour;
        var id = await RaiseAsync(a, "Bus stop without shelter " + Fixture.Storage);

        var first = await (await n.PostJsonAtAsync($"{Api}/issues/{id}/support", new { })).JsonAsync();
        Assert.True(first.GetProperty("added").GetBoolean());
        var again = await (await n.PostJsonAtAsync($"{Api}/issues/{id}/support", new { })).JsonAsync();
        Assert.False(again.GetProperty("added").GetBoolean());
        Assert.Equal(1, again.GetProperty("supports").GetInt32());

        var list = await (await n.GetAtAsync($"{Api}/issues?regionId={region}&search=shelter%20{Fixture.Storage}")).JsonAsync();
        var listed = Assert.Single(list.EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetGuid());
        Assert.Equal(1, listed.GetProperty("supports").GetInt32());
        var detail = await (await a.GetAtAsync($"{Api}/issues/{id}")).JsonAsync();
        Assert.Equal("posted", detail.GetProperty("auditTrail")[0].GetProperty("action").GetString());
    }

    [Fact]
    public async Task Concurrent_supports_by_one_resident_count_once()
    {
        var (server, region, _) = await StartAsync();
        var (_, author) = await ResidentAsync(server, region, "author");
        var (_, supporter) = await ResidentAsync(server, region, "supporter");
        using var a = author;
        using var s = supporter;
        var id = await RaiseAsync(a);
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => s.PostJsonAtAsync($"{Api}/issues/{id}/support", new { })));
        var added = 0;
        foreach (var r in responses)
        {
            added += (await r.JsonAsync()).GetProperty("added").GetBoolean() ? 1 : 0;
        }
        Assert.Equal(1, added);
        Assert.Equal(1, (await (await a.GetAtAsync($"{Api}/issues/{id}")).JsonAsync()).GetProperty("summary").GetProperty("supports").GetInt32());
    }

    [Fact]
    public async Task Residents_act_only_in_their_home_region_which_cannot_be_changed()
    {
        var (server, region, other) = await StartAsync();
        var (_, author) = await ResidentAsync(server, region, "author");
        var (_, outsider) = await ResidentAsync(server, other, "outsider");
        using var a = author;
        using var o = outsider;
        var id = await RaiseAsync(a);
        await HttpAssertions.AssertProblemAsync(await o.PostJsonAtAsync($"{Api}/issues/{id}/support", new { }), HttpStatusCode.Forbidden);
        await HttpAssertions.AssertProblemAsync(await o.PostJsonAtAsync($"{Api}/me/region", new { regionId = region }), HttpStatusCode.Conflict);
        await HttpAssertions.AssertProblemAsync(await a.PostJsonAtAsync($"{Api}/issues", new { title = "x", category = "Water", latitudeDegrees = 48, longitudeDegrees = 11, regionId = other }),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Moderation_needs_the_regions_operator_a_reason_and_a_second_moderator_to_restore()
    {
        var (server, region, other) = await StartAsync();
        var (_, author) = await ResidentAsync(server, region, "author");
        using var a = author;
        var op = await server.CreateAccountAsync(Unique("moderator"), [PlatformRoles.Operator], [region]);
        var foreign = await server.CreateAccountAsync(Unique("foreign-op"), [PlatformRoles.Operator], [other]);
        var admin = await server.CreateAccountAsync(Unique("admin"), [PlatformRoles.Administrator]);
        using var moderator = server.CreateApiClient(op.ApiKey);
        using var foreignOp = server.CreateApiClient(foreign.ApiKey);
        using var administrator = server.CreateApiClient(admin.ApiKey);
        var id = await RaiseAsync(a);

        await HttpAssertions.AssertProblemAsync(await a.PostJsonAtAsync($"{Api}/issues/{id}/hide", new { text = "spam" }), HttpStatusCode.Forbidden);
        await HttpAssertions.AssertProblemAsync(await foreignOp.PostJsonAtAsync($"{Api}/issues/{id}/hide", new { text = "spam" }), HttpStatusCode.Forbidden);
        await HttpAssertions.AssertProblemAsync(await moderator.PostJsonAtAsync($"{Api}/issues/{id}/hide", new { text = "" }), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NoContent, (await moderator.PostJsonAtAsync($"{Api}/issues/{id}/hide", new { text = "personal data in the text" })).StatusCode);
        await HttpAssertions.AssertProblemAsync(await moderator.PostJsonAtAsync($"{Api}/issues/{id}/restore", new { text = "ok now" }), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await administrator.PostJsonAtAsync($"{Api}/issues/{id}/restore", new { text = "reviewed: fine" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await moderator.PostJsonAtAsync($"{Api}/issues/{id}/status", new { status = "Planned", note = "in next year's plan" })).StatusCode);
        await HttpAssertions.AssertProblemAsync(await moderator.PostJsonAtAsync($"{Api}/issues/{id}/status", new { status = "Done" }), HttpStatusCode.Conflict);

        var detail = await (await a.GetAtAsync($"{Api}/issues/{id}")).JsonAsync();
        Assert.Equal("Planned", detail.GetProperty("summary").GetProperty("status").GetString());
        var actions = detail.GetProperty("auditTrail").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["posted", "hidden", "restored", "status Open -> Planned"], actions);
        Assert.Equal("personal data in the text", detail.GetProperty("auditTrail")[1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Budget_is_tallied_with_equal_shares_recorded_as_a_decision_and_recomputable_from_the_published_ballots()
    {
        var (server, region, _) = await StartAsync();
        var op = await server.CreateAccountAsync(Unique("pb-operator"), [PlatformRoles.Operator], [region]);
        using var operatorClient = server.CreateApiClient(op.ApiKey);
        var residents = new List<HttpClient>();
        for (var i = 0; i < 5; i++)
        {
            residents.Add((await ResidentAsync(server, region, "voter" + i)).Client);
        }
        try
        {
            var budgetId = (await (await operatorClient.PostJsonAtAsync($"{Api}/budgets", new { regionId = region, title = "Green budget " + Fixture.Storage, amount = 1000, rule = "mes" }))
                .JsonAsync()).GetProperty("id").GetGuid();
            (string Title, int Cost)[] projects = [("Trees", 600), ("Benches", 300), ("Bike racks", 400), ("Fountain", 500)];
            foreach (var (title, cost) in projects)
            {
                Assert.Equal(HttpStatusCode.OK, (await residents[0].PostJsonAtAsync($"{Api}/budgets/{budgetId}/proposals", new { title, description = "", cost })).StatusCode);
            }
            Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(operatorClient, $"{Api}/budgets/{budgetId}/open")).StatusCode);
            int[][] ballots = [[1, 2], [1, 2], [1], [3, 4], [2, 3]];
            var receipts = new List<JsonElement>();
            for (var i = 0; i < ballots.Length; i++)
            {
                receipts.Add(await (await residents[i].PostJsonAtAsync($"{Api}/budgets/{budgetId}/ballots", new { choices = ballots[i] })).JsonAsync());
            }
            await HttpAssertions.AssertProblemAsync(await residents[0].PostJsonAtAsync($"{Api}/budgets/{budgetId}/ballots", new { choices = new[] { 4 } }), HttpStatusCode.Conflict);
            // Secret until close: no published ballots and no approval counts.
            await HttpAssertions.AssertProblemAsync(await residents[1].GetAtAsync($"{Api}/budgets/{budgetId}/ballots.pb"), HttpStatusCode.Conflict);
            var open = await (await residents[1].GetAtAsync($"{Api}/budgets/{budgetId}")).JsonAsync();
            Assert.All(open.GetProperty("proposals").EnumerateArray(), p => Assert.Equal(JsonValueKind.Null, p.GetProperty("approvals").ValueKind));
            await HttpAssertions.AssertProblemAsync(await PostAsync(residents[1], $"{Api}/budgets/{budgetId}/close"), HttpStatusCode.Forbidden);

            var closed = await (await PostAsync(operatorClient, $"{Api}/budgets/{budgetId}/close")).JsonAsync();
            await HttpAssertions.AssertProblemAsync(await PostAsync(operatorClient, $"{Api}/budgets/{budgetId}/close"), HttpStatusCode.Conflict);
            var winners = closed.GetProperty("result").GetProperty("winners").EnumerateArray().Select(w => w.GetProperty("number").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

            // Anyone recomputes the outcome from the published file and the rule recorded in the decision.
            var file = await (await residents[2].GetAtAsync($"{Api}/budgets/{budgetId}/ballots.pb")).Content.ReadAsStringAsync(Ct);
            var election = PabulibReader.Parse(file, "ballots.pb");
            Assert.Equal(ballots.Length, election.Votes.Count);
            var recomputed = EqualSharesRule.Compute(election, new EqualSharesOptions
            {
                Completion = EqualSharesCompletion.Add1,
                TieBreaking = [TieBreakingStep.MaxVotes, TieBreakingStep.MinCost, new TieBreakingStep(TieBreakingKind.PriorityList, ["1", "2", "3", "4"])],
            });
            Assert.Equal(recomputed.Winners, winners);
            Assert.True(recomputed.TotalCost <= Fraction.FromInt64(1000));
            Assert.Equal(long.Parse(recomputed.TotalCost.ToString(), System.Globalization.CultureInfo.InvariantCulture), closed.GetProperty("result").GetProperty("totalCost").GetInt64());

            var decisionId = closed.GetProperty("decision").GetProperty("decisionId").GetGuid();
            var record = await (await residents[2].GetAtAsync($"/api/decisions/{decisionId}")).JsonAsync();
            Assert.Equal("VoteTally", record.GetProperty("kind").GetString());
            Assert.Equal("governance/method-of-equal-shares", record.GetProperty("algorithm").GetString());
            Assert.Equal("add1", record.GetProperty("parameters").GetProperty("completion").GetString());
            Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(file))), record.GetProperty("inputDigest").GetString());
            Assert.False(string.IsNullOrWhiteSpace(record.GetProperty("receipt").GetString()));

            // Each voter finds their commitment among the published ones and opens it with their nonce.
            var commitments = closed.GetProperty("commitments").EnumerateArray().Select(c => c.GetString()).ToList();
            for (var i = 0; i < ballots.Length; i++)
            {
                var receipt = receipts[i].Deserialize<BallotReceiptView>(JsonSerializerOptions.Web)!;
                Assert.Contains(receipt.Commitment, commitments);
                Assert.True(ParticipationService.VerifyReceipt(receipt, [.. ballots[i].Order()]));
                Assert.False(ParticipationService.VerifyReceipt(receipt, [4]));
            }
            // The voter who approved Trees and Benches sees their exact share of each winner they paid for.
            var mine = await (await residents[0].GetAtAsync($"{Api}/budgets/{budgetId}")).JsonAsync();
            var shares = mine.GetProperty("result").GetProperty("winners").EnumerateArray()
                .Where(w => w.GetProperty("viewerShare").ValueKind == JsonValueKind.String).ToList();
            Assert.NotEmpty(shares);
        }
        finally
        {
            residents.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public async Task Vote_accepts_one_ballot_per_resident_under_concurrency_and_its_closed_tally_cannot_change()
    {
        var (server, region, _) = await StartAsync();
        var op = await server.CreateAccountAsync(Unique("vote-operator"), [PlatformRoles.Operator], [region]);
        using var operatorClient = server.CreateApiClient(op.ApiKey);
        var (_, voter) = await ResidentAsync(server, region, "ranker");
        var (_, second) = await ResidentAsync(server, region, "ranker2");
        using var v = voter;
        using var s = second;
        var voteId = (await (await operatorClient.PostJsonAtAsync($"{Api}/votes", new { regionId = region, title = "Which first?", method = "RankedChoice", options = new[] { "Bus", "Tram", "Bikes" } }))
            .JsonAsync()).GetProperty("id").GetGuid();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => v.PostJsonAtAsync($"{Api}/votes/{voteId}/ballots", new { choices = new[] { i % 3, (i + 1) % 3 } })));
        Assert.Equal(1, attempts.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(attempts.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        await HttpAssertions.AssertProblemAsync(await s.PostJsonAtAsync($"{Api}/votes/{voteId}/ballots", new { choices = new[] { 7 } }), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await s.PostJsonAtAsync($"{Api}/votes/{voteId}/ballots", new { choices = new[] { 1 } })).StatusCode);

        var open = await (await s.GetAtAsync($"{Api}/votes/{voteId}")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, open.GetProperty("publishedBallots").ValueKind);
        Assert.Equal(JsonValueKind.Null, open.GetProperty("tally").ValueKind);
        Assert.Equal(2, open.GetProperty("commitments").GetArrayLength());

        var closed = await (await PostAsync(operatorClient, $"{Api}/votes/{voteId}/close")).JsonAsync();
        Assert.Equal(2, closed.GetProperty("tally").GetProperty("countedBallots").GetInt32());
        await HttpAssertions.AssertProblemAsync(await operatorClient.PutJsonAtAsync($"{Api}/votes/{voteId}/tally", new { }), HttpStatusCode.Conflict);
        await HttpAssertions.AssertProblemAsync(await PostAsync(operatorClient, $"{Api}/votes/{voteId}/close"), HttpStatusCode.Conflict);
        var published = closed.GetProperty("publishedBallots").GetString()!;
        Assert.Equal(closed.GetProperty("decision").GetProperty("inputDigest").GetString(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(published))));
    }

    [Fact]
    public async Task Opinion_map_groups_residents_who_vote_alike()
    {
        var (server, _, other) = await StartAsync();
        var clients = new List<HttpClient>();
        for (var i = 0; i < 6; i++)
        {
            clients.Add((await ResidentAsync(server, other, "opinion" + i)).Client);
        }
        try
        {
            var statements = new List<int>();
            foreach (var text in new[] { "More buses " + Fixture.Storage, "Fewer cars", "Night trams" })
            {
                statements.Add((await (await clients[0].PostJsonAtAsync($"{Api}/opinions/{other}/statements", new { text })).JsonAsync()).GetProperty("number").GetInt32());
            }
            for (var i = 0; i < clients.Count; i++)
            {
                var side = i < 3 ? 1 : -1;
                Assert.Equal(HttpStatusCode.NoContent, (await clients[i].PostJsonAtAsync($"{Api}/statements/{statements[0]}/votes", new { value = side })).StatusCode);
                Assert.Equal(HttpStatusCode.NoContent, (await clients[i].PostJsonAtAsync($"{Api}/statements/{statements[1]}/votes", new { value = side })).StatusCode);
                Assert.Equal(HttpStatusCode.NoContent, (await clients[i].PostJsonAtAsync($"{Api}/statements/{statements[2]}/votes", new { value = 1 })).StatusCode);
            }
            var map = await (await clients[0].GetAtAsync($"{Api}/opinions/{other}")).JsonAsync();
            var points = map.GetProperty("points").EnumerateArray().ToList();
            Assert.Equal(6, points.Count);
            Assert.Equal(2, map.GetProperty("groups").GetInt32());
            var groups = points.Select(p => p.GetProperty("group").GetInt32()).ToList();
            Assert.Single(groups.Take(3).Distinct());
            Assert.Single(groups.Skip(3).Distinct());
            Assert.NotEqual(groups[0], groups[3]);
            Assert.Contains(statements[2], map.GetProperty("consensusStatements").EnumerateArray().Select(e => e.GetInt32()));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Studio_scenario_shared_on_an_issue_appears_there()
    {
        var (server, region, _) = await StartAsync();
        var (_, author) = await ResidentAsync(server, region, "studio-author");
        using var a = author;
        var id = await RaiseAsync(a, "Delivery lockers please");
        var share = new { technologies = "delivery,housework-robot", preset = "realistic", grossSavedMinutesPerDay = 55.0, freeGainedMinutesPerDay = 40.0, disposableBeforeMinutes = 300.0, disposableAfterMinutes = 340.0, note = "40 min/day back" };
        Assert.Equal(HttpStatusCode.NoContent, (await a.PostJsonAtAsync($"{Api}/issues/{id}/scenarios", share)).StatusCode);
        await HttpAssertions.AssertProblemAsync(await a.PostJsonAtAsync($"{Api}/issues/{id}/scenarios", share with { freeGainedMinutesPerDay = 90.0 }), HttpStatusCode.BadRequest);
        var detail = await (await a.GetAtAsync($"{Api}/issues/{id}")).JsonAsync();
        var scenario = Assert.Single(detail.GetProperty("scenarios").EnumerateArray());
        Assert.Equal(40.0, scenario.GetProperty("freeGainedMinutesPerDay").GetDouble());
        Assert.Equal("delivery,housework-robot", scenario.GetProperty("technologies").GetString());
    }
}

[Collection(SqliteServerCollection.Name)]
public sealed class ParticipationSqliteTests(SqliteServerFixture fixture) : ParticipationScenarios(fixture);

[Collection(PostgresServerCollection.Name)]
public sealed class ParticipationPostgresTests(PostgresServerFixture fixture) : ParticipationScenarios(fixture);
