using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;
using CivicGrid.Water.Scenarios;

namespace CivicGrid.Benchmarks.Water;

/// <summary>
/// Pipe criticality on Net3 (117 pipes, one steady-state solve each) with 1 and 2 workers: scenarios per second is
/// 117 / mean time. The runner and its simulations are built once per iteration (as the analysis does).
/// Run: dotnet run -c Release --project bench/CivicGrid.Benchmarks -- --filter '*ScenarioBenchmark*'
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class ScenarioBenchmark
{
    private WaterNetwork _network = null!;

    [Params(1, 2)]
    public int Workers { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        var data = Environment.GetEnvironmentVariable("CIVICGRID_DATA") ?? Path.Combine(FindRepositoryRoot(), "..", "shared", "data");
        _network = InpReader.ReadFile(Path.Combine(data, "water", "networks", "Net3.inp"));
    }

    [Benchmark]
    public int Net3PipeCriticality() => CriticalityAnalysis.Run(_network, new CriticalityOptions { Workers = Workers }).Ranked.Count;

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CivicGrid.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
