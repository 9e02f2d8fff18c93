namespace CivicGrid.Energy.Shedding;

/// <summary>
/// A household connection. Critical loads (hospital, home medical equipment) are never disconnected: when their
/// block is shed they stay supplied. <see cref="MaxOutageIntervals"/> caps the household's total outage over the
/// horizon (null: the planner's default).
/// </summary>
public sealed record Household(
    string Id,
    string District,
    string Group,
    double DemandKW,
    bool Critical = false,
    int? MaxOutageIntervals = null);

/// <summary>A switchable block (feeder section): the unit a rotating schedule disconnects.</summary>
public sealed record SheddingBlock(string Id, string District, IReadOnlyList<Household> Households)
{
    /// <summary>Demand that shedding the block removes (its non-critical households), kW.</summary>
    public double SheddableKW => Households.Where(h => !h.Critical).Sum(h => h.DemandKW);
}

/// <summary>Settings of the rotating-block planner.</summary>
public sealed record SheddingOptions
{
    /// <summary>Length of one interval, hours.</summary>
    public double IntervalHours { get; init; } = 0.25;

    /// <summary>Outage cap per household over the horizon when the household names none (null: no cap).</summary>
    public int? DefaultMaxOutageIntervals { get; init; }
}

/// <summary>One block chosen (or passed over) in an interval, with the reason in words.</summary>
public sealed record BlockChoice(string BlockId, string District, bool Shed, double ShedKW, string Explanation);

/// <summary>A shedding decision for one interval.</summary>
public sealed record SheddingDecision(
    int Interval,
    double ShortfallKW,
    double ShedKW,
    double UncoveredKW,
    IReadOnlyList<BlockChoice> Choices)
{
    public IEnumerable<BlockChoice> ShedBlocks => Choices.Where(c => c.Shed);
}
