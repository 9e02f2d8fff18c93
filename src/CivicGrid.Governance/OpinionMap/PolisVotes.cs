using System.Globalization;
using System.Text.Json;

namespace CivicGrid.Governance.OpinionMap;

/// <summary>One vote on a statement. <see cref="Value"/> follows Polis: −1 agree, 1 disagree, 0 pass.</summary>
public readonly record struct PolisVote(int Participant, int Statement, int Value);

/// <summary>A conversation's votes (the latest vote of each participant on each statement).</summary>
public sealed class PolisVotes(IReadOnlyList<PolisVote> votes)
{
    public IReadOnlyList<PolisVote> Votes { get; } = votes;
}

/// <summary>A votes file could not be read: file, line (0 for JSON), column and reason.</summary>
public sealed class PolisFormatException : FormatException
{
    public PolisFormatException(string file, int line, int column, string reason)
        : base(line > 0 ? $"{file}:{line}:{column}: {reason}" : $"{file}: {reason}")
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    public PolisFormatException()
        : this("<unknown>", 0, 0, "invalid votes file")
    {
    }

    public PolisFormatException(string message)
        : this("<unknown>", 0, 0, message)
    {
    }

    public PolisFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "<unknown>";
        Reason = message;
    }

    public string File { get; }

    public int Line { get; }

    public int Column { get; }

    public string Reason { get; }
}

/// <summary>
/// Reads Polis votes: the JSON export (an array of objects with <c>participant_id</c>, <c>statement_id</c>,
/// <c>vote</c>, optional <c>modified</c>) or CSV with a header naming participant_id (or voter-id),
/// statement_id (or comment-id) and vote. A later vote (by <c>modified</c>, else by position) replaces an earlier one.
/// </summary>
public static class PolisVotesReader
{
    public static PolisVotes ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new PolisFormatException(path, 0, 0, "cannot read the file: " + e.Message);
        }
        return Parse(text, path);
    }

    public static PolisVotes Parse(string text, string fileName = "<input>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var raw = trimmed.StartsWith('[') ? ParseJson(trimmed, fileName) : ParseCsv(text, fileName);
        var latest = new Dictionary<(int, int), (double Modified, int Order, int Value)>();
        for (var i = 0; i < raw.Count; i++)
        {
            var (p, s, v, modified) = raw[i];
            var key = (p, s);
            if (!latest.TryGetValue(key, out var old) || modified > old.Modified || (modified == old.Modified && i > old.Order))
            {
                latest[key] = (modified, i, v);
            }
        }
        return new PolisVotes(latest.OrderBy(kv => kv.Key.Item1).ThenBy(kv => kv.Key.Item2)
            .Select(kv => new PolisVote(kv.Key.Item1, kv.Key.Item2, kv.Value.Value)).ToList());
    }

    private static List<(int, int, int, double)> ParseJson(string text, string fileName)
    {
        var list = new List<(int, int, int, double)>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new PolisFormatException(fileName, (int)(e.LineNumber ?? -1) + 1, (int)(e.BytePositionInLine ?? 0) + 1, "invalid JSON: " + e.Message);
        }
        using (doc)
        {
            var index = 0;
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                index++;
                if (e.ValueKind != JsonValueKind.Object
                    || !e.TryGetProperty("participant_id", out var p) || !p.TryGetInt32(out var pid)
                    || !e.TryGetProperty("statement_id", out var s) || !s.TryGetInt32(out var sid)
                    || !e.TryGetProperty("vote", out var v) || !v.TryGetInt32(out var vote))
                {
                    throw new PolisFormatException(fileName, 0, 0, $"vote #{index} lacks an integer participant_id, statement_id or vote");
                }
                if (vote is < -1 or > 1)
                {
                    throw new PolisFormatException(fileName, 0, 0, $"vote #{index} has value {vote}; expected -1, 0 or 1");
                }
                var modified = e.TryGetProperty("modified", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetDouble() : 0;
                list.Add((pid, sid, vote, modified));
            }
        }
        return list;
    }

    private static List<(int, int, int, double)> ParseCsv(string text, string fileName)
    {
        var lines = text.Split('\n');
        var header = lines[0].Trim().TrimStart('\uFEFF').Split(',').Select(h => h.Trim()).ToList();
        var pi = header.FindIndex(h => h is "participant_id" or "voter-id" or "pid");
        var si = header.FindIndex(h => h is "statement_id" or "comment-id" or "tid");
        var vi = header.FindIndex(h => h is "vote");
        var mi = header.FindIndex(h => h is "modified" or "timestamp");
        if (pi < 0 || si < 0 || vi < 0)
        {
            throw new PolisFormatException(fileName, 1, 1, "the header must name participant_id, statement_id and vote");
        }
        var list = new List<(int, int, int, double)>();
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var f = line.Split(',');
            if (f.Length < header.Count)
            {
                throw new PolisFormatException(fileName, i + 1, f.Length + 1, $"expected {header.Count} fields, found {f.Length}");
            }
            int Int(int col, string what) =>
                int.TryParse(f[col].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) ? x
                : throw new PolisFormatException(fileName, i + 1, col + 1, $"{what} '{f[col].Trim()}' is not an integer");
            var vote = Int(vi, "vote");
            if (vote is < -1 or > 1)
            {
                throw new PolisFormatException(fileName, i + 1, vi + 1, $"vote {vote} must be -1, 0 or 1");
            }
            var modified = mi >= 0 && double.TryParse(f[mi], NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : 0;
            list.Add((Int(pi, "participant"), Int(si, "statement"), vote, modified));
        }
        return list;
    }
}
