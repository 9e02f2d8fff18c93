using System.Diagnostics;
using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;
using CivicGrid.Water.Quality;
using CivicGrid.Water.Synthetic;

namespace CivicGrid.Platform.Water;

/// <summary>
/// Runs water networks for the Water page and the API: the demo city's network or an uploaded EPANET <c>.inp</c> file,
/// an extended-period hydraulic and water-quality simulation, results kept at every reporting time. Water age is
/// simulated when the file asks for no quality analysis, so the map can always show it.
/// </summary>
public sealed class WaterNetworkRunner
{
    /// <summary>Largest accepted .inp text (characters).</summary>
    public const int MaxInputCharacters = 8 * 1024 * 1024;

    /// <summary>Largest network (nodes) the server runs for a request.</summary>
    public const int MaxNodes = 20_000;

    /// <summary>Name of the demo network.</summary>
    public const string DemoName = "demo-city.inp";

    /// <summary>The demo city's water network: a generated town of 300 junctions with two reservoirs and a tank.</summary>
    public static WaterNetwork DemoNetwork()
    {
        var net = SyntheticNetworkGenerator.Realistic(300, seed: 7);
        net.Title.Clear();
        net.Title.Add("CivicGrid demo city water network (generated)");
        return net;
    }

    /// <summary>The demo network as .inp text (what a user can download, edit and upload again).</summary>
    public static string DemoText() => InpWriter.Write(DemoNetwork());

    /// <summary>Runs the demo network.</summary>
    public WaterRunResult RunDemo(CancellationToken cancellationToken = default) => Run(DemoNetwork(), DemoName, cancellationToken);

    /// <summary>Reads and runs an .inp text.</summary>
    /// <exception cref="InpFormatException">The text is not a valid network (file, line, reason).</exception>
    public WaterRunResult Run(string inpText, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inpText);
        var name = string.IsNullOrWhiteSpace(fileName) ? "network.inp" : Path.GetFileName(fileName);
        if (inpText.Length > MaxInputCharacters)
        {
            throw new InpFormatException(name, 0, 0, 200, $"the file is larger than {MaxInputCharacters / (1024 * 1024)} MB");
        }
        var network = InpReader.Read(inpText, name);
        return Run(network, name, cancellationToken);
    }

    private static WaterRunResult Run(WaterNetwork network, string name, CancellationToken cancellationToken)
    {
        var nodeCount = network.Junctions.Count + network.FixedGradeNodes.Count;
        if (nodeCount > MaxNodes)
        {
            throw new InpFormatException(name, 0, 0, 200, $"the network has {nodeCount} nodes; the server runs at most {MaxNodes}");
        }
        var fromFile = network.Options.Quality != QualityType.None;
        if (!fromFile)
        {
            network.Options.Quality = QualityType.Age;
        }
        WaterQualitySimulation sim;
        try
        {
            sim = new WaterQualitySimulation(network);
        }
        catch (InpFormatException e) when (e.FileName.Length == 0)
        {
            throw new InpFormatException(name, e.Line, e.Column, e.ErrorCode, e.Reason);
        }
        var hyd = sim.Hydraulics;
        var net = hyd.Network;
        var times = new List<long>();
        var pressure = new List<double[]>();
        var flow = new List<double[]>();
        var quality = new List<double[]>();
        var reportStep = Math.Max(1, network.Times.ReportStep);
        var watch = Stopwatch.StartNew();
        var steps = sim.Run(info =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var t = info.TimeSeconds;
            if (t < network.Times.ReportStart || (t - network.Times.ReportStart) % reportStep != 0 || (times.Count > 0 && times[^1] == t))
            {
                return;
            }
            times.Add(t);
            var p = new double[net.NodeCount];
            var c = new double[net.NodeCount];
            for (var n = 0; n < net.NodeCount; n++)
            {
                p[n] = hyd.PressureFileUnits(n);
                c[n] = sim.NodeQuality(n);
            }
            var q = new double[net.LinkCount];
            for (var k = 0; k < net.LinkCount; k++)
            {
                q[k] = hyd.FlowFileUnits(k);
            }
            pressure.Add(p);
            flow.Add(q);
            quality.Add(c);
        });
        watch.Stop();
        var (nodes, links) = Map(network, net);
        return new WaterRunResult
        {
            Name = name,
            Title = network.Title.Count > 0 ? network.Title[0] : name,
            Converged = steps.All(s => s.Converged),
            Steps = steps.Count,
            Iterations = hyd.TotalIterations,
            DurationSeconds = hyd.DurationSeconds,
            FlowUnits = net.Units.FlowUnitName.ToUpperInvariant(),
            PressureUnits = net.Units.PressureUnitName,
            QualityKind = sim.Kind.ToString().ToLowerInvariant(),
            QualityUnits = sim.Units,
            QualityFromFile = fromFile,
            MassBalanceRatio = sim.MassBalance.Ratio,
            ElapsedMilliseconds = watch.Elapsed.TotalMilliseconds,
            Nodes = nodes,
            Links = links,
            Times = times,
            Pressure = pressure,
            Flow = flow,
            Quality = quality,
            Warnings = [.. hyd.Warnings.Take(200).Select(w => new WaterRunWarning(w.TimeSeconds, w.Code, w.Message))],
            Energy = hyd.EnergyReport(),
        };
    }

    // Nodes without coordinates are placed on a circle so that every network can be drawn.
    private static (List<WaterMapNode> Nodes, List<WaterMapLink> Links) Map(WaterNetwork model, HydraulicNetwork net)
    {
        var ids = net.NodeIdList;
        var kinds = model.Nodes.Select(n => n switch { Junction => "junction", Reservoir => "reservoir", _ => "tank" }).ToArray();
        var nodes = new List<WaterMapNode>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            if (model.Coordinates.TryGetValue(ids[i], out var xy))
            {
                nodes.Add(new WaterMapNode(ids[i], kinds[i], xy.X, xy.Y, true));
            }
            else
            {
                var a = 2 * Math.PI * i / ids.Count;
                nodes.Add(new WaterMapNode(ids[i], kinds[i], 1000 * Math.Cos(a), 1000 * Math.Sin(a), false));
            }
        }
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < ids.Count; i++)
        {
            index[ids[i]] = i;
        }
        var links = model.Links.Select(l => new WaterMapLink(
            l.Id,
            l.Kind.ToString().ToLowerInvariant(),
            index[l.FromNode],
            index[l.ToNode],
            model.Vertices.TryGetValue(l.Id, out var v) ? [.. v.Select(p => new[] { p.X, p.Y })] : [])).ToList();
        return (nodes, links);
    }
}
