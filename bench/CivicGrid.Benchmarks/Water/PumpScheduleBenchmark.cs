using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;
using CivicGrid.Water.Operations;

namespace CivicGrid.Benchmarks.Water;

/// <summary>
/// Time to schedule the pumps of Net3 (2 pumps, 3 tanks, 24 h) and of the generated 150-junction pumped town under a
/// three-level time-of-use tariff: the whole search, every candidate a full extended-period simulation. No pump
/// scheduler peer installs here; docs/benchmarks.md relates the time per simulation to epanet-js's Net3 run.
/// Run: dotnet run -c Release --project bench/CivicGrid.Benchmarks -- --filter '*PumpSchedule*'
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class PumpScheduleBenchmark
{
    private static readonly EnergyTariff Tariff = EnergyTariff.TimeOfUse(
        [.. Enumerable.Range(0, 24).Select(h => h is < 7 or >= 23 ? 0.08 : h is >= 17 and < 21 ? 0.34 : 0.18)]);

    private WaterNetwork _network = null!;

    [Params("Net3", "PumpedTown150")]
    public string Network { get; set; } = "Net3";

    [GlobalSetup]
    public void Setup()
    {
        var data = Environment.GetEnvironmentVariable("CIVICGRID_DATA") ?? Path.Combine(FindRepositoryRoot(), "..", "shared", "data");
        _network = Network == "Net3" ? InpReader.ReadFile(Path.Combine(data, "water", "networks", "Net3.inp")) : PumpedTownNetwork.Create(150);
        var r = PumpScheduler.Optimise(_network, Tariff);
        Console.WriteLine(FormattableString.Invariant($"// {Network}: {r.Evaluations} simulations, {r.SearchMilliseconds:F0} ms, cost {r.Optimised.CostEur:F2} EUR vs own controls {r.OwnControls.CostEur:F2} EUR ({r.SavingsPercent:F1} % saved), feasible {r.Optimised.Feasible}"));
    }

    [Benchmark]
    public double Schedule() => PumpScheduler.Optimise(_network, Tariff).Optimised.CostEur;

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
