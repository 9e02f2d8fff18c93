using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Energy;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>
/// Demand response on the demo city with a stepping clock: an event is recorded as a decision, its settlement is
/// computed from the simulated meter readings (delivered × price, shortfall), recorded once when the event has ended,
/// and both survive a restart (they are rebuilt from the decision log).
/// </summary>
public sealed class DemandResponseOperationsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_event_is_settled_from_the_simulated_meters_once_it_has_ended_and_survives_a_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await VppTestHost.StartAsync(Start, new Dictionary<string, string?> { ["CivicGrid:Energy:VppReplan:Enabled"] = "false" });
        var data = host.DataDirectory;
        string region;
        DemandResponseSettlementView final;
        string eventId;
        const double price = 0.4;
        {
            var vpp = host.Services.GetRequiredService<VppService>();
            region = vpp.Regions[0].Id;
            await using var scope = host.Services.CreateAsyncScope();
            var dr = scope.ServiceProvider.GetRequiredService<DemandResponseOperations>();
            var ev = await dr.IssueAsync(region, Start.AddMinutes(30), 4, 10, price, null, DecisionActor.Operator("op-1"), ct);
            eventId = ev.Id;
            Assert.Equal("scheduled", ev.Status);
            Assert.InRange(ev.InstructedKw, 0.01, 10 + 1e-9);
            // Only loads that accept the price are instructed, each within its flexibility.
            var enrolment = dr.Enrolment(region).ToDictionary(l => l.LoadId);
            Assert.All(ev.Instructions, i => Assert.True(enrolment[i.LoadId].MinPaymentEurPerKWh <= price && i.ReductionKw <= enrolment[i.LoadId].MaxReductionKW + 1e-12));

            var early = await dr.SettlementAsync(region, ev.Id, false, DecisionActor.Automatic, ct);
            Assert.False(early.Final);
            Assert.Equal(0, early.SettledIntervals);
            await Assert.ThrowsAsync<EnergyOperationException>(() => dr.SettlementAsync(region, ev.Id, true, DecisionActor.Operator("op-1"), ct));

            host.Clock.Advance(TimeSpan.FromMinutes(90)); // 11:30: the event (10:30–11:30) has ended
            final = await dr.SettlementAsync(region, ev.Id, false, DecisionActor.Automatic, ct);
            Assert.True(final.Final);
            Assert.Equal(4, final.SettledIntervals);
            Assert.NotNull(final.DecisionId);

            // Independent check: delivered = Σ min(max(baseline − metered, 0), instruction) × 15 min over the event.
            var households = vpp.City.Households.ToDictionary(h => h.Id);
            var first = DemandResponseOperations.GlobalInterval(Start.AddMinutes(30));
            var delivered = ev.Instructions.Sum(i => Enumerable.Range(first, 4).Sum(g =>
            {
                var (baseline, metered) = DemandResponseOperations.Reading(vpp.City.Seed, households[i.LoadId], g, i.ReductionKw);
                return Math.Clamp(baseline - metered, 0, i.ReductionKw) * 0.25;
            }));
            Assert.Equal(delivered, final.DeliveredKwh, 9);
            Assert.Equal(ev.InstructedKw * 4 * 0.25, final.CommittedKwh, 9);
            Assert.Equal(final.DeliveredKwh * price, final.PaymentEur, 9);
            Assert.Equal(final.CommittedKwh - final.DeliveredKwh, final.ShortfallKwh, 9);
            // Some households ignore events (and compliance varies): the shortfall is reported, not hidden.
            Assert.True(final.ShortfallKwh > 0);
            Assert.Contains(final.Loads, l => l.ShortfallKwh > 0);

            var again = await dr.SettlementAsync(region, ev.Id, false, DecisionActor.Automatic, ct);
            Assert.Equal(final.DecisionId, again.DecisionId);
            var records = await host.DecisionsAsync(region);
            Assert.Equal(2, records.Count(r => r.Record.Kind == DecisionKind.DemandResponse));
        }
        await host.Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        // A new process on the same data: the event and its settlement are rebuilt from the decision log.
        await using var restarted = await VppTestHost.StartAsync(Start.AddHours(2), new Dictionary<string, string?> { ["CivicGrid:Energy:VppReplan:Enabled"] = "false" }, data);
        await using var scope2 = restarted.Services.CreateAsyncScope();
        var events = await scope2.ServiceProvider.GetRequiredService<DemandResponseOperations>().ListAsync(region, ct);
        var restored = Assert.Single(events, e => e.Id == eventId);
        Assert.Equal("settled", restored.Status);
        Assert.Equal(final.DecisionId, restored.Settlement!.DecisionId);
        Assert.Equal(final.PaymentEur, restored.Settlement.PaymentEur, 12);
        Assert.Equal(final.Loads.Count, restored.Settlement.Loads.Count);
    }

    [Fact]
    public async Task The_vpp_issues_an_event_when_its_plan_imports_above_the_feeder_limit_once_per_span()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await VppTestHost.StartAsync(Start, new Dictionary<string, string?> { ["CivicGrid:Energy:VppReplan:Enabled"] = "false" });
        var region = host.Services.GetRequiredService<VppService>().Regions[0];
        await using var scope = host.Services.CreateAsyncScope();
        var dr = scope.ServiceProvider.GetRequiredService<DemandResponseOperations>();
        VppSnapshot Snapshot(params VppViolation[] violations) => new(region.Id, region.Name, new DateOnly(2026, 11, 23), Start, 40,
            new VppPortfolioSummary(1, 0, 0, 0, 0, 0, 0, 10), [], 0, 0, 0, null, null, "test", "test", 0, violations);

        Assert.Null(await dr.CoverPlanShortfallAsync(Snapshot(), 0.3, ct));
        // A violation in the past is not covered either.
        Assert.Null(await dr.CoverPlanShortfallAsync(Snapshot(new VppViolation("feeder_import_limit", null, 30, 5, "kW")), 0.3, ct));

        var issued = await dr.CoverPlanShortfallAsync(Snapshot(
            new VppViolation("feeder_import_limit", null, 70, 2.5, "kW"), new VppViolation("feeder_import_limit", null, 72, 4, "kW")), 0.3, ct);
        Assert.NotNull(issued);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 17, 30, 0, TimeSpan.Zero), issued.Start);
        Assert.Equal(3, issued.Intervals);
        Assert.Equal(4, issued.RequestedKw, 12);
        Assert.Equal("automatic", issued.IssuedBy);
        // The same span again: already covered.
        Assert.Null(await dr.CoverPlanShortfallAsync(Snapshot(new VppViolation("feeder_import_limit", null, 71, 3, "kW")), 0.3, ct));
    }

    [Fact]
    public async Task Invalid_events_are_refused_before_anything_is_recorded()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await VppTestHost.StartAsync(Start, new Dictionary<string, string?> { ["CivicGrid:Energy:VppReplan:Enabled"] = "false" });
        var region = host.Services.GetRequiredService<VppService>().Regions[0].Id;
        await using var scope = host.Services.CreateAsyncScope();
        var dr = scope.ServiceProvider.GetRequiredService<DemandResponseOperations>();
        var op = DecisionActor.Operator("op-1");
        await Assert.ThrowsAsync<EnergyOperationException>(() => dr.IssueAsync(region, Start.AddMinutes(7), 2, 5, 0.4, null, op, ct));
        await Assert.ThrowsAsync<EnergyOperationException>(() => dr.IssueAsync(region, Start.AddMinutes(-15), 2, 5, 0.4, null, op, ct));
        await Assert.ThrowsAsync<EnergyOperationException>(() => dr.IssueAsync(region, Start.AddDays(8), 2, 5, 0.4, null, op, ct));
        await Assert.ThrowsAsync<EnergyOperationException>(() => dr.IssueAsync(region, Start, 0, 5, 0.4, null, op, ct));
        await Assert.ThrowsAsync<EnergyOperationException>(() => dr.IssueAsync(region, Start, 2, double.NaN, 0.4, null, op, ct));
        await Assert.ThrowsAsync<EnergyOperationException>(() => dr.IssueAsync(region, Start, 2, 5, 0.01, null, op, ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => dr.IssueAsync("no-such-region", Start, 2, 5, 0.4, null, op, ct));
        Assert.DoesNotContain(await host.DecisionsAsync(region), r => r.Record.Kind == DecisionKind.DemandResponse);
    }
}
