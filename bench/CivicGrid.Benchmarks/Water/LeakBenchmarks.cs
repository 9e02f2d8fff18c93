using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Leaks;
using CivicGrid.Water.Model;
using CivicGrid.Water.Synthetic;

namespace CivicGrid.Benchmarks.Water;

/// <summary>
/// Time to localise one leak on the generated 10,000-junction realistic network (50 pressure sensors): the leak-free
/// model solved once, one triangular solve per sensor with the factored Jacobian, the sensitivity matrix over every
/// candidate pipe (about 11,800) and the ranking with its 300 m coverage. No peer installs here (LeakDB/BattLeDIM
/// tools are MATLAB/Python research code). Run:
/// dotnet run -c Release --project bench/CivicGrid.Benchmarks -- --filter '*LeakLocalise*'
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class LeakLocaliseBenchmark
{
    private WaterNetwork _network = null!;
    private List<string> _sensors = null!;
    private double[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        _network = SyntheticNetworkGenerator.Realistic(10_000, seed: 3);
        var rng = new Random(5);
        _sensors = [.. _network.Junctions.Select(j => j.Id).OrderBy(_ => rng.Next()).Take(50)];
        var matrix = LeakSensitivityMatrix.Compute(_network, _sensors, snapshots: 1);
        // A noise-free signature of a 5 L/s leak on one pipe, so the run can be checked.
        var truth = matrix.CandidatePipes.Count / 2;
        _signature = [.. Enumerable.Range(0, _sensors.Count).Select(s => matrix[truth, s] * 0.005)];
        var result = matrix.Localise(_signature);
        Console.WriteLine(FormattableString.Invariant($"// {_network.Junctions.Count} junctions, {matrix.CandidatePipes.Count} candidate pipes; true {matrix.CandidatePipes[truth]}, best {result.BestPipeId} at {result.Ranked[0].DistanceMeters} m"));
    }

    [Benchmark]
    public string? Localise() => LeakSensitivityMatrix.Compute(_network, _sensors, snapshots: 1).Localise(_signature).BestPipeId;
}

/// <summary>
/// Scenarios per second on Net3: generate a 7-day scenario (15-min samples, one leak, 8 sensors, inlet flows and
/// tank levels) and run the combined detector with localisation on it.
/// Run: dotnet run -c Release --project bench/CivicGrid.Benchmarks -- --filter '*LeakScenario*'
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class LeakScenarioBenchmark
{
    private static readonly LeakScenarioOptions Options = new() { DurationSeconds = 7 * 86400, TrainingSeconds = 3 * 86400, PressureSensorCount = 8 };

    private WaterNetwork _network = null!;
    private int _seed;

    [GlobalSetup]
    public void Setup()
    {
        var data = Environment.GetEnvironmentVariable("CIVICGRID_DATA") ?? Path.Combine(FindRepositoryRoot(), "..", "shared", "data");
        _network = InpReader.ReadFile(Path.Combine(data, "water", "networks", "Net3.inp"));
    }

    [Benchmark]
    public LeakScenario Generate() => LeakScenarioGenerator.Generate(_network, Options, ++_seed);

    [Benchmark]
    public int GenerateAndDetect()
    {
        var scenario = LeakScenarioGenerator.Generate(_network, Options, ++_seed);
        return new LeakDetector(_network, scenario.Data, new LeakDetectorOptions { TrainingSeconds = Options.TrainingSeconds }).Detect(LeakDetectionMethod.Combined).Alarms.Count;
    }

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
