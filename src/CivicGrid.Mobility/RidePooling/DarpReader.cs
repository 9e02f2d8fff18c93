using System.Globalization;

namespace CivicGrid.Mobility.RidePooling;

/// <summary>
/// Reads Cordeau (2006) instances: header <c>vehicles nodes maxRouteDuration capacity maxRideTime</c>, then
/// vertex lines <c>id x y serviceDuration load earliest latest</c> for the depot, n pickups and n drop-offs
/// (an optional end-depot line 2n+1 is accepted).
/// </summary>
public static class DarpReader
{
    public static DarpInstance Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileName(path), Path.GetFileNameWithoutExtension(path));
    }

    public static DarpInstance Read(TextReader reader, string fileName, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new List<(int Number, string Text)>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Trim().Length > 0)
            {
                lines.Add((number, line));
            }
        }
        if (lines.Count == 0)
        {
            throw new DarpFormatException(fileName, 0, 0, "file is empty: expected the header 'vehicles nodes maxRouteDuration capacity maxRideTime'");
        }
        var header = Tokens(lines[0].Text);
        if (header.Count != 5)
        {
            throw new DarpFormatException(fileName, lines[0].Number, 1, $"header needs 5 fields (vehicles nodes maxRouteDuration capacity maxRideTime), found {header.Count}");
        }
        var vehicles = ParseInt(header[0], fileName, lines[0].Number, "vehicle count");
        var nodeCount = ParseInt(header[1], fileName, lines[0].Number, "node count");
        var duration = ParseDouble(header[2], fileName, lines[0].Number, "max route duration");
        var capacity = ParseInt(header[3], fileName, lines[0].Number, "capacity");
        var ride = ParseDouble(header[4], fileName, lines[0].Number, "max ride time");
        if (vehicles <= 0)
        {
            throw new DarpFormatException(fileName, lines[0].Number, header[0].Column, "vehicle count must be positive");
        }
        if (nodeCount <= 0 || nodeCount % 2 != 0)
        {
            throw new DarpFormatException(fileName, lines[0].Number, header[1].Column, "node count must be a positive even number (n pickups + n drop-offs)");
        }
        if (capacity <= 0 || duration <= 0 || ride <= 0)
        {
            throw new DarpFormatException(fileName, lines[0].Number, 1, "capacity, max route duration and max ride time must be positive");
        }
        var n = nodeCount / 2;
        var nodes = new List<DarpNode>(nodeCount + 2);
        for (var k = 1; k < lines.Count; k++)
        {
            var (lineNo, text) = lines[k];
            var t = Tokens(text);
            if (t.Count != 7)
            {
                throw new DarpFormatException(fileName, lineNo, 1, $"vertex line needs 7 fields (id x y serviceDuration load earliest latest), found {t.Count}");
            }
            var id = ParseInt(t[0], fileName, lineNo, "vertex id");
            if (id != nodes.Count)
            {
                throw new DarpFormatException(fileName, lineNo, t[0].Column, $"expected vertex id {nodes.Count}, found {id}");
            }
            if (id > nodeCount + 1)
            {
                throw new DarpFormatException(fileName, lineNo, t[0].Column, $"more vertices than the header's {nodeCount} plus depots");
            }
            var node = new DarpNode(id,
                ParseDouble(t[1], fileName, lineNo, "x"),
                ParseDouble(t[2], fileName, lineNo, "y"),
                ParseDouble(t[3], fileName, lineNo, "service duration"),
                ParseInt(t[4], fileName, lineNo, "load"),
                ParseDouble(t[5], fileName, lineNo, "earliest time"),
                ParseDouble(t[6], fileName, lineNo, "latest time"));
            if (node.ServiceDuration < 0)
            {
                throw new DarpFormatException(fileName, lineNo, t[3].Column, "service duration must not be negative");
            }
            if (node.Earliest > node.Latest)
            {
                throw new DarpFormatException(fileName, lineNo, t[5].Column, "earliest time is after latest time");
            }
            if (id >= 1 && id <= n && node.Load <= 0)
            {
                throw new DarpFormatException(fileName, lineNo, t[4].Column, "a pickup must have a positive load");
            }
            if (id > n && id <= nodeCount && node.Load != -nodes[id - n].Load)
            {
                throw new DarpFormatException(fileName, lineNo, t[4].Column, $"drop-off load must be minus the load of pickup {id - n}");
            }
            if (node.Load > capacity)
            {
                throw new DarpFormatException(fileName, lineNo, t[4].Column, "load exceeds the vehicle capacity");
            }
            nodes.Add(node);
        }
        if (nodes.Count < nodeCount + 1)
        {
            throw new DarpFormatException(fileName, number, 0, $"file ends after {nodes.Count} vertices; the header announces depot + {nodeCount}");
        }
        if (nodes.Count == nodeCount + 1)
        {
            nodes.Add(nodes[0] with { Id = nodeCount + 1 });
        }
        return new DarpInstance(name ?? Path.GetFileNameWithoutExtension(fileName), vehicles, duration, capacity, ride, nodes);
    }

    private readonly record struct Token(string Text, int Column);

    private static List<Token> Tokens(string line)
    {
        var result = new List<Token>();
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i]))
            {
                i++;
            }
            var start = i;
            while (i < line.Length && !char.IsWhiteSpace(line[i]))
            {
                i++;
            }
            if (i > start)
            {
                result.Add(new Token(line[start..i], start + 1));
            }
        }
        return result;
    }

    private static int ParseInt(Token t, string file, int line, string what) =>
        int.TryParse(t.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new DarpFormatException(file, line, t.Column, $"{what} '{t.Text}' is not an integer");

    private static double ParseDouble(Token t, string file, int line, string what) =>
        double.TryParse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new DarpFormatException(file, line, t.Column, $"{what} '{t.Text}' is not a number");
}
