using System.Globalization;

namespace CivicGrid.Mobility.Networks;

/// <summary>Reads the TNTP formats of the TransportationNetworks collection (<c>_net</c>, <c>_trips</c>, <c>_node</c>, <c>_flow</c>).</summary>
public static class TntpReader
{
    private readonly record struct Token(string Text, int Column);

    public static TntpNetwork ReadNetwork(string path)
    {
        using var reader = OpenFile(path);
        return ReadNetwork(reader, Path.GetFileName(path));
    }

    public static TntpTrips ReadTrips(string path)
    {
        using var reader = OpenFile(path);
        return ReadTrips(reader, Path.GetFileName(path));
    }

    public static IReadOnlyList<TntpNode> ReadNodes(string path)
    {
        using var reader = OpenFile(path);
        return ReadNodes(reader, Path.GetFileName(path));
    }

    public static IReadOnlyList<TntpLinkFlow> ReadFlows(string path)
    {
        using var reader = OpenFile(path);
        return ReadFlows(reader, Path.GetFileName(path));
    }

    public static TntpNetwork ReadNetwork(TextReader reader, string fileName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNo = 0;
        var metadata = ReadMetadata(reader, fileName, ref lineNo);
        var zones = RequiredInt(metadata, "NUMBER OF ZONES", fileName, lineNo);
        var nodes = RequiredInt(metadata, "NUMBER OF NODES", fileName, lineNo);
        var firstThru = RequiredInt(metadata, "FIRST THRU NODE", fileName, lineNo);
        var linkCount = RequiredInt(metadata, "NUMBER OF LINKS", fileName, lineNo);
        if (zones < 0 || nodes <= 0 || zones > nodes)
        {
            throw new TntpFormatException(fileName, lineNo, 0, $"inconsistent sizes: {zones} zones, {nodes} nodes");
        }
        if (firstThru < 1 || firstThru > nodes + 1)
        {
            throw new TntpFormatException(fileName, lineNo, 0, $"FIRST THRU NODE {firstThru} is outside 1..{nodes + 1}");
        }
        var links = new List<TntpLink>(Math.Max(linkCount, 0));
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNo++;
            var tokens = Tokenize(line);
            if (tokens.Count == 0)
            {
                continue;
            }
            if (tokens.Count != 10)
            {
                throw new TntpFormatException(fileName, lineNo, tokens[0].Column,
                    $"a link needs 10 fields (init_node term_node capacity length free_flow_time b power speed toll link_type), found {tokens.Count}");
            }
            var tail = ParseInt(tokens[0], fileName, lineNo);
            var head = ParseInt(tokens[1], fileName, lineNo);
            CheckNode(tail, nodes, tokens[0], fileName, lineNo);
            CheckNode(head, nodes, tokens[1], fileName, lineNo);
            if (tail == head)
            {
                throw new TntpFormatException(fileName, lineNo, tokens[0].Column, $"link {tail}->{head} is a self-loop");
            }
            var capacity = ParseDouble(tokens[2], fileName, lineNo);
            var length = ParseDouble(tokens[3], fileName, lineNo);
            var fft = ParseDouble(tokens[4], fileName, lineNo);
            var b = ParseDouble(tokens[5], fileName, lineNo);
            var power = ParseDouble(tokens[6], fileName, lineNo);
            var speed = ParseDouble(tokens[7], fileName, lineNo);
            var toll = ParseDouble(tokens[8], fileName, lineNo);
            var type = ParseInt(tokens[9], fileName, lineNo);
            NonNegative(fft, tokens[4], "free-flow time", fileName, lineNo);
            NonNegative(b, tokens[5], "B", fileName, lineNo);
            NonNegative(power, tokens[6], "power", fileName, lineNo);
            NonNegative(length, tokens[3], "length", fileName, lineNo);
            if (!(capacity > 0) && b > 0 && power > 0 && fft > 0)
            {
                throw new TntpFormatException(fileName, lineNo, tokens[2].Column, $"capacity must be positive, got {tokens[2].Text}");
            }
            links.Add(new TntpLink(tail, head, capacity, length, fft, b, power, speed, toll, type));
        }
        if (links.Count != linkCount)
        {
            throw new TntpFormatException(fileName, lineNo, 0, $"metadata declares {linkCount} links but the file lists {links.Count}");
        }
        return new TntpNetwork(zones, nodes, firstThru, links, metadata);
    }

    public static TntpTrips ReadTrips(TextReader reader, string fileName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNo = 0;
        var metadata = ReadMetadata(reader, fileName, ref lineNo);
        var zones = RequiredInt(metadata, "NUMBER OF ZONES", fileName, lineNo);
        var origins = new List<TntpOriginDemand>();
        var seenOrigins = new HashSet<int>();
        List<KeyValuePair<int, double>>? current = null;
        HashSet<int>? seenDest = null;
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNo++;
            var tokens = Tokenize(line);
            if (tokens.Count == 0)
            {
                continue;
            }
            if (string.Equals(tokens[0].Text, "Origin", StringComparison.OrdinalIgnoreCase))
            {
                if (tokens.Count != 2)
                {
                    throw new TntpFormatException(fileName, lineNo, tokens[0].Column, "expected 'Origin <zone>'");
                }
                var origin = ParseInt(tokens[1], fileName, lineNo);
                CheckNode(origin, zones, tokens[1], fileName, lineNo);
                if (!seenOrigins.Add(origin))
                {
                    throw new TntpFormatException(fileName, lineNo, tokens[1].Column, $"origin {origin} appears twice");
                }
                current = [];
                seenDest = [];
                origins.Add(new TntpOriginDemand(origin, current));
                continue;
            }
            if (current is null || seenDest is null)
            {
                throw new TntpFormatException(fileName, lineNo, tokens[0].Column, "demand entry before any 'Origin' line");
            }
            // Entries are "dest : value" triples; Tokenize has already removed the ';' separators.
            for (var i = 0; i < tokens.Count; i += 3)
            {
                if (i + 2 >= tokens.Count || tokens[i + 1].Text != ":")
                {
                    throw new TntpFormatException(fileName, lineNo, tokens[i].Column, "expected 'destination : demand;'");
                }
                var dest = ParseInt(tokens[i], fileName, lineNo);
                CheckNode(dest, zones, tokens[i], fileName, lineNo);
                var value = ParseDouble(tokens[i + 2], fileName, lineNo);
                NonNegative(value, tokens[i + 2], "demand", fileName, lineNo);
                if (!seenDest.Add(dest))
                {
                    throw new TntpFormatException(fileName, lineNo, tokens[i].Column, $"destination {dest} listed twice for this origin");
                }
                current.Add(new KeyValuePair<int, double>(dest, value));
            }
        }
        return new TntpTrips(zones, origins, metadata);
    }

    public static IReadOnlyList<TntpNode> ReadNodes(TextReader reader, string fileName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var result = new List<TntpNode>();
        var lineNo = 0;
        var headerSeen = false;
        var ids = new HashSet<int>();
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNo++;
            var tokens = Tokenize(line);
            if (tokens.Count == 0)
            {
                continue;
            }
            if (!headerSeen && !char.IsDigit(tokens[0].Text[0]) && tokens[0].Text[0] != '-')
            {
                headerSeen = true;
                continue;
            }
            if (tokens.Count < 3)
            {
                throw new TntpFormatException(fileName, lineNo, tokens[0].Column, "a node row needs id, X and Y");
            }
            var id = ParseInt(tokens[0], fileName, lineNo);
            if (!ids.Add(id))
            {
                throw new TntpFormatException(fileName, lineNo, tokens[0].Column, $"node {id} listed twice");
            }
            var extra = new List<string>();
            for (var i = 3; i < tokens.Count; i++)
            {
                extra.Add(tokens[i].Text);
            }
            result.Add(new TntpNode(id, ParseDouble(tokens[1], fileName, lineNo), ParseDouble(tokens[2], fileName, lineNo), extra));
        }
        return result;
    }

    public static IReadOnlyList<TntpLinkFlow> ReadFlows(TextReader reader, string fileName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var result = new List<TntpLinkFlow>();
        var lineNo = 0;
        var headerSeen = false;
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNo++;
            var tokens = Tokenize(line);
            if (tokens.Count == 0)
            {
                continue;
            }
            if (!headerSeen && !char.IsDigit(tokens[0].Text[0]))
            {
                headerSeen = true;
                continue;
            }
            if (tokens.Count != 4)
            {
                throw new TntpFormatException(fileName, lineNo, tokens[0].Column, $"a flow row needs 4 fields (From To Volume Cost), found {tokens.Count}");
            }
            result.Add(new TntpLinkFlow(
                ParseInt(tokens[0], fileName, lineNo), ParseInt(tokens[1], fileName, lineNo),
                ParseDouble(tokens[2], fileName, lineNo), ParseDouble(tokens[3], fileName, lineNo)));
        }
        return result;
    }

    private static StreamReader OpenFile(string path)
    {
        try
        {
            return new StreamReader(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TntpFormatException(Path.GetFileName(path), 0, 0, "cannot open file: " + e.Message);
        }
    }

    private static List<TntpMetadataEntry> ReadMetadata(TextReader reader, string fileName, ref int lineNo)
    {
        var entries = new List<TntpMetadataEntry>();
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNo++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '~')
            {
                continue;
            }
            if (trimmed[0] != '<')
            {
                throw new TntpFormatException(fileName, lineNo, line.IndexOf(trimmed[0], StringComparison.Ordinal) + 1, "missing <END OF METADATA> before the data");
            }
            var close = trimmed.IndexOf('>', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new TntpFormatException(fileName, lineNo, line.IndexOf('<', StringComparison.Ordinal) + 1, "metadata tag is not closed with '>'");
            }
            var key = trimmed[1..close].Trim();
            if (string.Equals(key, "END OF METADATA", StringComparison.OrdinalIgnoreCase))
            {
                return entries;
            }
            entries.Add(new TntpMetadataEntry(key, trimmed[(close + 1)..].Trim()));
        }
        throw new TntpFormatException(fileName, lineNo, 0, "missing <END OF METADATA>");
    }

    private static int RequiredInt(List<TntpMetadataEntry> metadata, string key, string fileName, int lineNo)
    {
        foreach (var e in metadata)
        {
            if (string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                if (int.TryParse(e.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                {
                    return v;
                }
                throw new TntpFormatException(fileName, lineNo, 0, $"<{key}> has a non-integer value '{e.Value}'");
            }
        }
        throw new TntpFormatException(fileName, lineNo, 0, $"missing metadata <{key}>");
    }

    // Splits a data line into fields; '~' starts a comment, ';' ends the row and ':' is its own token.
    private static List<Token> Tokenize(string line)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (c == '~')
            {
                break;
            }
            if (char.IsWhiteSpace(c) || c == ';')
            {
                i++;
                continue;
            }
            if (c == ':')
            {
                tokens.Add(new Token(":", i + 1));
                i++;
                continue;
            }
            var start = i;
            while (i < line.Length && !char.IsWhiteSpace(line[i]) && line[i] != ';' && line[i] != ':' && line[i] != '~')
            {
                i++;
            }
            tokens.Add(new Token(line[start..i], start + 1));
        }
        return tokens;
    }

    private static int ParseInt(Token t, string fileName, int lineNo)
    {
        if (int.TryParse(t.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }
        // Some files write integer ids as "1.0"; accept them only when exactly integral.
        if (double.TryParse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue)
        {
            return (int)d;
        }
        throw new TntpFormatException(fileName, lineNo, t.Column, $"'{t.Text}' is not an integer");
    }

    private static double ParseDouble(Token t, string fileName, int lineNo)
    {
        if (double.TryParse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
        {
            return v;
        }
        throw new TntpFormatException(fileName, lineNo, t.Column, $"'{t.Text}' is not a finite number");
    }

    private static void CheckNode(int id, int max, Token t, string fileName, int lineNo)
    {
        if (id < 1 || id > max)
        {
            throw new TntpFormatException(fileName, lineNo, t.Column, $"node {id} is outside 1..{max}");
        }
    }

    private static void NonNegative(double v, Token t, string what, string fileName, int lineNo)
    {
        if (v < 0)
        {
            throw new TntpFormatException(fileName, lineNo, t.Column, $"{what} must not be negative, got {t.Text}");
        }
    }
}
