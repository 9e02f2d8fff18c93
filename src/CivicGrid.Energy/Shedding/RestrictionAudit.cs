using System.Globalization;

namespace CivicGrid.Energy.Shedding;

/// <summary>What one household lost to restrictions over the audited period.</summary>
public sealed record CurtailmentEntry(string HouseholdId, string Region, string Group, double DemandKWh, double CurtailedKWh, double OutageHours);

/// <summary>A region's or household group's share of curtailment against its share of demand.</summary>
public sealed record AuditShare(string Name, int Households, double DemandShare, double CurtailmentShare, double Ratio, bool Flagged, string Explanation);

/// <summary>Result of a restriction audit.</summary>
public sealed record AuditReport(
    IReadOnlyList<AuditShare> Regions,
    IReadOnlyList<AuditShare> Groups,
    double GiniCurtailment,
    double GiniOutage,
    double TotalDemandKWh,
    double TotalCurtailedKWh)
{
    public IEnumerable<AuditShare> Flagged => Regions.Concat(Groups).Where(s => s.Flagged);
}

/// <summary>Thresholds of the audit.</summary>
public sealed record AuditOptions
{
    /// <summary>Flag when curtailment share / demand share exceeds this.</summary>
    public double MaxRatio { get; init; } = 1.25;

    /// <summary>… and the shares differ by at least this much (so tiny regions do not flag on noise).</summary>
    public double MinShareExcess { get; init; } = 0.02;
}

/// <summary>
/// Restriction audit: per region and per household group, the share of all curtailed energy against the share of
/// all demand; a Gini coefficient of households' curtailed fraction of their demand and of their outage hours; and a
/// flag for every region or group restricted disproportionately.
/// </summary>
public static class RestrictionAudit
{
    public static AuditReport Run(IEnumerable<CurtailmentEntry> entries, AuditOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        options ??= new AuditOptions();
        var list = entries.ToList();
        var demand = list.Sum(e => e.DemandKWh);
        var curtailed = list.Sum(e => e.CurtailedKWh);
        return new AuditReport(
            Shares(list, e => e.Region, demand, curtailed, options, "region"),
            Shares(list, e => e.Group, demand, curtailed, options, "group"),
            Gini(list.Select(e => e.DemandKWh > 0 ? e.CurtailedKWh / e.DemandKWh : 0)),
            Gini(list.Select(e => e.OutageHours)),
            demand,
            curtailed);
    }

    /// <summary>Gini coefficient of non-negative values: 0 for perfect equality, (n−1)/n when one holds all.</summary>
    public static double Gini(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var x = values.OrderBy(v => v).ToArray();
        var n = x.Length;
        var sum = x.Sum();
        if (n == 0 || sum <= 0)
        {
            return 0;
        }
        var acc = 0.0;
        for (var i = 0; i < n; i++)
        {
            acc += (2.0 * (i + 1) - n - 1) * x[i];
        }
        return acc / (n * sum);
    }

    private static List<AuditShare> Shares(List<CurtailmentEntry> list, Func<CurtailmentEntry, string> key, double demand, double curtailed, AuditOptions o, string kind) =>
        list.GroupBy(key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var ds = demand > 0 ? g.Sum(e => e.DemandKWh) / demand : 0;
            var cs = curtailed > 0 ? g.Sum(e => e.CurtailedKWh) / curtailed : 0;
            var ratio = ds > 0 ? cs / ds : cs > 0 ? double.PositiveInfinity : 0;
            var flagged = ratio > o.MaxRatio && cs - ds >= o.MinShareExcess;
            var text = string.Create(CultureInfo.InvariantCulture, $"{kind} {g.Key}: {cs:P1} of curtailment for {ds:P1} of demand (ratio {ratio:0.00})")
                + (flagged ? string.Create(CultureInfo.InvariantCulture, $" — restricted disproportionately (limit {o.MaxRatio:0.00})") : "");
            return new AuditShare(g.Key, g.Count(), ds, cs, ratio, flagged, text);
        }).ToList();

    /// <summary>Turns a shedding plan into audit entries (demand over the horizon at the households' kW).</summary>
    public static IReadOnlyList<CurtailmentEntry> FromPlan(IReadOnlyList<SheddingBlock> blocks, IReadOnlyList<SheddingDecision> decisions, double intervalHours)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(decisions);
        var shedCount = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var d in decisions)
        {
            foreach (var c in d.ShedBlocks)
            {
                shedCount[c.BlockId] = shedCount.GetValueOrDefault(c.BlockId) + 1;
            }
        }
        var hours = decisions.Count * intervalHours;
        return blocks.SelectMany(b => b.Households.Select(h =>
        {
            var off = h.Critical ? 0 : shedCount.GetValueOrDefault(b.Id) * intervalHours;
            return new CurtailmentEntry(h.Id, h.District, h.Group, h.DemandKW * hours, h.DemandKW * off, off);
        })).ToList();
    }
}
