namespace CivicGrid.Mobility.Networks;

/// <summary>One metadata entry of a TNTP file, e.g. <c>&lt;NUMBER OF ZONES&gt; 24</c>, kept in file order.</summary>
public sealed record TntpMetadataEntry(string Key, string Value);

/// <summary>
/// One link of a TNTP <c>_net</c> file. Travel time follows the BPR form
/// <c>t = FreeFlowTime · (1 + B · (flow / Capacity)^Power)</c>; the generalised cost adds
/// <c>tollFactor · Toll + distanceFactor · Length</c>.
/// </summary>
public sealed record TntpLink(
    int Tail,
    int Head,
    double Capacity,
    double Length,
    double FreeFlowTime,
    double B,
    double Power,
    double Speed,
    double Toll,
    int LinkType);

/// <summary>A TNTP road network (<c>_net</c> file).</summary>
public sealed class TntpNetwork
{
    public TntpNetwork(int zones, int nodes, int firstThruNode, IReadOnlyList<TntpLink> links, IReadOnlyList<TntpMetadataEntry>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(links);
        Zones = zones;
        Nodes = nodes;
        FirstThruNode = firstThruNode;
        Links = links;
        Metadata = metadata ?? [];
    }

    /// <summary>Number of zones (centroids are nodes 1..Zones).</summary>
    public int Zones { get; }

    /// <summary>Number of nodes (ids 1..Nodes).</summary>
    public int Nodes { get; }

    /// <summary>Nodes below this id are zones that paths may start or end at but never pass through.</summary>
    public int FirstThruNode { get; }

    public IReadOnlyList<TntpLink> Links { get; }

    /// <summary>Every metadata entry of the file in order, including ones this reader does not interpret.</summary>
    public IReadOnlyList<TntpMetadataEntry> Metadata { get; }

    /// <summary>Groups of link indices (0-based) that share the same tail and head.</summary>
    public IReadOnlyList<int[]> FindDuplicateLinks()
    {
        var seen = new Dictionary<(int, int), List<int>>();
        for (var i = 0; i < Links.Count; i++)
        {
            var key = (Links[i].Tail, Links[i].Head);
            if (!seen.TryGetValue(key, out var list))
            {
                list = [];
                seen.Add(key, list);
            }
            list.Add(i);
        }
        var result = new List<int[]>();
        foreach (var list in seen.Values)
        {
            if (list.Count > 1)
            {
                result.Add([.. list]);
            }
        }
        return result;
    }
}

/// <summary>The demand listed for one origin of a <c>_trips</c> file, in file order (zero entries kept).</summary>
public sealed record TntpOriginDemand(int Origin, IReadOnlyList<KeyValuePair<int, double>> Destinations);

/// <summary>A TNTP origin–destination trip table (<c>_trips</c> file).</summary>
public sealed class TntpTrips
{
    public TntpTrips(int zones, IReadOnlyList<TntpOriginDemand> origins, IReadOnlyList<TntpMetadataEntry>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(origins);
        Zones = zones;
        Origins = origins;
        Metadata = metadata ?? [];
    }

    public int Zones { get; }

    public IReadOnlyList<TntpOriginDemand> Origins { get; }

    public IReadOnlyList<TntpMetadataEntry> Metadata { get; }

    /// <summary>Sum of all listed demand.</summary>
    public double TotalDemand
    {
        get
        {
            var total = 0.0;
            foreach (var o in Origins)
            {
                foreach (var d in o.Destinations)
                {
                    total += d.Value;
                }
            }
            return total;
        }
    }

    /// <summary>Dense demand matrix, row-major <c>[(origin-1) * Zones + (destination-1)]</c>.</summary>
    public double[] ToMatrix()
    {
        var m = new double[Zones * Zones];
        foreach (var o in Origins)
        {
            foreach (var d in o.Destinations)
            {
                m[((o.Origin - 1) * Zones) + d.Key - 1] += d.Value;
            }
        }
        return m;
    }
}

/// <summary>One row of a <c>_node</c> file: id, X, Y and any further columns.</summary>
public sealed record TntpNode(int Id, double X, double Y, IReadOnlyList<string> Extra);

/// <summary>One row of a <c>_flow</c> file.</summary>
public sealed record TntpLinkFlow(int From, int To, double Volume, double Cost);
