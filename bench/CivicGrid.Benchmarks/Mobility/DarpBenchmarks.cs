using BenchmarkDotNet.Attributes;
using CivicGrid.Mobility.RidePooling;

namespace CivicGrid.Benchmarks.Mobility;

/// <summary>
/// Dial-a-ride on the Cordeau (2006) instances: insertion construction plus 1,000 improvement iterations (seed 1).
/// No peer runs here; the cost is compared with the best-known values (Ropke et al. 2007) listed in the data
/// README. a3-18, a4-16 and a4-24 are empty files in the shared data and are left out.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessShortConfig))]
public class DarpBenchmarks
{
    private DarpInstance _instance = null!;

    [Params("a2-16", "a2-20", "a2-24", "a3-30", "a4-48")]
    public string Instance { get; set; } = "";

    [GlobalSetup]
    public void Setup() =>
        _instance = DarpReader.Read(Path.Combine(ChicagoSketchAssignmentBenchmarks.DataFolder(), "mobility", "darp", Instance + ".txt"));

    [Benchmark]
    public double InsertionAndImprovement()
    {
        var result = new DarpInsertionHeuristic(_instance).Solve(1000, 1);
        if (!result.Check.Feasible || result.Unserved.Count > 0)
        {
            throw new InvalidOperationException($"{Instance}: infeasible or unserved requests");
        }
        return result.Check.Cost;
    }
}
