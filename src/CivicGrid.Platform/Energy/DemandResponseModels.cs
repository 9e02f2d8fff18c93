namespace CivicGrid.Platform.Energy;

/// <summary>What one flexible load was told to reduce during an event.</summary>
public sealed record DemandResponseInstructionView(string LoadId, string Participant, double ReductionKw);

/// <summary>One load's settlement: committed (instruction × duration), delivered (baseline − metered, capped) and paid.</summary>
public sealed record DemandResponseLoadSettlement(string LoadId, string Participant, double CommittedKwh, double DeliveredKwh, double ShortfallKwh, double PaymentEur);

/// <summary>
/// The settlement of an event over its settled intervals: <c>PaymentEur = DeliveredKwh × PaymentEurPerKwh</c>, the
/// shortfall is what was committed and not delivered. <see cref="Final"/> is false for a provisional statement of a
/// running event (not recorded); a final one carries its decision (id, log index, receipt).
/// </summary>
public sealed record DemandResponseSettlementView(
    string EventId,
    bool Final,
    int SettledIntervals,
    double PaymentEurPerKwh,
    double CommittedKwh,
    double DeliveredKwh,
    double ShortfallKwh,
    double PaymentEur,
    IReadOnlyList<DemandResponseLoadSettlement> Loads,
    DateTimeOffset? SettledAt,
    Guid? DecisionId,
    long? LogIndex,
    string? Receipt);

/// <summary>
/// A demand-response event of a region as recorded in its transparency log: the request, the instructions sent to the
/// flexible loads, its status on the simulated clock (<c>scheduled</c>, <c>active</c>, <c>ended</c>, <c>settled</c>),
/// the issuing decision and, once settled, the settlement.
/// </summary>
public sealed record DemandResponseEventView(
    string Id,
    string RegionId,
    DateTimeOffset Start,
    int Intervals,
    int IntervalMinutes,
    double RequestedKw,
    double PaymentEurPerKwh,
    double InstructedKw,
    string Status,
    string IssuedBy,
    string Reason,
    IReadOnlyList<DemandResponseInstructionView> Instructions,
    Guid DecisionId,
    long LogIndex,
    string Receipt,
    DemandResponseSettlementView? Settlement)
{
    public DateTimeOffset End => Start.AddMinutes(Intervals * IntervalMinutes);
}
