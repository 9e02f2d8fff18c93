namespace CivicGrid.Platform.Energy;

/// <summary>Which study to run on a grid case.</summary>
public enum GridStudyKind
{
    /// <summary>AC power flow (Newton–Raphson).</summary>
    AcPowerFlow,

    /// <summary>DC optimal power flow with nodal prices (CLP through OR-Tools; interior point for quadratic costs).</summary>
    DcOptimalPowerFlow,
}

/// <summary>
/// A study to run: on the demo city's feeders (<see cref="CaseText"/> null, with <see cref="Scenario"/>) or on the
/// text of an uploaded MATPOWER case.
/// </summary>
public sealed record GridStudyRequest(
    GridStudyKind Kind,
    string? CaseText = null,
    string? CaseFileName = null,
    GridScenario Scenario = GridScenario.EveningPeak,
    bool FlatStart = false,
    bool EnforceReactiveLimits = false,
    string Convention = "matpower");

/// <summary>A bus after the study; angles in degrees, price in $/MWh (DC-OPF only), position for the diagram.</summary>
public sealed record GridBusView(int Number, string Type, double VmPu, double VaDeg, double PdMW, double? PriceDollarsPerMWh, double X, double Y);

/// <summary>A branch after the study: flow at the from end, and its loading of RATE_A (null when unrated).</summary>
public sealed record GridBranchView(int Index, int FromBus, int ToBus, double PfMW, double QfMVAr, double? RatingMVA, double? LoadingPercent, bool InService);

/// <summary>A generator after the study.</summary>
public sealed record GridGeneratorView(int Index, int Bus, double PgMW, double QgMVAr, bool AtReactiveLimit);

/// <summary>The outcome of a grid study, ready to show: summary, tables and diagram coordinates (0–1 in both axes).</summary>
public sealed record GridStudyResult(
    string CaseName,
    GridStudyKind Kind,
    bool Success,
    string Status,
    int? Iterations,
    double? MaxMismatchPu,
    double? ObjectiveDollarsPerHour,
    double SolveMilliseconds,
    double TotalLoadMW,
    double LossesMW,
    double MinVoltagePu,
    double MaxLoadingPercent,
    bool DiagramShown,
    IReadOnlyList<GridBusView> Buses,
    IReadOnlyList<GridBranchView> Branches,
    IReadOnlyList<GridGeneratorView> Generators);

/// <summary>A study that cannot run: the case does not parse or cannot be solved (singular network, no slack…).</summary>
public sealed class GridStudyException : Exception
{
    public GridStudyException()
    {
    }

    public GridStudyException(string message)
        : base(message)
    {
    }

    public GridStudyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
