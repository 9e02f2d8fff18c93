namespace CivicGrid.Water.Operations;

/// <summary>Constraints and search budget of pump scheduling.</summary>
public sealed record PumpScheduleOptions
{
    /// <summary>Length of a schedule period (one on/off decision per pump per period).</summary>
    public long PeriodSeconds { get; init; } = 3600;

    /// <summary>Lowest pressure allowed at junctions that have a demand, in metres.</summary>
    public double MinimumPressureMeters { get; init; }

    /// <summary>Operating band of each tank: [min + f·range, max − f·range] (widened to include the initial level).</summary>
    public double TankMarginFraction { get; init; } = 0.01;

    /// <summary>Require every tank to end the run at least at its initial level (minus <see cref="FinalLevelToleranceMeters"/>).</summary>
    public bool RequireFinalLevelAtLeastInitial { get; init; } = true;

    public double FinalLevelToleranceMeters { get; init; } = 0.01;

    /// <summary>Budget of full extended-period simulations the search may run.</summary>
    public int MaxEvaluations { get; init; } = 600;

    /// <summary>Pumps to schedule (null: all); the others keep their own controls.</summary>
    public IReadOnlyList<string>? Pumps { get; init; }
}

/// <summary>An on/off schedule: <c>On[p][h]</c> is pump <c>PumpIds[p]</c>'s state in period h (from time h·period).</summary>
public sealed record PumpSchedule(IReadOnlyList<string> PumpIds, long PeriodSeconds, IReadOnlyList<IReadOnlyList<bool>> On)
{
    public int Periods => On.Count == 0 ? 0 : On[0].Count;

    /// <summary>Hours each pump runs.</summary>
    public double RunHours(int pump) => On[pump].Count(x => x) * PeriodSeconds / 3600.0;
}

/// <summary>A constraint the simulated schedule breaks: tank band, pressure, final level or convergence.</summary>
public sealed record ScheduleViolation(string Kind, string ElementId, long TimeSeconds, double Amount, string Unit);

/// <summary>One period of a simulated schedule.</summary>
public sealed record SchedulePeriod(
    int Index,
    long StartSeconds,
    double PriceEurPerKwh,
    IReadOnlyList<bool> PumpOn,
    IReadOnlyList<double> PumpEnergyKwh,
    IReadOnlyList<double> TankLevelMeters,
    double MinimumPressureMeters);

/// <summary>A tank's operating band and its levels at the start and end of the run.</summary>
public sealed record TankSummary(string Id, double MinLevelMeters, double MaxLevelMeters, double LowerBandMeters, double UpperBandMeters, double InitialLevelMeters, double FinalLevelMeters, double LowestLevelMeters, double HighestLevelMeters, double UsableVolumeCubicMeters);

/// <summary>
/// The full extended-period simulation of a schedule: energy, cost under the tariff, per-period series and every
/// constraint violation. <see cref="Feasible"/> means none.
/// </summary>
public sealed record PumpScheduleEvaluation(
    string Label,
    double EnergyKwh,
    double CostEur,
    IReadOnlyList<double> PumpEnergyKwh,
    IReadOnlyList<double> PumpMeanPowerKw,
    IReadOnlyList<double> PumpVolumeCubicMeters,
    IReadOnlyList<SchedulePeriod> Periods,
    IReadOnlyList<TankSummary> Tanks,
    IReadOnlyList<ScheduleViolation> Violations,
    double ViolationScore,
    int HydraulicSteps,
    bool Converged)
{
    public bool Feasible => Violations.Count == 0;

    /// <summary>Mean pumped flow over the run, m³/h.</summary>
    public double MeanPumpedCubicMetersPerHour => Periods.Count == 0 ? 0 : PumpVolumeCubicMeters.Sum() / (Periods.Count * (Periods.Count > 1 ? (Periods[1].StartSeconds - Periods[0].StartSeconds) / 3600.0 : 1));
}

/// <summary>Outcome of pump scheduling: the best schedule, its simulation, and the network's own controls under the same tariff.</summary>
public sealed record PumpScheduleResult(
    PumpSchedule Schedule,
    PumpScheduleEvaluation Optimised,
    PumpScheduleEvaluation OwnControls,
    int Evaluations,
    double SearchMilliseconds)
{
    /// <summary>Cost saved against the network's own controls, percent (negative when dearer).</summary>
    public double SavingsPercent => OwnControls.CostEur > 0 ? 100.0 * (OwnControls.CostEur - Optimised.CostEur) / OwnControls.CostEur : 0;
}
