using CivicGrid.Testing;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;
using CivicGrid.Water.Quality;
using Xunit;

namespace CivicGrid.Water.Tests;

/// <summary>
/// Water quality against EPANET 2.3.5 (epanet-js 0.9.0): the stored references in ../shared/data/water/reference
/// (Net1 chlorine, Net3 age) and references generated in the same run by bench/peers/water/epanet-peer.mjs for
/// source tracing and for every source type, mixing model and reaction option on Net1. Tolerance at every node at
/// every reported time: |a − b| ≤ 1e-4 + 0.01·|b| (EPANET's own regression tolerance), in the file's quality units.
/// </summary>
public class WaterQualityTests
{
    private const double Rtol = 0.01;
    private const double Atol = 1e-4;

    private static WaterNetwork Read(string name) => InpReader.ReadFile(ReferenceData.Require($"water/networks/{name}.inp"));

    [Fact]
    public void Net1_chlorine_matches_epanet_at_every_node_and_report_step()
    {
        var reference = QualityReference.Load(ReferenceData.Require("water/reference/Net1.quality_chlorine.csv"));
        var result = reference.Compare(Read("Net1"), Rtol, Atol);
        Assert.Equal(reference.Rows.Count, result.TimesCompared);
        Assert.True(result.Failures == 0, result.ToString());
    }

    [Fact]
    public void Net3_water_age_matches_epanet_at_every_node_and_report_step()
    {
        var reference = QualityReference.Load(ReferenceData.Require("water/reference/Net3.quality_age.csv"));
        var net = Read("Net3");
        net.Options.Quality = QualityType.Age;
        var result = reference.Compare(net, Rtol, Atol);
        Assert.Equal(reference.Rows.Count, result.TimesCompared);
        Assert.True(result.Failures == 0, result.ToString());
    }

    [Fact]
    public void Net1_without_reactions_conserves_mass()
    {
        var net = Read("Net1");
        net.Reactions.GlobalBulk = 0;
        net.Reactions.GlobalWall = 0;
        var sim = new WaterQualitySimulation(net);
        sim.Run();
        var balance = sim.MassBalance;
        Assert.Equal(0.0, balance.Reacted);
        Assert.InRange(balance.Ratio, 0.99, 1.01);
    }

    [Fact]
    public void Chlorine_decays_in_pipes_so_no_junction_exceeds_its_sources()
    {
        var sim = new WaterQualitySimulation(Read("Net1"));
        var max = 0.0;
        sim.Run(_ =>
        {
            for (var n = 0; n < sim.Hydraulics.Network.NodeCount; n++)
            {
                max = Math.Max(max, sim.NodeQuality(n));
            }
        });
        Assert.True(max <= 1.0 + 1e-9, $"max chlorine {max}");
        Assert.True(sim.MassBalance.Reacted > 0, "decay removes mass");
    }

    [Fact]
    public void Age_grows_by_the_elapsed_time_at_a_dead_end_without_flow()
    {
        var net = InpReader.Read("""
            [JUNCTIONS]
            J1 10 0
            J2 10 0
            [RESERVOIRS]
            R 50
            [PIPES]
            P1 R J1 100 12 100 0 OPEN
            P2 J1 J2 100 12 100 0 OPEN
            [TIMES]
            DURATION 6:00
            HYDRAULIC TIMESTEP 1:00
            [OPTIONS]
            QUALITY AGE
            [END]
            """, "deadend.inp");
        var sim = new WaterQualitySimulation(net);
        var last = 0.0;
        sim.Run(_ => last = sim.NodeQuality(sim.Hydraulics.NodeIndexOf("J2")));
        Assert.Equal(6.0, last, 1e-9);
        Assert.Equal("hrs", sim.Units);
    }

    [Fact]
    public void A_trace_node_that_is_not_in_the_network_is_a_format_error()
    {
        var net = Read("Net1");
        net.Options.Quality = QualityType.Trace;
        net.Options.TraceNode = "nowhere";
        var e = Assert.Throws<InpFormatException>(() => new WaterQualitySimulation(net));
        Assert.Equal(212, e.ErrorCode);
    }

    [Fact]
    public void No_quality_analysis_reports_zero_and_a_unit_mass_balance()
    {
        var net = Read("Net1");
        net.Options.Quality = QualityType.None;
        var sim = new WaterQualitySimulation(net);
        Assert.Equal(27, sim.Run().Count);
        Assert.Equal(QualityType.None, sim.Kind);
        Assert.Equal(1.0, sim.MassBalance.Ratio);
    }

    // ---- generated references (epanet-js in the same run) ---------------------------------------

    public static TheoryData<string> Net1Variants() =>
    [
        "trace-reservoir", "mixing-2comp", "mixing-fifo", "mixing-lifo", "source-concen", "source-mass",
        "source-setpoint", "source-flowpaced", "bulk-order-0", "bulk-order-2-limit", "michaelis-menten",
        "wall-order-0", "roughness-correlation", "per-pipe-and-tank", "age-fifo-tank",
    ];

