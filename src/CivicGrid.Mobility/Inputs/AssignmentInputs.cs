using CivicGrid.Mobility.Assignment;
using CivicGrid.Mobility.Networks;

namespace CivicGrid.Mobility.Inputs;

/// <summary>A vehicle class read from a classes file, with the trips file it came from.</summary>
public sealed record VehicleClassInput(VehicleClass Class, string TripsFile, double TotalDemand);

/// <summary>
/// Readers for the inputs of multi-class assignment and turn penalties, both keyed by the TNTP network's 1-based
/// node numbers so that they stay valid when links are renumbered.
/// <para>Turn rules, <c>from_node,via_node,to_node,penalty</c>: the movement from link (from→via) into link
/// (via→to), with a constant penalty in the network's generalised-cost unit (minutes) or the word
/// <c>prohibited</c>.</para>
/// <para>Vehicle classes, <c>name,pce,toll_factor,distance_factor,trips[,prohibited_links]</c>: passenger-car
/// equivalent, the class's generalised-cost weights (empty = the network's), a TNTP trips file (relative paths are
/// taken from the classes file's folder) and optionally links the class may not use, as space-separated
/// <c>tail-head</c> node pairs.</para>
/// </summary>
public static class AssignmentInputs
{
    private static readonly string[] TurnColumns = ["from_node", "via_node", "to_node", "penalty"];
    private static readonly string[] ClassColumns = ["name", "pce", "toll_factor", "distance_factor", "trips", "prohibited_links"];

    /// <summary>Reads turn rules from a file.</summary>
    public static IReadOnlyList<TurnRule> ReadTurns(string path, TntpNetwork network)
    {
        using var reader = new StreamReader(path);
        return ReadTurns(reader, path, network);
    }

    /// <summary>Reads turn rules; every movement must join two existing links and appear once.</summary>
    public static IReadOnlyList<TurnRule> ReadTurns(TextReader reader, string fileName, TntpNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var links = LinkIndex(network);
        var seen = new Dictionary<(int, int), int>();
        var rules = new List<TurnRule>();
        foreach (var row in CsvRow.ReadAll(reader, fileName, TurnColumns))
        {
            var from = row.Integer(0, 1, network.Nodes);
            var via = row.Integer(1, 1, network.Nodes);
            var to = row.Integer(2, 1, network.Nodes);
            if (!links.TryGetValue((from, via), out var inLink))
            {
                throw row.Error(1, $"the network has no link {from}→{via}");
            }
            if (!links.TryGetValue((via, to), out var outLink))
            {
                throw row.Error(2, $"the network has no link {via}→{to}");
            }
            if (seen.TryGetValue((inLink, outLink), out var firstLine))
            {
                throw row.Error(0, $"the movement {from}→{via}→{to} is already given on line {firstLine}");
            }
            seen[(inLink, outLink)] = row.Line;
            rules.Add(string.Equals(row.Text(3), "prohibited", StringComparison.OrdinalIgnoreCase)
                ? TurnRule.Prohibit(inLink, outLink)
                : new TurnRule(inLink, outLink, row.Number(3, 0)));
        }
        return rules;
    }

    /// <summary>Reads vehicle classes from a file; trips files are resolved against its folder.</summary>
    public static IReadOnlyList<VehicleClassInput> ReadClasses(string path, TntpNetwork network)
    {
        using var reader = new StreamReader(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return ReadClasses(reader, path, network, name => Path.IsPathRooted(name) ? name : Path.Combine(folder, name));
    }

    /// <summary>Reads vehicle classes; <paramref name="resolveTrips"/> turns a trips column into a file path.</summary>
    public static IReadOnlyList<VehicleClassInput> ReadClasses(TextReader reader, string fileName, TntpNetwork network, Func<string, string> resolveTrips)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(resolveTrips);
        var links = LinkIndex(network);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var classes = new List<VehicleClassInput>();
        foreach (var row in CsvRow.ReadAll(reader, fileName, ClassColumns, optionalTrailing: 1))
        {
            var name = row.Text(0);
            if (!names.Add(name))
            {
                throw row.Error(0, $"the class '{name}' is given twice");
            }
            var pce = row.Number(1, 0);
            if (pce <= 0)
            {
                throw row.Error(1, "must be positive");
            }
            GeneralisedCostWeights? weights = null;
            if (row.OptionalText(2) is not null || row.OptionalText(3) is not null)
            {
                weights = new GeneralisedCostWeights(row.OptionalText(2) is null ? 0 : row.Number(2, 0), row.OptionalText(3) is null ? 0 : row.Number(3, 0));
            }
            var tripsPath = resolveTrips(row.Text(4));
            if (!File.Exists(tripsPath))
            {
                throw row.Error(4, $"the trips file '{tripsPath}' does not exist");
            }
            var trips = TntpReader.ReadTrips(tripsPath);
            if (trips.Zones != network.Zones)
            {
                throw row.Error(4, $"the trips file has {trips.Zones} zones but the network has {network.Zones}");
            }
            var prohibited = row.Count > 5 ? ProhibitedLinks(row, 5, links) : null;
            var vehicleClass = new VehicleClass(name, trips.ToMatrix()) { PassengerCarEquivalent = pce, Weights = weights, ProhibitedLinks = prohibited };
            classes.Add(new VehicleClassInput(vehicleClass, tripsPath, trips.TotalDemand));
        }
        if (classes.Count == 0)
        {
            throw new MobilityInputFormatException(fileName, 0, 0, "no vehicle class is given");
        }
        return classes;
    }

    private static List<int>? ProhibitedLinks(CsvRow row, int index, Dictionary<(int, int), int> links)
    {
        var text = row.OptionalText(index);
        if (text is null)
        {
            return null;
        }
        var result = new List<int>();
        foreach (var pair in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = pair.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(pair.AsSpan(0, dash), System.Globalization.CultureInfo.InvariantCulture, out var tail)
                || !int.TryParse(pair.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture, out var head))
            {
                throw row.Error(index, $"'{pair}' is not a tail-head node pair");
            }
            if (!links.TryGetValue((tail, head), out var link))
            {
                throw row.Error(index, $"the network has no link {tail}→{head}");
            }
            result.Add(link);
        }
        return result;
    }

    /// <summary>0-based link index by 1-based (tail, head); the first of duplicate links wins.</summary>
    private static Dictionary<(int, int), int> LinkIndex(TntpNetwork network)
    {
        var index = new Dictionary<(int, int), int>();
        for (var a = 0; a < network.Links.Count; a++)
        {
            index.TryAdd((network.Links[a].Tail, network.Links[a].Head), a);
        }
        return index;
    }
}
