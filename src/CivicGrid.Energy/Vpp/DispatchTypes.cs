namespace CivicGrid.Energy.Vpp;

/// <summary>Penalties of the soft constraints (EUR per kWh of violation) and the LP backend.</summary>
public sealed record DispatchOptions
{
    /// <summary>
    /// OR-Tools backend: GLOP (default; about ten times faster than CLP on these LPs, same optimum) or CLP. HiGHS is
    /// avoided because OR-Tools 9.15's HiGHS bridge returns wrong duals.
    /// </summary>
    public string Solver { get; init; } = "GLOP";
    public double FeederViolationEurPerKwh { get; init; } = 1_000;
    public double CriticalShedEurPerKwh { get; init; } = 100_000;
    public double ComfortViolationEurPerKwh { get; init; } = 100;
    public double FinalSocShortfallEurPerKwh { get; init; } = 50;
    /// <summary>Optional linearised (DC) line limits of the feeder's grid: DER buses must be set.</summary>
    public GridConstraints? Grid { get; init; }
}

/// <summary>
/// Linearised grid constraints: the flow on each monitored line is Σ_b PTDF[l,b]·P_b (P_b the net injection of the
/// DERs at bus b, kW) and must stay within ±limit; violations are soft and reported.
/// </summary>
public sealed record GridConstraints(IReadOnlyList<string> LineNames, double[,] Ptdf, IReadOnlyList<int> BusNumbers, IReadOnlyList<double> LimitKw);

/// <summary>A soft constraint the schedule could not meet, with the amount and unit of the shortfall.</summary>
public sealed record ConstraintViolation(string Constraint, string? DerId, int Interval, double Amount, string Unit);

/// <summary>A device's schedule: power per interval (positive = injection into the feeder, negative = consumption) and its energy state where it has one.</summary>
public sealed record DerSchedule(string Id, string Type, IReadOnlyList<double> PowerKw, IReadOnlyList<double>? StateKwh);

/// <summary>Objective split: energy bought minus sold, battery wear, discomfort, and penalties of violated soft constraints.</summary>
public sealed record DispatchCosts(double EnergyEur, double WearEur, double DiscomfortEur, double PenaltyEur)
{
    public double TotalEur => EnergyEur + WearEur + DiscomfortEur + PenaltyEur;
}

/// <summary>The outcome of a dispatch: never an exception for infeasible inputs — violations are listed instead.</summary>
public sealed record DispatchResult(
    string Status,
    bool Solved,
    DispatchCosts Costs,
    IReadOnlyList<double> ImportKw,
    IReadOnlyList<double> ExportKw,
    IReadOnlyList<DerSchedule> Schedules,
    IReadOnlyList<ConstraintViolation> Violations,
    double SolveMilliseconds)
{
    public DerSchedule Schedule(string id) => Schedules.First(s => s.Id == id);
}
