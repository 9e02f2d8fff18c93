using System.Globalization;
using System.Text;

namespace CivicGrid.Governance.Budgeting;

/// <summary>
/// Reads Pabulib <c>.pb</c> files: semicolon-separated sections META (key;value), PROJECTS (project_id;cost;…)
/// and VOTES (voter_id;vote;… with <c>points</c> for cumulative/scoring ballots). Fields may be quoted with
/// double quotes (a doubled quote inside is a literal quote), as Python's csv module writes them.
/// </summary>
public static class PabulibReader
{
    public static PbElection ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (IOException e)
        {
            throw new PabulibFormatException(path, 0, 0, "cannot read the file: " + e.Message);
        }
        return Parse(text, path);
    }

    public static PbElection Parse(string text, string fileName = "<input>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var meta = new List<KeyValuePair<string, string>>();
        var projects = new List<PbProject>();
        var projectIds = new HashSet<string>(StringComparer.Ordinal);
        var votes = new List<PbVote>();
        var voterIds = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? section = null;
        List<string>? header = null;
        List<string> projectColumns = [];
        List<string> voteColumns = [];
        var pending = new List<(int Line, List<string> Row)>();

        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var lineNo = index + 1;
            var line = lines[index].TrimEnd('\r');
            if (index == 0 && line.Length > 0 && line[0] == '\uFEFF')
            {
                line = line[1..];
            }
            if (line.Trim().Length == 0)
            {
                continue;
            }
            var row = SplitRow(line, fileName, lineNo);
            var first = row[0].Trim().ToUpperInvariant();
            if (row.Count == 1 && first is "META" or "PROJECTS" or "VOTES")
            {
                if (!seen.Add(first))
                {
                    throw new PabulibFormatException(fileName, lineNo, 1, $"section {first} appears twice");
                }
                section = first;
                header = null;
                continue;
            }
            if (section is null)
            {
                throw new PabulibFormatException(fileName, lineNo, 1, "content before the first section (expected META, PROJECTS or VOTES)");
            }
            if (header is null)
            {
                header = row.Select(c => c.Trim()).ToList();
                if (section == "META" && (header.Count < 2 || header[0] != "key" || header[1] != "value"))
                {
                    throw new PabulibFormatException(fileName, lineNo, 1, "the META header must be 'key;value'");
                }
                if (section == "PROJECTS")
                {
                    RequireColumns(header, fileName, lineNo, "project_id", "cost");
                    projectColumns = header;
                }
                if (section == "VOTES")
                {
                    RequireColumns(header, fileName, lineNo, "voter_id", "vote");
                    voteColumns = header;
                }
                continue;
            }
            if (row.Count != header.Count)
            {
                throw new PabulibFormatException(fileName, lineNo, Math.Min(row.Count, header.Count) + 1,
                    $"expected {header.Count} fields as in the {section} header, found {row.Count}");
            }
            switch (section)
            {
                case "META":
                    meta.Add(new(row[0].Trim(), row[1].Trim()));
                    break;
                case "PROJECTS":
                    projects.Add(ReadProject(header, row, projectIds, fileName, lineNo));
                    break;
                default:
                    pending.Add((lineNo, row));
                    break;
            }
        }
        foreach (var name in new[] { "META", "PROJECTS", "VOTES" })
        {
            if (!seen.Contains(name))
            {
                throw new PabulibFormatException(fileName, 0, 0, $"the {name} section is missing");
            }
        }
        var budgetText = meta.FirstOrDefault(kv => kv.Key == "budget").Value;
        if (budgetText is null)
        {
            throw new PabulibFormatException(fileName, 0, 0, "META has no 'budget' entry");
        }
        if (!Fraction.TryParseDecimal(budgetText, out var budget) || budget.Sign < 0)
        {
            var line = FindMetaLine(lines, "budget");
            throw new PabulibFormatException(fileName, line, 2, $"budget '{budgetText}' is not a non-negative number");
        }
        var typeText = meta.FirstOrDefault(kv => kv.Key == "vote_type").Value ?? "approval";
        PbVoteType voteType = typeText.Trim().ToLowerInvariant() switch
        {
            "approval" => PbVoteType.Approval,
            "cumulative" => PbVoteType.Cumulative,
            "scoring" => PbVoteType.Scoring,
            "ordinal" => PbVoteType.Ordinal,
            "choose-1" or "choose-one" or "choose_1" => PbVoteType.ChooseOne,
            _ => throw new PabulibFormatException(fileName, FindMetaLine(lines, "vote_type"), 2, $"unknown vote_type '{typeText}'"),
        };
        var needsPoints = voteType is PbVoteType.Cumulative or PbVoteType.Scoring;
        var voteIdx = voteColumns.IndexOf("vote");
        var voterIdx = voteColumns.IndexOf("voter_id");
        var pointsIdx = voteColumns.IndexOf("points");
        if (needsPoints && pointsIdx < 0 && pending.Count > 0)
        {
            throw new PabulibFormatException(fileName, pending[0].Line, 0, $"{typeText} ballots need a 'points' column in VOTES");
        }
        foreach (var (lineNo, row) in pending)
        {
            var voterId = row[voterIdx].Trim();
            if (voterId.Length == 0)
            {
                throw new PabulibFormatException(fileName, lineNo, voterIdx + 1, "empty voter_id");
            }
            if (!voterIds.Add(voterId))
            {
                throw new PabulibFormatException(fileName, lineNo, voterIdx + 1, $"duplicate voter_id '{voterId}'");
            }
            var voteText = row[voteIdx].Trim();
            var chosen = voteText.Length == 0 ? [] : voteText.Split(',').Select(s => s.Trim()).ToList();
            var distinct = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in chosen)
            {
                if (!projectIds.Contains(p))
                {
                    throw new PabulibFormatException(fileName, lineNo, voteIdx + 1, $"vote names unknown project '{p}'");
                }
                if (!distinct.Add(p))
                {
                    throw new PabulibFormatException(fileName, lineNo, voteIdx + 1, $"vote names project '{p}' twice");
                }
            }
            if (voteType == PbVoteType.ChooseOne && chosen.Count > 1)
            {
                throw new PabulibFormatException(fileName, lineNo, voteIdx + 1, "a choose-1 ballot names more than one project");
            }
            List<Fraction>? points = null;
            if (pointsIdx >= 0 && (needsPoints || row[pointsIdx].Trim().Length > 0))
            {
                var pointsText = row[pointsIdx].Trim();
                var parts = pointsText.Length == 0 ? [] : pointsText.Split(',');
                if (parts.Length != chosen.Count)
                {
                    throw new PabulibFormatException(fileName, lineNo, pointsIdx + 1,
                        $"{parts.Length} points for {chosen.Count} projects");
                }
                points = new List<Fraction>(parts.Length);
                foreach (var part in parts)
                {
                    if (!Fraction.TryParseDecimal(part, out var value))
                    {
                        throw new PabulibFormatException(fileName, lineNo, pointsIdx + 1, $"points value '{part.Trim()}' is not a number");
                    }
                    points.Add(value);
                }
            }
            votes.Add(new PbVote(voterId, chosen, points, ToFields(voteColumns, row)));
        }
        return new PbElection(meta, projectColumns, projects, voteColumns, votes, budget, voteType);
    }

    private static PbProject ReadProject(List<string> header, List<string> row, HashSet<string> ids, string fileName, int lineNo)
    {
        var idIdx = header.IndexOf("project_id");
        var costIdx = header.IndexOf("cost");
        var id = row[idIdx].Trim();
        if (id.Length == 0)
        {
            throw new PabulibFormatException(fileName, lineNo, idIdx + 1, "empty project_id");
        }
        if (id.Contains(',', StringComparison.Ordinal))
        {
            throw new PabulibFormatException(fileName, lineNo, idIdx + 1, $"project_id '{id}' contains a comma");
        }
        if (!ids.Add(id))
        {
            throw new PabulibFormatException(fileName, lineNo, idIdx + 1, $"duplicate project_id '{id}'");
        }
        if (!Fraction.TryParseDecimal(row[costIdx], out var cost) || cost.Sign < 0)
        {
            throw new PabulibFormatException(fileName, lineNo, costIdx + 1, $"cost '{row[costIdx].Trim()}' is not a non-negative number");
        }
        return new PbProject(id, cost, ToFields(header, row));
    }

    private static Dictionary<string, string> ToFields(List<string> header, List<string> row)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            fields[header[i]] = row[i].Trim();
        }
        return fields;
    }

    private static void RequireColumns(List<string> header, string fileName, int lineNo, params string[] names)
    {
        foreach (var name in names)
        {
            if (!header.Contains(name))
            {
                throw new PabulibFormatException(fileName, lineNo, 0, $"the header lacks the required column '{name}'");
            }
        }
    }

    private static int FindMetaLine(string[] lines, string key)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith(key + ";", StringComparison.Ordinal))
            {
                return i + 1;
            }
        }
        return 0;
    }

    /// <summary>Splits one line on ';' honouring double-quoted fields.</summary>
    internal static List<string> SplitRow(string line, string fileName, int lineNo)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var i = 0;
        while (true)
        {
            sb.Clear();
            var fieldStart = i;
            if (i < line.Length && line[i] == '"')
            {
                i++;
                var closed = false;
                while (i < line.Length)
                {
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }
                        closed = true;
                        i++;
                        break;
                    }
                    sb.Append(line[i++]);
                }
                if (!closed)
                {
                    throw new PabulibFormatException(fileName, lineNo, fields.Count + 1, $"unterminated quoted field starting at character {(fieldStart + 1).ToString(CultureInfo.InvariantCulture)}");
                }
                if (i < line.Length && line[i] != ';')
                {
                    throw new PabulibFormatException(fileName, lineNo, fields.Count + 1, "unexpected text after a closing quote");
                }
            }
            else
            {
                while (i < line.Length && line[i] != ';')
                {
                    sb.Append(line[i++]);
                }
            }
            fields.Add(sb.ToString());
            if (i >= line.Length)
            {
                break;
            }
            i++; // skip ';'
        }
        return fields;
    }
}
