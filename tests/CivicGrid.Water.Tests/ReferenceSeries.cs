using System.Globalization;
using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;

namespace CivicGrid.Water.Tests;

/// <summary>Reads a reference series CSV (time_s, P:node…, Q:link…) and compares a simulation against it.</summary>
internal sealed class ReferenceSeries
{
    public required string[] Columns { get; init; }
    public required List<double[]> Rows { get; init; }

    public static ReferenceSeries Load(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        return new ReferenceSeries { Columns = header, Rows = rows };
    }

    public sealed record Comparison(int Steps, int ReferenceSteps, int Compared, int Failures, double WorstExcess, string Worst, IReadOnlyList<string> FailureSamples);

    /// <summary>Runs the network and compares every step: |a − b| ≤ 1e-4 + 0.01·|b| (EPANET's regression tolerance).
    /// Nodes cut off from every source at a step are skipped (their head is undetermined); flows below 1e-3 file units
    /// in both count as zero.</summary>
    public Comparison Compare(string inpPath, double rtol = 0.01, double atol = 1e-4)
    {
        var sim = new HydraulicSimulation(InpReader.ReadFile(inpPath));
        var refByTime = Rows.ToDictionary(r => (long)r[0]);
        var compared = 0;
        var failures = 0;
        var worst = 0.0;
        var worstName = "";
        var samples = new List<string>();
        var steps = 0;
        var matchedTimes = 0;
        sim.Run(info =>
        {
            steps++;
            if (!refByTime.TryGetValue(info.TimeSeconds, out var row))
            {
                samples.Add($"t={info.TimeSeconds}: no reference row");
                failures++;
                return;
            }
            matchedTimes++;
            var cut = new HashSet<string>(sim.CutOffJunctions());
            for (var c = 1; c < Columns.Length; c++)
            {
                var name = Columns[c];
                var id = name[2..];
                double actual;
                if (name.StartsWith("P:", StringComparison.Ordinal))
                {
                    if (cut.Contains(id))
                    {
                        continue;
                    }
                    actual = sim.PressureFileUnits(sim.NodeIndexOf(id));
                }
                else
                {
                    actual = sim.FlowFileUnits(sim.LinkIndexOf(id));
                }
                var expected = row[c];
                compared++;
                if (name.StartsWith("Q:", StringComparison.Ordinal) && Math.Abs(actual) < 1e-3 && Math.Abs(expected) < 1e-3)
                {
                    continue; // both numerically zero flow (EPANET's zero-flow scale is 1e-6 cfs ≈ 4.5e-4 gpm)
                }
                var excess = Math.Abs(actual - expected) - (atol + (rtol * Math.Abs(expected)));
                if (excess > 0)
                {
                    failures++;
                    if (samples.Count < 15)
                    {
                        samples.Add(string.Create(CultureInfo.InvariantCulture, $"t={info.TimeSeconds} {name}: {actual:G8} vs {expected:G8}"));
                    }
                }
                if (excess > worst)
                {
                    worst = excess;
                    worstName = string.Create(CultureInfo.InvariantCulture, $"t={info.TimeSeconds} {name}: {actual:G8} vs {expected:G8}");
                }
            }
        });
        return new Comparison(steps, Rows.Count, compared, failures, worst, worstName, samples);
    }
}
