using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Platform.Decisions;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// The batch append the supply seed uses: decisions appended together keep the order of the list in the region's
/// log (consecutive increasing indexes), each receipt verifies against the region's key and names its own record,
/// and every record is stored and readable like a single append.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class SupplyDecisionBatchTests(SqliteServerFixture fixture)
{
    [Fact]
    public async Task Batch_appends_keep_list_order_in_the_log_and_every_receipt_verifies()
    {
        var server = await fixture.ServerAsync();
        var region = (await server.RegionIdsAsync())[0];
        var requests = Enumerable.Range(0, 25).Select(i => new DecisionRequest(DecisionKind.MaterialAllocation, region, [$"lot-{i}"], DecisionActor.Automatic,
            new DecisionAlgorithm("batch-test", "1"), DecisionRequest.DigestOf($"event {i}"), $"allocation {i}", "batch append test")).ToList();

        using var scope = server.Services.CreateScope();
        var log = scope.ServiceProvider.GetRequiredService<IDecisionLog>();
        var receipts = await log.AppendBatchAsync(requests, TestContext.Current.CancellationToken);

        Assert.Equal(requests.Count, receipts.Count);
        for (var i = 1; i < receipts.Count; i++)
        {
            Assert.Equal(receipts[i - 1].LogIndex + 1, receipts[i].LogIndex);
        }
        var key = NoteVerifierKey.Parse(server.Services.GetRequiredService<ITransparencyLogs>().GetVerifierKey(region));
        for (var i = 0; i < receipts.Count; i++)
        {
            Assert.Equal($"allocation {i}", receipts[i].Record.Outcome);
            var parsed = Receipt.Parse(receipts[i].Receipt, $"receipt {i}");
            Assert.True(parsed.Verify(key).IsValid);
            Assert.Equal(receipts[i].LogIndex, parsed.Index);
            Assert.Equal(receipts[i].CanonicalJson, System.Text.Encoding.UTF8.GetString(parsed.Entry));
            var stored = await log.GetAsync(receipts[i].Record.Id, TestContext.Current.CancellationToken);
            Assert.Equal(receipts[i].LogIndex, stored!.LogIndex);
        }
    }

    [Fact]
    public async Task A_batch_with_an_invalid_request_appends_nothing()
    {
        var server = await fixture.ServerAsync();
        var region = (await server.RegionIdsAsync())[0];
        using var scope = server.Services.CreateScope();
        var log = scope.ServiceProvider.GetRequiredService<IDecisionLog>();
        var before = await log.ListAsync(region, 0, 1, TestContext.Current.CancellationToken);
        DecisionRequest[] requests =
        [
            new(DecisionKind.MaterialAllocation, region, ["a"], DecisionActor.Automatic, new DecisionAlgorithm("batch-test", "1"), DecisionRequest.DigestOf("a"), "ok", "fine"),
            new(DecisionKind.MaterialAllocation, "no-such-region", ["b"], DecisionActor.Automatic, new DecisionAlgorithm("batch-test", "1"), DecisionRequest.DigestOf("b"), "bad", "unknown region"),
        ];
        await Assert.ThrowsAsync<InvalidDecisionException>(() => log.AppendBatchAsync(requests, TestContext.Current.CancellationToken));
        var after = await log.ListAsync(region, 0, 1, TestContext.Current.CancellationToken);
        Assert.Equal(before.Select(r => r.Record.Id), after.Select(r => r.Record.Id));
    }
}
