using System.Globalization;

namespace CivicGrid.Mobility.Networks;

/// <summary>
/// Writes the TNTP formats. Numbers use the shortest round-trip form, so reading a written file gives back
/// exactly the same values and metadata (lossless in content; whitespace is normalised).
/// </summary>
public static class TntpWriter
{
    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    public static void WriteNetwork(TntpNetwork network, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(writer);
        var known = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["NUMBER OF ZONES"] = I(network.Zones),
            ["NUMBER OF NODES"] = I(network.Nodes),
            ["FIRST THRU NODE"] = I(network.FirstThruNode),
            ["NUMBER OF LINKS"] = I(network.Links.Count),
        };
        WriteMetadata(writer, network.Metadata, known);
        writer.WriteLine("~\tinit_node\tterm_node\tcapacity\tlength\tfree_flow_time\tb\tpower\tspeed\ttoll\tlink_type\t;");
        foreach (var l in network.Links)
        {
            writer.WriteLine($"\t{I(l.Tail)}\t{I(l.Head)}\t{F(l.Capacity)}\t{F(l.Length)}\t{F(l.FreeFlowTime)}\t{F(l.B)}\t{F(l.Power)}\t{F(l.Speed)}\t{F(l.Toll)}\t{I(l.LinkType)}\t;");
        }
    }

    public static void WriteTrips(TntpTrips trips, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(trips);
        ArgumentNullException.ThrowIfNull(writer);
        var known = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["NUMBER OF ZONES"] = I(trips.Zones),
        };
        WriteMetadata(writer, trips.Metadata, known);
        foreach (var o in trips.Origins)
        {
            writer.WriteLine($"Origin \t{I(o.Origin)}");
            var n = 0;
            foreach (var d in o.Destinations)
            {
                writer.Write($"{I(d.Key),5} : {F(d.Value)};\t");
                if (++n % 5 == 0)
                {
                    writer.WriteLine();
                }
            }
            writer.WriteLine();
            writer.WriteLine();
        }
    }

    public static void WriteNodes(IReadOnlyList<TntpNode> nodes, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("node\tX\tY\t;");
        foreach (var n in nodes)
        {
            writer.Write($"{I(n.Id)}\t{F(n.X)}\t{F(n.Y)}");
            foreach (var e in n.Extra)
            {
                writer.Write('\t');
                writer.Write(e);
            }
            writer.WriteLine("\t;");
        }
    }

    public static void WriteFlows(IReadOnlyList<TntpLinkFlow> flows, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("From \tTo \tVolume \tCost ");
        foreach (var f in flows)
        {
            writer.WriteLine($"{I(f.From)} \t{I(f.To)} \t{F(f.Volume)} \t{F(f.Cost)} ");
        }
    }

    private static void WriteMetadata(TextWriter writer, IReadOnlyList<TntpMetadataEntry> metadata, Dictionary<string, string> known)
    {
        var written = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in metadata)
        {
            // Sizes are always rewritten from the data so a modified object never contradicts its header.
            var value = known.TryGetValue(e.Key, out var k) ? k : e.Value;
            writer.WriteLine($"<{e.Key}> {value}");
            written.Add(e.Key);
        }
        foreach (var (key, value) in known)
        {
            if (!written.Contains(key))
            {
                writer.WriteLine($"<{key}> {value}");
            }
        }
        writer.WriteLine("<END OF METADATA>");
        writer.WriteLine();
        writer.WriteLine();
    }
}
