using System.Text;

namespace CivicGrid.Governance.Budgeting;

/// <summary>Writes an election back in the Pabulib <c>.pb</c> format (quoting fields that need it).</summary>
public static class PabulibWriter
{
    public static string Write(PbElection election)
    {
        ArgumentNullException.ThrowIfNull(election);
        var sb = new StringBuilder();
        sb.Append("META\nkey;value\n");
        foreach (var kv in election.Meta)
        {
            AppendRow(sb, [kv.Key, kv.Value]);
        }
        sb.Append("PROJECTS\n");
        AppendRow(sb, election.ProjectColumns);
        foreach (var p in election.Projects)
        {
            AppendRow(sb, election.ProjectColumns.Select(c => c == "cost" ? p.Cost.ToString() : p.Fields.GetValueOrDefault(c, string.Empty)).ToList());
        }
        sb.Append("VOTES\n");
        AppendRow(sb, election.VoteColumns);
        foreach (var v in election.Votes)
        {
            AppendRow(sb, election.VoteColumns.Select(c => c switch
            {
                "vote" => string.Join(',', v.Projects),
                "points" when v.Points is not null => string.Join(',', v.Points.Select(x => x.ToString())),
                _ => v.Fields.GetValueOrDefault(c, string.Empty),
            }).ToList());
        }
        return sb.ToString();
    }

    public static void WriteFile(PbElection election, string path) =>
        File.WriteAllText(path, Write(election), new UTF8Encoding(false));

    private static void AppendRow(StringBuilder sb, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(';');
            }
            var f = fields[i];
            if (f.Contains(';', StringComparison.Ordinal) || f.Contains('"', StringComparison.Ordinal) || f.Contains('\n', StringComparison.Ordinal))
            {
                sb.Append('"').Append(f.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                sb.Append(f);
            }
        }
        sb.Append('\n');
    }
}
