using System.Globalization;

namespace CivicGrid.Energy.Shedding;

/// <summary>
/// Rotating load shedding that spreads cumulative outage time as evenly as the blocks allow. Each interval the
/// eligible blocks (some sheddable demand, no household at its cap) are ranked by the largest cumulative outage
/// share among their households, then by their district's average outage share, then by id, and taken in that
/// order until the shortfall is covered; blocks not needed after all are put back (largest first). Critical
/// households are never disconnected. A shortfall that the eligible blocks cannot cover is reported, not hidden.
/// </summary>
public sealed class RotatingBlockShedder
{
    private readonly List<SheddingBlock> _blocks;
    private readonly SheddingOptions _options;
    private readonly Dictionary<string, int> _outage = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Household>> _district = new(StringComparer.Ordinal);
    private int _elapsed;

    public RotatingBlockShedder(IEnumerable<SheddingBlock> blocks, SheddingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        _blocks = blocks.ToList();
        _options = options ?? new SheddingOptions();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var b in _blocks)
        {
            foreach (var h in b.Households)
            {
                if (!ids.Add(h.Id))
                {
                    throw new ArgumentException($"household '{h.Id}' appears in more than one block", nameof(blocks));
                }
                if (h.DemandKW < 0 || !double.IsFinite(h.DemandKW))
                {
                    throw new ArgumentException($"household '{h.Id}' has an invalid demand", nameof(blocks));
                }
                _outage[h.Id] = 0;
                if (!_district.TryGetValue(h.District, out var list))
                {
                    _district[h.District] = list = [];
                }
                list.Add(h);
            }
        }
    }

    public IReadOnlyList<SheddingBlock> Blocks => _blocks;

    /// <summary>Intervals planned so far.</summary>
    public int ElapsedIntervals => _elapsed;

    /// <summary>Outage intervals so far per household.</summary>
    public IReadOnlyDictionary<string, int> OutageIntervals => _outage;

    /// <summary>Plans a whole horizon of shortfalls (kW per interval).</summary>
    public IReadOnlyList<SheddingDecision> Plan(IReadOnlyList<double> shortfallKW)
    {
        ArgumentNullException.ThrowIfNull(shortfallKW);
        return shortfallKW.Select(Decide).ToList();
    }

    /// <summary>Decides the next interval.</summary>
    public SheddingDecision Decide(double shortfallKW)
    {
        if (!double.IsFinite(shortfallKW) || shortfallKW < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(shortfallKW), "the shortfall must be a finite, non-negative kW figure");
        }
        var t = _elapsed;
        var horizon = Math.Max(1, t);
        var choices = new List<BlockChoice>();
        var districtShare = _district.Keys.ToDictionary(d => d, d => DistrictShare(d, horizon), StringComparer.Ordinal);
        var candidates = new List<(SheddingBlock Block, double Share, double DistrictShare)>();
        foreach (var b in _blocks)
        {
            if (b.SheddableKW <= 0)
            {
                choices.Add(new BlockChoice(b.Id, b.District, false, 0, "not sheddable: no non-critical demand (critical loads are never disconnected)"));
                continue;
            }
            var capped = b.Households.Where(h => !h.Critical && Cap(h) is int cap && _outage[h.Id] + 1 > cap).ToList();
            if (capped.Count > 0)
            {
                choices.Add(new BlockChoice(b.Id, b.District, false, 0,
                    string.Create(CultureInfo.InvariantCulture, $"not eligible: household {capped[0].Id} has reached its cap of {Cap(capped[0])} outage intervals")));
                continue;
            }
            var share = b.Households.Where(h => !h.Critical).Max(h => _outage[h.Id]) / (double)horizon;
            candidates.Add((b, share, districtShare[b.District]));
        }
        candidates.Sort((x, y) => x.Share != y.Share ? x.Share.CompareTo(y.Share)
            : x.DistrictShare != y.DistrictShare ? x.DistrictShare.CompareTo(y.DistrictShare)
            : string.CompareOrdinal(x.Block.Id, y.Block.Id));
        var chosen = new List<int>();
        var shed = 0.0;
        for (var k = 0; k < candidates.Count && shed < shortfallKW - 1e-9; k++)
        {
            chosen.Add(k);
            shed += candidates[k].Block.SheddableKW;
        }
        // Put back blocks the shortfall no longer needs (most outage first, then largest) so no one is cut off without cause.
        foreach (var k in chosen.OrderByDescending(k => k).ToList())
        {
            if (shed - candidates[k].Block.SheddableKW >= shortfallKW - 1e-9)
            {
                chosen.Remove(k);
                shed -= candidates[k].Block.SheddableKW;
            }
        }
        var chosenSet = chosen.ToHashSet();
        for (var k = 0; k < candidates.Count; k++)
        {
            var (b, share, dShare) = candidates[k];
            var critical = b.Households.Count(h => h.Critical);
            var kept = critical > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {critical} critical household(s) kept on") : "";
            if (chosenSet.Contains(k))
            {
                choices.Add(new BlockChoice(b.Id, b.District, true, b.SheddableKW, string.Create(CultureInfo.InvariantCulture,
                    $"shed {b.SheddableKW:0.##} kW: rank {k + 1} of {candidates.Count} eligible blocks by cumulative outage ({share:P1} of intervals so far; district {b.District} {dShare:P1}){kept}")));
            }
            else
            {
                choices.Add(new BlockChoice(b.Id, b.District, false, 0, string.Create(CultureInfo.InvariantCulture,
                    $"kept on: rank {k + 1} of {candidates.Count} ({share:P1} of intervals so far); the shortfall was covered by blocks with less outage")));
            }
        }
        foreach (var k in chosen)
        {
            foreach (var h in candidates[k].Block.Households)
            {
                if (!h.Critical)
                {
                    _outage[h.Id]++;
                }
            }
        }
        _elapsed++;
        return new SheddingDecision(t, shortfallKW, shed, Math.Max(0, shortfallKW - shed), choices);
    }

    private int? Cap(Household h) => h.MaxOutageIntervals ?? _options.DefaultMaxOutageIntervals;

    private double DistrictShare(string district, int horizon)
    {
        var hs = _district[district].Where(h => !h.Critical).ToList();
        return hs.Count == 0 ? 0 : hs.Average(h => _outage[h.Id]) / horizon;
    }
}
