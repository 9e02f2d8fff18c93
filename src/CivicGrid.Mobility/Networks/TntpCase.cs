using System.Globalization;
using System.Text.RegularExpressions;
using CivicGrid.Mobility.Assignment;

namespace CivicGrid.Mobility.Networks;

/// <summary>
/// A TransportationNetworks folder: <c>*_net.tntp</c>, <c>*_trips.tntp</c> and optionally <c>*_flow.tntp</c>,
/// <c>*_node.tntp</c> and a README.md whose "Generalized Cost Weights" section gives toll and distance factors.
/// </summary>
public sealed partial class TntpCase
{
    private TntpCase(string folder, TntpNetwork network, TntpTrips trips, GeneralisedCostWeights? weights, string? flowFile)
    {
        Folder = folder;
        Network = network;
        Trips = trips;
        ReadmeWeights = weights;
        FlowFile = flowFile;
    }

    public string Folder { get; }

    public TntpNetwork Network { get; }

    public TntpTrips Trips { get; }

    /// <summary>Weights declared in the folder's README, or null when it gives none.</summary>
    public GeneralisedCostWeights? ReadmeWeights { get; }

    /// <summary>The best-known flow file, when the folder has one.</summary>
    public string? FlowFile { get; }

    /// <summary>Loads the network and trips of <paramref name="folder"/>.</summary>
    public static TntpCase Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new TntpFormatException(folder, 0, 0, "folder does not exist");
        }
        var net = Single(folder, "*_net.tntp");
        var trips = Single(folder, "*_trips.tntp");
        var flows = Directory.GetFiles(folder, "*_flow.tntp");
        var readme = Path.Combine(folder, "README.md");
        var weights = File.Exists(readme) ? ParseWeights(File.ReadAllText(readme)) : null;
        return new TntpCase(folder, TntpReader.ReadNetwork(net), TntpReader.ReadTrips(trips), weights, flows.Length == 1 ? flows[0] : null);
    }

    /// <summary>Reads the "Toll:" and "Distance:" lines of a README's "Generalized Cost Weights" section (blank means 0).</summary>
    public static GeneralisedCostWeights? ParseWeights(string readme)
    {
        ArgumentNullException.ThrowIfNull(readme);
        var section = SectionPattern().Match(readme);
        if (!section.Success)
        {
            return null;
        }
        var body = section.Groups[1].Value;
        return new GeneralisedCostWeights(Number(TollPattern().Match(body)), Number(DistancePattern().Match(body)));
    }

    private static double Number(Match m) =>
        m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static string Single(string folder, string pattern)
    {
        var files = Directory.GetFiles(folder, pattern);
        if (files.Length != 1)
        {
            throw new TntpFormatException(folder, 0, 0, $"expected exactly one {pattern} file, found {files.Length}");
        }
        return files[0];
    }

    [GeneratedRegex(@"##\s*Generali[sz]ed Cost Weights\s*\n(.*?)(?:\n##|$)", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex SectionPattern();

    [GeneratedRegex(@"Toll:[ \t]*([0-9.eE+-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex TollPattern();

    [GeneratedRegex(@"Distance:[ \t]*([0-9.eE+-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex DistancePattern();
}
