using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CivicGrid.Governance.Budgeting;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Platform;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Governance;
using CivicGrid.Server.Hosting;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// Participation beyond the basics, over HTTP on SQLite and PostgreSQL: cumulative and ordinal budget ballots counted
/// with the engine's rules and recomputable from the published file, the administrator's override (a decision with
/// its reason), Pabulib uploads, comment moderation, scheduled closing by the platform, and per-ballot ledger entries.
/// </summary>
public abstract class ParticipationGovernanceScenarios(ServerFixture fixture)
{
    private const string Api = "/api/participation";

    protected ServerFixture Fixture { get; } = fixture;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Unique(string name) => $"{name}-{Fixture.Storage}-{Guid.NewGuid().ToString("N")[..6]}";

    private async Task<(CivicGridServerFactory Server, string Region)> StartAsync()
    {
        var server = await Fixture.ServerAsync();
        return (server, (await server.RegionIdsAsync())[0]);
    }

    private async Task<HttpClient> ResidentAsync(CivicGridServerFactory server, string region, string name)
    {
        var account = await server.CreateAccountAsync(Unique(name), [PlatformRoles.Resident]);
        var client = server.CreateApiClient(account.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAtAsync($"{Api}/me/region", new { regionId = region })).StatusCode);
        return client;
    }

    private async Task<HttpClient> OperatorAsync(CivicGridServerFactory server, string region) =>
        server.CreateApiClient((await server.CreateAccountAsync(Unique("operator"), [PlatformRoles.Operator], [region])).ApiKey);

    private async Task<HttpClient> AdministratorAsync(CivicGridServerFactory server) =>
        server.CreateApiClient((await server.CreateAccountAsync(Unique("admin"), [PlatformRoles.Administrator])).ApiKey);

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path) =>
        await client.PostAsync(new Uri(path, UriKind.Relative), null, Ct);

    /// <summary>A budget in its voting phase with the given projects, proposed by <paramref name="proposer"/>.</summary>
    private async Task<Guid> VotingBudgetAsync(HttpClient op, HttpClient proposer, string region, object settings, params (string Title, int Cost)[] projects)
    {
        var created = await op.PostJsonAtAsync($"{Api}/budgets", settings);
        var id = (await created.JsonAsync()).GetProperty("id").GetGuid();
        foreach (var (title, cost) in projects)
        {
            Assert.Equal(HttpStatusCode.OK, (await proposer.PostJsonAtAsync($"{Api}/budgets/{id}/proposals", new { title, description = "", cost })).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(op, $"{Api}/budgets/{id}/open")).StatusCode);
        _ = region;
        return id;
    }

    private static List<string> Winners(JsonElement budget) =>
        [.. budget.GetProperty("result").GetProperty("winners").EnumerateArray().Select(w => w.GetProperty("number").GetInt32().ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Cumulative_ballots_are_validated_and_counted_by_points_per_cost_as_pabutools_greedy()
    {
        var (server, region) = await StartAsync();
        using var op = await OperatorAsync(server, region);
        var voters = new List<HttpClient>();
        for (var i = 0; i < 3; i++)
        {
            voters.Add(await ResidentAsync(server, region, "cumulative" + i));
        }
        try
        {
            await HttpAssertions.AssertProblemAsync(await op.PostJsonAtAsync($"{Api}/budgets",
                new { regionId = region, title = "No points", amount = 100, rule = "greedy", ballotKind = "cumulative", pointsPerVoter = 0 }), HttpStatusCode.BadRequest);
            var id = await VotingBudgetAsync(op, voters[0], region,
                new { regionId = region, title = "Points budget " + Fixture.Storage, amount = 100, rule = "greedy", ballotKind = "cumulative", pointsPerVoter = 10 },
                ("Playground", 60), ("Benches", 50), ("Trees", 40));
            var tooMany = await HttpAssertions.AssertProblemAsync(await voters[0].PostJsonAtAsync($"{Api}/budgets/{id}/ballots", new { choices = new[] { 1, 2 }, points = new[] { 6, 6 } }), HttpStatusCode.BadRequest);
            Assert.Contains("more than the 10", tooMany.GetProperty("detail").GetString(), StringComparison.Ordinal);
            await HttpAssertions.AssertProblemAsync(await voters[0].PostJsonAtAsync($"{Api}/budgets/{id}/ballots", new { choices = new[] { 1, 2 }, points = new[] { 5 } }), HttpStatusCode.BadRequest);
            await HttpAssertions.AssertProblemAsync(await voters[0].PostJsonAtAsync($"{Api}/budgets/{id}/ballots", new { choices = new[] { 9 }, points = new[] { 5 } }), HttpStatusCode.BadRequest);
            int[][] choices = [[1, 2], [2, 3], [3]];
            int[][] points = [[5, 5], [8, 2], [10]];
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await voters[i].PostJsonAtAsync($"{Api}/budgets/{id}/ballots", new { choices = choices[i], points = points[i] })).StatusCode);
            }
            var closed = await (await PostAsync(op, $"{Api}/budgets/{id}/close")).JsonAsync();
            // Points: 1 → 5, 2 → 13, 3 → 12; per cost 3 (0.3) > 2 (0.26) > 1; 3 and 2 fit the 100.
            Assert.Equal(["2", "3"], Winners(closed));
            var file = await (await voters[1].GetAtAsync($"{Api}/budgets/{id}/ballots.pb")).Content.ReadAsStringAsync(Ct);
            var election = PabulibReader.Parse(file, "ballots.pb");
            Assert.Equal(PbVoteType.Cumulative, election.VoteType);
            Assert.Equal(Winners(closed), UtilityGreedyRule.Compute(election, SatisfactionMeasure.Points).Order(StringComparer.Ordinal).ToList());
            var record = await (await voters[1].GetAtAsync($"/api/decisions/{closed.GetProperty("decision").GetProperty("decisionId").GetGuid()}")).JsonAsync();
            Assert.Equal("governance/greedy-utilitarian", record.GetProperty("algorithm").GetString());
            Assert.Equal("cumulative", record.GetProperty("parameters").GetProperty("ballot_kind").GetString());
            Assert.Equal("points", record.GetProperty("parameters").GetProperty("satisfaction").GetString());
        }
        finally
        {
            voters.ForEach(v => v.Dispose());
        }
    }

    [Fact]
    public async Task Ordinal_ballots_are_counted_with_equal_shares_on_borda_points_recomputable_from_the_published_file()
    {
        var (server, region) = await StartAsync();
        using var op = await OperatorAsync(server, region);
        var voters = new List<HttpClient>();
        for (var i = 0; i < 4; i++)
        {
            voters.Add(await ResidentAsync(server, region, "ranker" + i));
        }
        try
        {
            var id = await VotingBudgetAsync(op, voters[0], region,
                new { regionId = region, title = "Ranked budget " + Fixture.Storage, amount = 90, rule = "mes", ballotKind = "ordinal", maxProjects = 3 },
                ("Library", 40), ("Pool", 50), ("Garden", 30), ("Square", 20));
            await HttpAssertions.AssertProblemAsync(await voters[0].PostJsonAtAsync($"{Api}/budgets/{id}/ballots", new { choices = new[] { 1, 1 } }), HttpStatusCode.BadRequest);
            await HttpAssertions.AssertProblemAsync(await voters[0].PostJsonAtAsync($"{Api}/budgets/{id}/ballots", new { choices = new[] { 1, 2, 3, 4 } }), HttpStatusCode.BadRequest);
            await HttpAssertions.AssertProblemAsync(await voters[0].PostJsonAtAsync($"{Api}/budgets/{id}/ballots", new { choices = new[] { 1 }, points = new[] { 3 } }), HttpStatusCode.BadRequest);
            int[][] rankings = [[1, 3, 2], [3, 1, 4], [2, 4, 1], [4, 3, 2]];
            for (var i = 0; i < rankings.Length; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await voters[i].PostJsonAtAsync($"{Api}/budgets/{id}/ballots", new { choices = rankings[i] })).StatusCode);
            }
            var closed = await (await PostAsync(op, $"{Api}/budgets/{id}/close")).JsonAsync();
            var file = await (await voters[0].GetAtAsync($"{Api}/budgets/{id}/ballots.pb")).Content.ReadAsStringAsync(Ct);
            var election = PabulibReader.Parse(file, "ballots.pb");
            Assert.Equal(PbVoteType.Ordinal, election.VoteType);
            // The published rankings keep their order (best first), so Borda points are recomputable.
            Assert.Contains(election.Votes, v => v.Projects.SequenceEqual(["4", "3", "2"]));
            var recomputed = UtilityEqualSharesRule.Compute(election, SatisfactionMeasure.Borda).Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(recomputed);
            Assert.Equal(recomputed, Winners(closed));
            Assert.True(closed.GetProperty("result").GetProperty("totalCost").GetInt64() <= 90);
        }
        finally
        {
            voters.ForEach(v => v.Dispose());
        }
    }

    [Fact]
    public async Task Only_an_administrator_overrides_a_closed_budget_and_the_override_is_a_decision_with_the_reason()
    {
        var (server, region) = await StartAsync();
        using var op = await OperatorAsync(server, region);
        using var admin = await AdministratorAsync(server);
        using var voter = await ResidentAsync(server, region, "override-voter");
        var id = await VotingBudgetAsync(op, voter, region, new { regionId = region, title = "Override budget " + Fixture.Storage, amount = 100, rule = "greedy" },
            ("Lamps", 60), ("Paths", 50));
        Assert.Equal(HttpStatusCode.OK, (await voter.PostJsonAtAsync($"{Api}/budgets/{id}/ballots", new { choices = new[] { 1 } })).StatusCode);
        await HttpAssertions.AssertProblemAsync(await admin.PostJsonAtAsync($"{Api}/budgets/{id}/override", new { selected = new[] { 2 }, reason = "before close" }), HttpStatusCode.Conflict);
        var closed = await (await PostAsync(op, $"{Api}/budgets/{id}/close")).JsonAsync();
        Assert.Equal(["1"], Winners(closed));

        await HttpAssertions.AssertProblemAsync(await op.PostJsonAtAsync($"{Api}/budgets/{id}/override", new { selected = new[] { 2 }, reason = "operator wants" }), HttpStatusCode.Forbidden);
        await HttpAssertions.AssertProblemAsync(await admin.PostJsonAtAsync($"{Api}/budgets/{id}/override", new { selected = new[] { 2 }, reason = " " }), HttpStatusCode.BadRequest);
        await HttpAssertions.AssertProblemAsync(await admin.PostJsonAtAsync($"{Api}/budgets/{id}/override", new { selected = new[] { 1, 2 }, reason = "both" }), HttpStatusCode.BadRequest);
        const string Reason = "the lamp supplier went bankrupt; the paths are funded instead";
        var overridden = await (await admin.PostJsonAtAsync($"{Api}/budgets/{id}/override", new { selected = new[] { 2 }, reason = Reason })).JsonAsync();
        var over = overridden.GetProperty("override");
        Assert.Equal([2], over.GetProperty("selected").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(Reason, over.GetProperty("reason").GetString());
        // The computed outcome stays published next to the override.
        Assert.Equal(["1"], Winners(overridden));
        var record = await (await voter.GetAtAsync($"/api/decisions/{over.GetProperty("decision").GetProperty("decisionId").GetGuid()}")).JsonAsync();
        Assert.Equal("governance/administrator-override", record.GetProperty("algorithm").GetString());
        Assert.Equal(Reason, record.GetProperty("reason").GetString());
        Assert.Equal(closed.GetProperty("decision").GetProperty("decisionId").GetGuid().ToString(), record.GetProperty("parameters").GetProperty("replaces_decision").GetString());
        Assert.Equal("2", record.GetProperty("parameters").GetProperty("selected").GetString());
    }

    [Fact]
    public async Task Pabulib_upload_creates_a_budget_that_is_tallied_and_a_malformed_file_names_line_and_reason()
    {
        var (server, region) = await StartAsync();
        using var op = await OperatorAsync(server, region);
        using var resident = await ResidentAsync(server, region, "uploader");
        const string Good = "META\nkey;value\ndescription;Uploaded green budget\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n1;60;Park\n2;50;Bench\n3;40;Fountain\nVOTES\nvoter_id;vote\nv1;1,2\nv2;1\nv3;2,3\nv4;1,3\n";
        const string Bad = "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n1;sixty;Park\nVOTES\nvoter_id;vote\nv1;1\n";

        var problem = await HttpAssertions.AssertProblemAsync(await op.PostJsonAtAsync($"{Api}/budgets/import", new { regionId = region, fileName = "bad.pb", content = Bad }), HttpStatusCode.BadRequest);
        Assert.Equal(7, problem.GetProperty("line").GetInt32());
        Assert.Equal("bad.pb", problem.GetProperty("file").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("reason").GetString()));
        await HttpAssertions.AssertProblemAsync(await resident.PostJsonAtAsync($"{Api}/budgets/import", new { regionId = region, fileName = "good.pb", content = Good }), HttpStatusCode.Forbidden);

        var created = await op.PostJsonAtAsync($"{Api}/budgets/import", new { regionId = region, fileName = "good.pb", content = Good, rule = "mes", tally = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var budget = await created.JsonAsync();
        Assert.Equal("Uploaded green budget", budget.GetProperty("title").GetString());
        Assert.Equal("good.pb", budget.GetProperty("source").GetString());
        Assert.Equal(4, budget.GetProperty("result").GetProperty("ballots").GetInt32());
        var expected = EqualSharesRule.Compute(PabulibReader.Parse(Good, "good.pb"), new EqualSharesOptions
        {
            Completion = EqualSharesCompletion.Add1,
            TieBreaking = [TieBreakingStep.MaxVotes, TieBreakingStep.MinCost, new TieBreakingStep(TieBreakingKind.PriorityList, ["1", "2", "3"])],
        }).Winners.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, Winners(budget));
        var record = await (await resident.GetAtAsync($"/api/decisions/{budget.GetProperty("decision").GetProperty("decisionId").GetGuid()}")).JsonAsync();
        Assert.Equal("good.pb", record.GetProperty("parameters").GetProperty("source").GetString());
    }

    [Fact]
    public async Task Comments_are_reported_hidden_with_a_reason_and_restored_by_another_moderator()
    {
        var (server, region) = await StartAsync();
        using var author = await ResidentAsync(server, region, "comment-author");
        using var reader = await ResidentAsync(server, region, "comment-reader");
        using var op = await OperatorAsync(server, region);
        using var admin = await AdministratorAsync(server);
        var issue = (await (await author.PostJsonAtAsync($"{Api}/issues", new { title = "Noisy road " + Fixture.Storage, category = "Mobility", latitudeDegrees = 48.001, longitudeDegrees = 11.002 }))
            .JsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await author.PostJsonAtAsync($"{Api}/issues/{issue}/comments", new { text = "Call 555-0100 for my shop" })).StatusCode);
        var comment = (await (await reader.GetAtAsync($"{Api}/issues/{issue}")).JsonAsync()).GetProperty("commentList")[0].GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NoContent, (await reader.PostJsonAtAsync($"{Api}/comments/{comment}/reports", new { text = "advertising" })).StatusCode);
        await HttpAssertions.AssertProblemAsync(await reader.PostJsonAtAsync($"{Api}/comments/{comment}/hide", new { text = "advertising" }), HttpStatusCode.Forbidden);
        await HttpAssertions.AssertProblemAsync(await op.PostJsonAtAsync($"{Api}/comments/{comment}/hide", new { text = "" }), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NoContent, (await op.PostJsonAtAsync($"{Api}/comments/{comment}/hide", new { text = "advertising is not allowed" })).StatusCode);

        var seen = (await (await reader.GetAtAsync($"{Api}/issues/{issue}")).JsonAsync()).GetProperty("commentList")[0];
        Assert.True(seen.GetProperty("isHidden").GetBoolean());
        Assert.DoesNotContain("555", seen.GetProperty("text").GetString(), StringComparison.Ordinal);
        var moderatorView = (await (await op.GetAtAsync($"{Api}/issues/{issue}")).JsonAsync()).GetProperty("commentList")[0];
        Assert.Contains("555", moderatorView.GetProperty("text").GetString(), StringComparison.Ordinal);

        await HttpAssertions.AssertProblemAsync(await op.PostJsonAtAsync($"{Api}/comments/{comment}/restore", new { text = "changed my mind" }), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostJsonAtAsync($"{Api}/comments/{comment}/restore", new { text = "a local shop, fine" })).StatusCode);
        var detail = await (await reader.GetAtAsync($"{Api}/issues/{issue}")).JsonAsync();
        Assert.False(detail.GetProperty("commentList")[0].GetProperty("isHidden").GetBoolean());
        var trail = detail.GetProperty("auditTrail").EnumerateArray().Select(a => (a.GetProperty("action").GetString()!, a.GetProperty("reason").GetString())).ToList();
        var tag = comment.ToString("N")[..8];
        Assert.Contains(($"comment {tag} reported", "advertising"), trail);
        Assert.Contains(($"comment {tag} hidden", "advertising is not allowed"), trail);
        Assert.Contains(($"comment {tag} restored", "a local shop, fine"), trail);
    }

    [Fact]
    public async Task Scheduled_votes_close_on_the_platform_clock_as_an_automatic_decision()
    {
        var (server, region) = await StartAsync();
        using var op = await OperatorAsync(server, region);
        using var voter = await ResidentAsync(server, region, "scheduled-voter");
        Assert.Contains(server.Services.GetServices<IHostedService>(), s => s is ParticipationScheduler);
        var now = server.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await HttpAssertions.AssertProblemAsync(await op.PostJsonAtAsync($"{Api}/votes",
            new { regionId = region, title = "Past", method = "Approval", options = new[] { "A", "B" }, closesAt = now.AddMinutes(-1) }), HttpStatusCode.BadRequest);
        var closesAt = now.AddHours(1);
        var voteId = (await (await op.PostJsonAtAsync($"{Api}/votes",
            new { regionId = region, title = "Evening vote " + Fixture.Storage, method = "Approval", options = new[] { "Bus", "Tram" }, closesAt })).JsonAsync()).GetProperty("id").GetGuid();
        var receipt = await (await voter.PostJsonAtAsync($"{Api}/votes/{voteId}/ballots", new { choices = new[] { 1 } })).JsonAsync();

        // The scheduler's round at a time after the closing time (the service is what the scheduler calls each tick).
        using (var scope = server.Services.CreateScope())
        {
            var closed = await scope.ServiceProvider.GetRequiredService<ParticipationService>().CloseDueContestsAsync(closesAt.AddSeconds(1), Ct);
            Assert.True(closed >= 1);
        }
        var vote = await (await voter.GetAtAsync($"{Api}/votes/{voteId}")).JsonAsync();
        Assert.True(vote.GetProperty("isClosed").GetBoolean());
        Assert.Equal([0L, 1L], vote.GetProperty("tally").GetProperty("scores").EnumerateArray().Select(e => e.GetInt64()));
        var record = await (await voter.GetAtAsync($"/api/decisions/{vote.GetProperty("decision").GetProperty("decisionId").GetGuid()}")).JsonAsync();
        Assert.Equal("automatic", record.GetProperty("actorKind").GetString());
        Assert.Equal("1", record.GetProperty("parameters").GetProperty("ballot_log_entries").GetString());
        Assert.Contains(receipt.GetProperty("commitment").GetString()!, vote.GetProperty("commitments").EnumerateArray().Select(c => c.GetString()));
        await HttpAssertions.AssertProblemAsync(await voter.PostJsonAtAsync($"{Api}/votes/{voteId}/ballots", new { choices = new[] { 0 } }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Each_ballot_commitment_is_a_ledger_entry_whose_receipt_verifies_and_names_no_voter()
    {
        var (server, region) = await StartAsync();
        using var op = await OperatorAsync(server, region);
        var account = await server.CreateAccountAsync(Unique("ledger-voter"), [PlatformRoles.Resident]);
        using var voter = server.CreateApiClient(account.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await voter.PostJsonAtAsync($"{Api}/me/region", new { regionId = region })).StatusCode);
        var voteId = (await (await op.PostJsonAtAsync($"{Api}/votes", new { regionId = region, title = "Logged vote", method = "SingleChoice", options = new[] { "Yes", "No" } }))
            .JsonAsync()).GetProperty("id").GetGuid();
        var receipt = await (await voter.PostJsonAtAsync($"{Api}/votes/{voteId}/ballots", new { choices = new[] { 0 } })).JsonAsync();
        var logIndex = receipt.GetProperty("logIndex").GetInt64();
        var text = receipt.GetProperty("ledgerReceipt").GetString()!;

        var parsed = Receipt.Parse(text, "ballot receipt");
        Assert.Equal(logIndex, parsed.Index);
        var key = NoteVerifierKey.Parse(server.Services.GetRequiredService<ITransparencyLogs>().GetVerifierKey(region));
        Assert.True(parsed.Verify(key).IsValid);
        var entry = Encoding.UTF8.GetString(parsed.Entry);
        Assert.Contains(receipt.GetProperty("commitment").GetString()!, entry, StringComparison.Ordinal);
        Assert.Contains(voteId.ToString(), entry, StringComparison.Ordinal);
        Assert.DoesNotContain(account.Id, entry, StringComparison.Ordinal);
        Assert.DoesNotContain(account.UserName, entry, StringComparison.Ordinal);

        var closed = await (await PostAsync(op, $"{Api}/votes/{voteId}/close")).JsonAsync();
        Assert.Equal([logIndex], closed.GetProperty("commitmentLogIndexes").EnumerateArray().Select(e => e.GetInt64()));
        var record = await (await voter.GetAtAsync($"/api/decisions/{closed.GetProperty("decision").GetProperty("decisionId").GetGuid()}")).JsonAsync();
        var expectedDigest = DecisionRequest.DigestOf($"{logIndex.ToString(CultureInfo.InvariantCulture)} {receipt.GetProperty("commitment").GetString()}");
        Assert.Equal(expectedDigest, record.GetProperty("parameters").GetProperty("ballot_log_digest").GetString());
    }
}

[Collection(SqliteServerCollection.Name)]
public sealed class ParticipationGovernanceSqliteTests(SqliteServerFixture fixture) : ParticipationGovernanceScenarios(fixture);

[Collection(PostgresServerCollection.Name)]
public sealed class ParticipationGovernancePostgresTests(PostgresServerFixture fixture) : ParticipationGovernanceScenarios(fixture);