    private static WaterNetwork Net1Variant(string variant)
    {
        var net = Read("Net1");
        var tank = net.Tanks[0].Id;
        var r = net.Reactions;
        switch (variant)
        {
            case "trace-reservoir":
                net.Options.Quality = QualityType.Trace;
                net.Options.TraceNode = "9";
                break;
            case "mixing-2comp":
                net.Mixing.Add(new TankMixing { TankId = tank, Model = MixingModel.TwoCompartment, Fraction = 0.4 });
                break;
            case "mixing-fifo":
                net.Mixing.Add(new TankMixing { TankId = tank, Model = MixingModel.Fifo });
                break;
            case "mixing-lifo":
                net.Mixing.Add(new TankMixing { TankId = tank, Model = MixingModel.Lifo });
                break;
            case "source-concen":
                net.Sources.Add(new QualitySource { NodeId = "9", Type = SourceType.Concen, Strength = 2.0, PatternId = "1" });
                break;
            case "source-mass":
                net.Sources.Add(new QualitySource { NodeId = "10", Type = SourceType.Mass, Strength = 500 });
                break;
            case "source-setpoint":
                net.Sources.Add(new QualitySource { NodeId = "22", Type = SourceType.Setpoint, Strength = 0.8 });
                break;
            case "source-flowpaced":
                net.Sources.Add(new QualitySource { NodeId = "31", Type = SourceType.FlowPaced, Strength = 0.3 });
                break;
            case "bulk-order-0":
                r.BulkOrder = 0;
                r.GlobalBulk = -0.2;
                break;
            case "bulk-order-2-limit":
                r.BulkOrder = 2;
                r.LimitingPotential = 0.1;
                break;
            case "michaelis-menten":
                r.BulkOrder = -1;
                r.LimitingPotential = 0.5;
                break;
            case "wall-order-0":
                r.WallOrder = 0;
                r.GlobalWall = -0.05;
                break;
            case "roughness-correlation":
                r.RoughnessCorrelation = -50;
                break;
            case "per-pipe-and-tank":
                ((Pipe)net.FindLink("12")!).BulkCoefficient = -2.0;
                ((Pipe)net.FindLink("111")!).WallCoefficient = -3.0;
                r.TankBulk[tank] = -0.1;
                r.TankOrder = 1.5;
                break;
            case "age-fifo-tank":
                net.Options.Quality = QualityType.Age;
                net.Mixing.Add(new TankMixing { TankId = tank, Model = MixingModel.Fifo });
                break;
            default:
                throw new ArgumentException(variant);
        }
        return net;
    }

    [Theory]
    [MemberData(nameof(Net1Variants))]
    public void Net1_variant_matches_epanet_js_generated_in_the_same_run(string variant)
    {
        var (network, reference) = Generate(Net1Variant(variant), variant);
        var result = reference.Compare(network, Rtol, Atol, links: true);
        Assert.True(result.TimesCompared >= 25, $"only {result.TimesCompared} times compared");
        Assert.True(result.Failures == 0, $"{variant}: {result}");
    }

    [Fact]
    public void Net3_source_tracing_from_the_lake_matches_epanet_js()
    {
        var net = Read("Net3");
        Assert.Equal(QualityType.Trace, net.Options.Quality);
        var (network, reference) = Generate(net, "net3-trace");
        var result = reference.Compare(network, Rtol, Atol);
        Assert.True(result.TimesCompared >= 25, $"only {result.TimesCompared} times compared");
        Assert.True(result.Failures == 0, result.ToString());
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Every_network_that_defines_quality_matches_epanet_js()
    {
        var root = ReferenceData.Require("water/networks");
        if (!AllNetworksTests.PeerAvailable())
        {
            Assert.Skip("epanet-js is not installed: run `npm ci` in bench/peers/water");
        }
        var report = new List<string>();
        var mismatches = new List<string>();
        var compared = 0;
        foreach (var file in Directory.GetFiles(root, "*.inp", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(root, file).Replace('\\', '/');
            WaterNetwork net;
            try
            {
                net = InpReader.ReadFile(file);
            }
            catch (InpFormatException)
            {
                continue; // rejected files are covered by AllNetworksTests
            }
            if (net.Options.Quality == QualityType.None || net.Times.Duration == 0)
            {
                continue;
            }
            using var folder = RepositoryPaths.CreateTempFolder();
            var csv = Path.Combine(folder.Path, "q.csv");
            var run = AllNetworksTests.RunNode(AllNetworksTests.PeerScript, "quality", file, csv);
            if (run.ExitCode != 0)
            {
                report.Add($"{rel}: epanet-js fails ({run.StdErr.Trim().Split('\n')[0]})");
                continue;
            }
            compared++;
            var result = QualityReference.Load(csv).Compare(net, Rtol, Atol);
            report.Add($"{rel}: {result.Failures}/{result.Compared} outside at {result.TimesCompared} times; worst {result.Worst}");
            if (result.Failures > 0 && !AllNetworksTests.KnownDifferences.Contains(rel))
            {
                mismatches.Add($"{rel}: {result}");
            }
        }
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "civicgrid-water-quality-networks.txt"), string.Join('\n', report));
        Assert.True(compared > 0, "no network with water quality found");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {compared} networks differ:\n" + string.Join('\n', mismatches));
    }

    /// <summary>Writes the network, runs epanet-js on the written file and reads that same file back for our run.</summary>
    internal static (WaterNetwork Network, QualityReference Reference) Generate(WaterNetwork net, string name)
    {
        if (!AllNetworksTests.PeerAvailable())
        {
            Assert.Skip("epanet-js is not installed: run `npm ci` in bench/peers/water");
        }
        using var folder = RepositoryPaths.CreateTempFolder();
        var inp = Path.Combine(folder.Path, name + ".inp");
        var csv = Path.Combine(folder.Path, name + ".csv");
        InpWriter.WriteFile(net, inp);
        var run = AllNetworksTests.RunNode(AllNetworksTests.PeerScript, "quality", inp, csv);
        Assert.True(run.ExitCode == 0, $"epanet-js failed on {name}: {run.StdErr}");
        return (InpReader.ReadFile(inp), QualityReference.Load(csv));
    }
}
