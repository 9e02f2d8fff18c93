using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;
using CivicGrid.Water.Synthetic;

namespace CivicGrid.Benchmarks.Water;

/// <summary>
/// Full extended-period hydraulics (compile + symbolic analysis + every step), against EPANET 2.3.5 (epanet-js)
/// run in the same process run by bench/peers/water/epanet-peer.mjs on the same .inp file. The peer's CPU time,
/// steps and iterations are written to BenchmarkDotNet.Artifacts/water-peer-*.json during setup.
/// Run: dotnet run -c Release --project bench/CivicGrid.Benchmarks -- --filter '*WaterHydraulics*'
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class WaterHydraulicsBenchmark
{
    private WaterNetwork _network = null!;

    [Params("Net3", "Net6", "Realistic10k", "Realistic100k", "Mesh50k")]
    public string Network { get; set; } = "Net3";

    [GlobalSetup]
    public void Setup()
    {
        var data = Environment.GetEnvironmentVariable("CIVICGRID_DATA") ?? Path.Combine(FindRepositoryRoot(), "..", "shared", "data");
        _network = Network switch
        {
            "Net3" => InpReader.ReadFile(Path.Combine(data, "water", "networks", "Net3.inp")),
            "Net6" => InpReader.ReadFile(Path.Combine(data, "water", "networks", "wntr", "Net6.inp")),
            "Realistic10k" => SyntheticNetworkGenerator.Realistic(10_000),
            "Realistic100k" => SyntheticNetworkGenerator.Realistic(100_000),
            _ => SyntheticNetworkGenerator.FullMesh(224),
        };
        RunPeer();
    }

    [Benchmark]
    public int ExtendedPeriodRun()
    {
        var sim = new HydraulicSimulation(_network);
        sim.Run();
        return sim.TotalIterations;
    }

    private void RunPeer()
    {
        var root = FindRepositoryRoot();
        var script = Path.Combine(root, "bench", "peers", "water", "epanet-peer.mjs");
        if (!File.Exists(Path.Combine(root, "bench", "peers", "water", "node_modules", "epanet-js", "package.json")))
        {
            Console.WriteLine("// epanet-js not installed (npm install in bench/peers/water): peer skipped");
            return;
        }
        var inp = Path.Combine(Path.GetTempPath(), $"civicgrid-bench-{Network}.inp");
        InpWriter.WriteFile(_network, inp);
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add("bench");
        info.ArgumentList.Add(inp);
        info.ArgumentList.Add(Network is "Net3" or "Net6" or "Realistic10k" ? "3" : "1");
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var sim = new HydraulicSimulation(_network);
        var watch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        sim.Run();
        var ours = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{{\"network\":\"{Network}\",\"nodes\":{sim.Network.NodeCount},\"civicgrid_steps\":{sim.StepCount},\"civicgrid_iterations\":{sim.TotalIterations},\"civicgrid_factor_nnz\":{sim.FactorNonZeros},\"civicgrid_first_run_cpu_ms\":{ours:F1},\"epanet\":{output.Trim()}}}");
        Console.WriteLine("// peer: " + line);
        Directory.CreateDirectory("BenchmarkDotNet.Artifacts");
        File.WriteAllText(Path.Combine("BenchmarkDotNet.Artifacts", $"water-peer-{Network}.json"), line);
        _ = watch;
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
