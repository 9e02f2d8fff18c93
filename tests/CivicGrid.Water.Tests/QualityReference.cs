using System.Globalization;
using CivicGrid.Water.Model;
using CivicGrid.Water.Quality;

namespace CivicGrid.Water.Tests;

/// <summary>
/// A node-quality reference series (time_s, then one column per node, optionally prefixed "C:"; columns "L:" are link
/// qualities) and its comparison with <see cref="WaterQualitySimulation"/> at every reference time our run reaches.
/// </summary>
internal sealed class QualityReference
{
    public required string[] Columns { get; init; }
    public required Dictionary<long, double[]> Rows { get; init; }

    public static QualityReference Load(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var rows = new Dictionary<long, double[]>();
        foreach (var line in lines.Skip(1))
        {
            var values = line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            rows[(long)values[0]] = values; // a time repeated at the end of a run keeps its last values
        }
        return new QualityReference { Columns = lines[0].Split(','), Rows = rows };
    }

    public sealed record Comparison(int TimesCompared, int Compared, int Failures, double WorstAbsolute, string Worst, IReadOnlyList<string> Samples)
    {
        public override string ToString() => $"{Failures} of {Compared} values outside tolerance at {TimesCompared} times; worst {Worst}\n" + string.Join('\n', Samples);
    }

    /// <summary>|a − b| ≤ atol + rtol·|b| for every node (and link, when <paramref name="links"/>) at every reference time.</summary>
    public Comparison Compare(WaterNetwork network, double rtol, double atol, bool links = false)
    {
        var sim = new WaterQualitySimulation(network);
        var hyd = sim.Hydraulics;
        var times = 0;
        var compared = 0;
        var failures = 0;
        var worst = 0.0;
        var worstExcess = double.NegativeInfinity;
        var worstName = "";
        var samples = new List<string>();
        var seen = new HashSet<long>();
        sim.Run(info =>
        {
            if (!Rows.TryGetValue(info.TimeSeconds, out var row) || !seen.Add(info.TimeSeconds))
            {
                return;
            }
            times++;
            for (var c = 1; c < Columns.Length; c++)
            {
                var name = Columns[c];
                double actual;
                if (name.StartsWith("L:", StringComparison.Ordinal))
                {
                    if (!links)
                    {
                        continue;
                    }
                    actual = sim.LinkQuality(hyd.LinkIndexOf(name[2..]));
                }
                else
                {
                    actual = sim.NodeQuality(hyd.NodeIndexOf(name.StartsWith("C:", StringComparison.Ordinal) ? name[2..] : name));
                }
                var expected = row[c];
                compared++;
                var diff = Math.Abs(actual - expected);
                var excess = diff - (atol + (rtol * Math.Abs(expected)));
                if (excess > 0)
                {
                    failures++;
                    if (samples.Count < 12)
                    {
                        samples.Add(string.Create(CultureInfo.InvariantCulture, $"t={info.TimeSeconds} {name}: {actual:G8} vs {expected:G8}"));
                    }
                }
                worst = Math.Max(worst, diff);
                if (excess > worstExcess)
                {
                    worstExcess = excess;
                    worstName = string.Create(CultureInfo.InvariantCulture, $"t={info.TimeSeconds} {name}: {actual:G8} vs {expected:G8}");
                }
            }
        });
        return new Comparison(times, compared, failures, worst, worstName, samples);
    }
}
