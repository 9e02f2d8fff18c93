using System.Text;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Platform.Decisions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Platform.Tests;

public sealed class DecisionLogTests
{
    private static DecisionRequest Shedding(string region = "riverside", string reason = "Feeder overload forecast at 18:00") => new(
        DecisionKind.LoadShedding,
        region,
        ["riverside-h002-meter", "riverside-h001-meter"],
        DecisionActor.Operator("op-7"),
        new DecisionAlgorithm("rotating-shedding", "1.2.0", new Dictionary<string, string> { ["target_kw"] = "120", ["block_minutes"] = "30" }),
        DecisionRequest.DigestOf("forecast bytes"),
        "2 households shed for 30 min",
        reason);

    [Fact]
    public async Task Appending_returns_a_receipt_with_log_position_canonical_json_and_the_injected_time()
    {
        await using var host = PlatformTestHost.Create();
        await host.InitializeAsync();
        var ct = TestContext.Current.CancellationToken;

        var first = await host.InScopeAsync(sp => sp.GetRequiredService<IDecisionLog>().AppendAsync(Shedding(), ct));
        host.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await host.InScopeAsync(sp => sp.GetRequiredService<IDecisionLog>().AppendAsync(Shedding(), ct));

        Assert.Equal(0, first.LogIndex);
        Assert.Equal(1, second.LogIndex);
        Assert.Equal(host.Clock.Now, second.Record.DecidedAt);
        Assert.Equal(host.Clock.Now.AddMinutes(-5), first.Record.DecidedAt);
        // Canonical: keys sorted, no whitespace, time in UTC with milliseconds.
        Assert.StartsWith("{\"actor\":{\"kind\":\"operator\",\"operator_id\":\"op-7\"},\"algorithm\":{\"name\":\"rotating-shedding\",\"parameters\":{\"block_minutes\":\"30\",\"target_kw\":\"120\"}", first.CanonicalJson, StringComparison.Ordinal);
        Assert.Contains("\"decided_at\":\"2026-11-22T21:00:00.000Z\"", first.CanonicalJson, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"load_shedding\"", first.CanonicalJson, StringComparison.Ordinal);
        Assert.DoesNotContain(' ', first.CanonicalJson.Replace("Feeder overload forecast at 18:00", "", StringComparison.Ordinal).Replace("2 households shed for 30 min", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_receipt_is_a_signed_offline_proof_of_the_logged_bytes()
    {
        await using var host = PlatformTestHost.Create();
        await host.InitializeAsync();
        var ct = TestContext.Current.CancellationToken;
        DecisionReceipt last = null!;
        for (var i = 0; i < 5; i++)
        {
            last = await host.InScopeAsync(sp => sp.GetRequiredService<IDecisionLog>().AppendAsync(Shedding(), ct));
        }
        var logs = host.Services.GetRequiredService<ITransparencyLogs>();
        var key = NoteVerifierKey.Parse(logs.GetVerifierKey("riverside"));
        var receipt = Receipt.Parse(last.Receipt);

        Assert.Equal(4, receipt.Index);
        Assert.Equal(Encoding.UTF8.GetBytes(last.CanonicalJson), receipt.Entry);
        var verification = receipt.Verify(key);
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(5, verification.Checkpoint!.Size);
        Assert.Equal("civicgrid/riverside", key.Name);
        // Another region's key does not verify this region's receipt.
        var otherKey = NoteVerifierKey.Parse(logs.GetVerifierKey("harbour"));
        Assert.False(receipt.Verify(otherKey).IsValid);
        // Nor does the receipt of a tampered entry.
        var tampered = receipt with { Entry = Encoding.UTF8.GetBytes(last.CanonicalJson.Replace("shed", "kept", StringComparison.Ordinal)) };
        Assert.False(tampered.Verify(key).IsValid);
    }

    [Fact]
    public async Task Each_region_has_its_own_log_and_a_restart_continues_it()
    {
        var folder = Testing.RepositoryPaths.CreateTempFolder();
        var ct = TestContext.Current.CancellationToken;
        try
        {
            var data = Path.Combine(folder.Path, "data");
            await using (var host = PlatformTestHost.Create(data))
            {
                await host.InitializeAsync();
                await host.InScopeAsync(sp => sp.GetRequiredService<IDecisionLog>().AppendAsync(Shedding(), ct));
                var harbour = await host.InScopeAsync(sp => sp.GetRequiredService<IDecisionLog>().AppendAsync(Shedding("harbour"), ct));
                Assert.Equal(0, harbour.LogIndex);
            }
            await using var restarted = PlatformTestHost.Create(data);
            await restarted.InitializeAsync();
            var next = await restarted.InScopeAsync(sp => sp.GetRequiredService<IDecisionLog>().AppendAsync(Shedding(), ct));
            Assert.Equal(1, next.LogIndex);
            Assert.True(File.Exists(Path.Combine(data, "ledger", "riverside", "entries.wal")));
            Assert.True(File.Exists(Path.Combine(data, "ledger", "harbour", "public", "checkpoint")));
            Assert.True(File.Exists(Path.Combine(data, "ledger", "keys", "harbour.key")));
            var listed = await restarted.InScopeAsync(sp => sp.GetRequiredService<IDecisionLog>().ListAsync("riverside", 0, 10, ct));
            Assert.Equal(2, listed.Count);
            var fetched = await restarted.InScopeAsync(sp => sp.GetRequiredService<IDecisionLog>().GetAsync(next.Record.Id, ct));
            Assert.NotNull(fetched);
            Assert.Equal(next.CanonicalJson, fetched.CanonicalJson);
            Assert.Equal(next.Record.Algorithm.Parameters, fetched.Record.Algorithm.Parameters);
            Assert.Equal(next.Record.AssetIds, fetched.Record.AssetIds);
            Assert.Equal("op-7", fetched.Record.Actor.OperatorId);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Dispose();
        }
    }

    [Fact]
    public async Task Concurrent_appends_to_one_region_get_distinct_consecutive_positions()
    {
        await using var host = PlatformTestHost.Create();
        await host.InitializeAsync();
        var ct = TestContext.Current.CancellationToken;
        var receipts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            host.InScopeAsync(sp => sp.GetRequiredService<IDecisionLog>().AppendAsync(Shedding(), ct)))));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), receipts.Select(r => r.LogIndex).Order());
    }

    [Theory]
    [InlineData("atlantis", "x", "does not exist")]
    [InlineData("riverside", " ", "reason")]
    public async Task Invalid_requests_are_rejected_with_the_reason(string region, string reason, string expected)
    {
        await using var host = PlatformTestHost.Create();
        await host.InitializeAsync();
        var error = await Assert.ThrowsAsync<InvalidDecisionException>(() =>
            host.InScopeAsync(sp => sp.GetRequiredService<IDecisionLog>().AppendAsync(Shedding(region, reason), TestContext.Current.CancellationToken)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Automatic_actors_carry_no_operator_and_operators_need_an_id()
    {
        Assert.Equal("automatic", DecisionActor.Automatic.Kind);
        Assert.Null(DecisionActor.Automatic.OperatorId);
        Assert.Throws<ArgumentException>(() => DecisionActor.Operator(" "));
    }

    [Fact]
    public void Every_kind_round_trips_through_its_logged_name()
    {
        foreach (var kind in Enum.GetValues<DecisionKind>())
        {
            Assert.Equal(kind, DecisionJson.ParseKind(DecisionJson.KindName(kind)));
        }
        Assert.Throws<FormatException>(() => DecisionJson.ParseKind("coup"));
    }
}
