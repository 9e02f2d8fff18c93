namespace CivicGrid.Platform.Energy;

/// <summary>What a region's virtual power plant consists of.</summary>
public sealed record VppPortfolioSummary(
    int Households,
    int PvSystems,
    double PvPeakKw,
    int Batteries,
    double BatteryKwh,
    int ElectricVehicles,
    double EvBatteryKwh,
    double FeederLimitKw);

/// <summary>One 15-minute interval of the day: forecast and (once the simulated clock has passed it) actual values, and the schedule.</summary>
public sealed record VppInterval(
    int Index,
    DateTimeOffset Start,
    double PriceEurPerKwh,
    double ForecastLoadKw,
    double? ActualLoadKw,
    double ForecastPvKw,
    double? ActualPvKw,
    double ImportKw,
    double ExportKw,
    double PvUsedKw,
    double BatteryKw,
    double EvKw,
    double BatteryEnergyKwh);

/// <summary>A soft constraint the schedule could not meet.</summary>
public sealed record VppViolation(string Constraint, string? Device, int Interval, double Amount, string Unit);

/// <summary>The region's VPP on the simulated clock: today's forecast, actuals so far, and the day-ahead schedule.</summary>
public sealed record VppSnapshot(
    string RegionId,
    string RegionName,
    DateOnly Day,
    DateTimeOffset Now,
    int CurrentInterval,
    VppPortfolioSummary Portfolio,
    IReadOnlyList<VppInterval> Intervals,
    double EnergyCostEur,
    double WearCostEur,
    double PenaltyEur,
    double? LoadMaeKwSoFar,
    double? PvMaeKwSoFar,
    string Forecaster,
    string Solver,
    double SolveMilliseconds,
    IReadOnlyList<VppViolation> Violations)
{
    /// <summary>Today's adopted schedules with their decision receipts, oldest first.</summary>
    public IReadOnlyList<VppPlan> Plans { get; init; } = [];
}

/// <summary>
/// An adopted VPP schedule (day-ahead or a re-plan from an interval on) and its decision in the transparency log:
/// record id, log index and the receipt text (signed checkpoint + inclusion proof).
/// </summary>
public sealed record VppPlan(
    string Kind,
    DateOnly Day,
    int FromInterval,
    double TotalCostEur,
    double EnergyCostEur,
    double PeakImportKw,
    int Violations,
    string InputDigest,
    string ScheduleDigest,
    Guid DecisionId,
    long LogIndex,
    string Receipt);
