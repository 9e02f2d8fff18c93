using System.Globalization;
using CivicGrid.Energy.Vpp;
using CivicGrid.Platform.Decisions;

namespace CivicGrid.Platform.Energy;

/// <summary>A schedule computed for adoption: day-ahead or a rolling-horizon re-plan from <see cref="FromInterval"/>.</summary>
internal sealed record PendingVppPlan(string RegionId, long Day, string Kind, int FromInterval, Portfolio Portfolio, DispatchResult Result,
    string InputDigest, string ScheduleDigest, string Forecast)
{
    public double PeakImportKw => Result.ImportKw.DefaultIfEmpty(0).Max();

    public string Outcome => string.Create(CultureInfo.InvariantCulture,
        $"{Kind} schedule of {Portfolio.Ders.Count} devices for intervals {FromInterval}–{FromInterval + Portfolio.Intervals - 1}: cost {Result.Costs.TotalEur:F2} EUR (energy {Result.Costs.EnergyEur:F2}), peak import {PeakImportKw:F1} of {Portfolio.Feeder.ImportLimitKw:F1} kW, {Result.Violations.Count} violations; schedule {ScheduleDigest}");

    public VppPlan ToView(DecisionReceipt receipt) => new(Kind, DateOnly.FromDateTime(DateTimeOffset.UnixEpoch.AddDays(Day).UtcDateTime), FromInterval,
        Result.Costs.TotalEur, Result.Costs.EnergyEur, PeakImportKw, Result.Violations.Count, InputDigest, ScheduleDigest,
        receipt.Record.Id, receipt.LogIndex, receipt.Receipt);
}

/// <summary>
/// Runs the VPP on the simulated clock: adopts the day-ahead schedule once a day and re-plans at every new 15-minute
/// interval, each adopted schedule appended to the transparency log as a <see cref="DecisionKind.DispatchSchedule"/>
/// decision ("energy.vpp-schedule": a compact summary and the SHA-256 of the full schedule).
/// </summary>
public sealed class VppPlanning(VppService vpp, IDecisionLog log)
{
    public const string DecisionName = "energy.vpp-schedule";

    /// <summary>Adopts and records whatever the clock calls for (idempotent within an interval), then returns the snapshot.</summary>
    public async Task<VppSnapshot> AdvanceAsync(string regionId, CancellationToken cancellationToken)
    {
        var gate = vpp.RegionLock(regionId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var plan in vpp.Pending(regionId))
            {
                var request = new DecisionRequest(
                    DecisionKind.DispatchSchedule,
                    regionId,
                    [],
                    DecisionActor.Automatic,
                    new DecisionAlgorithm(plan.Kind == "day-ahead" ? "vpp-day-ahead-lp" : "vpp-rolling-horizon-lp", "1", new Dictionary<string, string>
                    {
                        ["decision"] = DecisionName,
                        ["kind"] = plan.Kind,
                        ["from_interval"] = plan.FromInterval.ToString(CultureInfo.InvariantCulture),
                        ["intervals"] = plan.Portfolio.Intervals.ToString(CultureInfo.InvariantCulture),
                        ["interval_minutes"] = plan.Portfolio.IntervalMinutes.ToString(CultureInfo.InvariantCulture),
                        ["devices"] = plan.Portfolio.Ders.Count.ToString(CultureInfo.InvariantCulture),
                        ["solver"] = "OR-Tools GLOP, aggregated LP",
                        ["forecast"] = plan.Forecast,
                        ["schedule_digest"] = plan.ScheduleDigest,
                    }),
                    plan.InputDigest,
                    plan.Outcome,
                    "minimise energy cost, battery wear and penalties of unmet limits within the feeder rating; "
                    + (plan.Kind == "day-ahead" ? "the day's first schedule" : "re-planned from the measured state at the start of the interval"));
                DecisionReceipt receipt;
                try
                {
                    receipt = await log.AppendAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDecisionException)
                {
                    // A region the platform's database does not know cannot hold decisions: nothing is adopted unrecorded.
                    break;
                }
                vpp.Adopt(plan, receipt);
            }
        }
        finally
        {
            gate.Release();
        }
        return vpp.Snapshot(regionId);
    }
}
