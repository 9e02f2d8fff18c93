using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Leaks;

/// <summary>Network helpers shared by the leak generator, detectors and scoring.</summary>
public static class LeakNetworkTools
{
    /// <summary>A deep copy of a network (through the .inp writer and reader, which round-trip exactly).</summary>
    public static WaterNetwork Clone(WaterNetwork network) => InpReader.Read(InpWriter.Write(network), "<clone>");

    /// <summary>Sets the run length and a fixed hydraulic/report step for sensor sampling.</summary>
    public static void ConfigureRun(WaterNetwork network, long durationSeconds, long stepSeconds)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.Times.Duration = durationSeconds;
        network.Times.HydraulicStep = stepSeconds;
        network.Times.ReportStep = stepSeconds;
        network.Times.ReportStart = 0;
        network.Options.Quality = QualityType.None;
    }

    /// <summary>Metres per length unit of the file (feet for US files).</summary>
    public static double MetersPerLengthUnit(WaterNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Options.IsSi ? 1.0 : UnitSystem.MetersPerFoot;
    }

    /// <summary>Pipes whose two ends are junctions and that are not closed: where a leak can be placed and searched.</summary>
    public static List<Pipe> CandidatePipes(WaterNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var junctions = new HashSet<string>(network.Junctions.Select(j => j.Id), StringComparer.OrdinalIgnoreCase);
        return [.. network.Pipes.Where(p => junctions.Contains(p.FromNode) && junctions.Contains(p.ToNode) && p.Status != InitialLinkStatus.Closed && p.Length > 0)];
    }

    /// <summary>Mid-point of a link on the map, when both end nodes have coordinates.</summary>
    public static (double X, double Y)? Midpoint(WaterNetwork network, Link link)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(link);
        if (network.Coordinates.TryGetValue(link.FromNode, out var a) && network.Coordinates.TryGetValue(link.ToNode, out var b))
        {
            return ((a.X + b.X) / 2, (a.Y + b.Y) / 2);
        }
        return null;
    }

    /// <summary>
    /// Splits a pipe in two at its middle with a new junction (no demand, mean elevation, mid-point coordinates)
    /// where a leak emitter can be put; the first half keeps the pipe's ID. Returns the new junction's ID.
    /// </summary>
    public static string SplitPipe(WaterNetwork network, string pipeId)
    {
        ArgumentNullException.ThrowIfNull(network);
        var pipe = network.Pipes.FirstOrDefault(p => string.Equals(p.Id, pipeId, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"no pipe '{pipeId}'", nameof(pipeId));
        var from = network.FindNode(pipe.FromNode)!;
        var to = network.FindNode(pipe.ToNode)!;
        var nodeId = "LEAK_" + pipe.Id;
        var junction = new Junction { Id = nodeId, Elevation = (from.Elevation + to.Elevation) / 2 };
        network.Junctions.Add(junction);
        if (Midpoint(network, pipe) is { } mid)
        {
            network.Coordinates[nodeId] = mid;
        }
        var second = new Pipe
        {
            Id = pipe.Id + "_LEAKB",
            FromNode = nodeId,
            ToNode = pipe.ToNode,
            Length = pipe.Length / 2,
            Diameter = pipe.Diameter,
            Roughness = pipe.Roughness,
            MinorLoss = pipe.MinorLoss / 2,
            Status = pipe.Status == InitialLinkStatus.CheckValve ? InitialLinkStatus.Open : pipe.Status,
        };
        pipe.ToNode = nodeId;
        pipe.Length /= 2;
        pipe.MinorLoss /= 2;
        network.Pipes.Add(second);
        network.Links.Add(second);
        network.Vertices.Remove(pipe.Id);
        return nodeId;
    }
}
