using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.Opf;
using CivicGrid.Energy.Grid.PowerFlow;

namespace CivicGrid.Benchmarks.Energy;

/// <summary>
/// AC power flow (Newton–Raphson, case start, tol 1e-8). <see cref="NewtonRaphson"/> starts from the parsed case:
/// admittance matrix, Jacobian pattern, fill-reducing order, first LU with pivot search and all iterations included.
/// <see cref="NewtonRaphsonRepeated"/> is a repeated solve on the same network (a time series, contingency screening):
/// a new model from the case that reuses the previous one's symbolic analysis (order, Jacobian pattern, pivot
/// sequence), so it pays for the admittance matrix and the numeric iterations only. Peer: MATPOWER 8.1 / Octave runpf
/// 0.58 s (case1354pegase), 1.91 s (case9241pegase), newtonpf alone 0.773 s on case9241pegase (PEERS.md).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 15)]
public class GridAcPowerFlowBenchmarks
{
    private PowerCase _case = null!;

    [Params("case1354pegase", "case2869pegase", "case9241pegase")]
    public string Case { get; set; } = "";

    private GridModel _previous = null!;

    [GlobalSetup]
    public void Setup()
    {
        _case = MatpowerReader.ReadFile(Path.Combine(DataFolder(), "energy", "cases-large", Case + ".m"));
        _previous = GridModel.Build(_case);
        AcPowerFlow.Solve(_previous);
    }

    [Benchmark]
    public double NewtonRaphson() => Check(AcPowerFlow.Solve(_case));

    [Benchmark]
    public double NewtonRaphsonRepeated() => Check(AcPowerFlow.Solve(GridModel.Build(_case, _previous)));

    private static double Check(PowerFlowResult r) =>
        r.Converged ? r.MaxMismatchPu : throw new InvalidOperationException("did not converge");

    internal static string DataFolder()
    {
        var env = Environment.GetEnvironmentVariable("CIVICGRID_DATA");
        if (!string.IsNullOrWhiteSpace(env))
        {
            return env;
        }
        var root = typeof(GridAcPowerFlowBenchmarks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "CivicGrid.RepositoryRoot").Value!;
        return Path.GetFullPath(Path.Combine(root, "..", "shared", "data"));
    }
}

/// <summary>DC-OPF on case1354pegase (linear costs, CLP through OR-Tools). Peer: MATPOWER rundcopf with GLPK 1.20 s (PEERS.md).</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class GridDcOpfBenchmarks
{
    private PowerCase _case = null!;

    [GlobalSetup]
    public void Setup() => _case = MatpowerReader.ReadFile(Path.Combine(GridAcPowerFlowBenchmarks.DataFolder(), "energy", "cases-large", "case1354pegase.m"));

    [Benchmark]
    public double DcOpfCase1354Pegase()
    {
        var r = DcOptimalPowerFlow.Solve(_case, new DcOpfOptions { Convention = DcConvention.Matpower });
        if (!r.Optimal)
        {
            throw new InvalidOperationException(r.Status);
        }
        return r.ObjectiveDollarsPerHour;
    }
}
