using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CivicGrid.Mobility.Assignment;
using CivicGrid.Mobility.Networks;

namespace CivicGrid.Benchmarks.Mobility;

/// <summary>
/// Algorithm B on Chicago-Sketch (generalised cost, toll factor 0.02, distance factor 0.04): wall time from the
/// compiled network to each relative gap, single run per target. Peer: tap-b (Algorithm B in C, single thread)
/// 0.62 / 0.95 / 1.56 / 1.87 / 2.40 s to 1e-4 … 1e-12 (PEERS.md).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessShortConfig))]
public class ChicagoSketchAssignmentBenchmarks
{
    private AssignmentNetwork _network = null!;

    [Params(1e-4, 1e-6, 1e-8, 1e-10, 1e-12)]
    public double Gap { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var c = TntpCase.Load(Path.Combine(DataFolder(), "mobility", "tntp", "Chicago-Sketch"));
        _network = AssignmentNetwork.FromTntp(c.Network, c.Trips, c.ReadmeWeights ?? GeneralisedCostWeights.TimeOnly);
    }

    [Benchmark]
    public double AlgorithmBToGap()
    {
        var result = new AlgorithmB(_network).Solve(new AssignmentOptions { TargetRelativeGap = Gap, MaxIterations = 500 });
        if (!result.Converged)
        {
            throw new InvalidOperationException($"gap {result.RelativeGap} not reached");
        }
        return result.Objective;
    }

    internal static string DataFolder()
    {
        var env = Environment.GetEnvironmentVariable("CIVICGRID_DATA");
        if (!string.IsNullOrWhiteSpace(env))
        {
            return env;
        }
        var root = typeof(ChicagoSketchAssignmentBenchmarks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "CivicGrid.RepositoryRoot").Value!;
        return Path.GetFullPath(Path.Combine(root, "..", "shared", "data"));
    }
}

/// <summary>One short in-process job: rebuilding the benchmark project per job is too slow on the shared VM.</summary>
public sealed class InProcessShortConfig : ManualConfig
{
    public InProcessShortConfig() =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3));
}
