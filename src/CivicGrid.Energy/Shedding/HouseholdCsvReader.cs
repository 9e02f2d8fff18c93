using System.Globalization;

namespace CivicGrid.Energy.Shedding;

/// <summary>
/// Reads a households CSV into shedding blocks. Header (any order): <c>household, block, district, demand_kw</c> and
/// optionally <c>group</c>, <c>critical</c> (true/false/1/0) and <c>max_outage_intervals</c>. A block's district is
/// that of its first household; a household naming another district for the same block is an error.
/// </summary>
public static class HouseholdCsvReader
{
    private static readonly string[] Required = ["household", "block", "district", "demand_kw"];
    private static readonly string[] Optional = ["group", "critical", "max_outage_intervals"];

    public static IReadOnlyList<SheddingBlock> ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    public static IReadOnlyList<SheddingBlock> Parse(string text, string fileName = "<text>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = CsvRows(text);
        if (rows.Count == 0)
        {
            throw new SheddingFormatException(fileName, 1, 1, "the file has no header line");
        }
        var (headerLine, header, headerStarts) = rows[0];
        var col = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < header.Count; c++)
        {
            var name = header[c].ToLowerInvariant();
            if (!Required.Contains(name) && !Optional.Contains(name))
            {
                throw new SheddingFormatException(fileName, headerLine, headerStarts[c], $"unknown column '{header[c]}'");
            }
            if (!col.TryAdd(name, c))
            {
                throw new SheddingFormatException(fileName, headerLine, headerStarts[c], $"duplicate column '{header[c]}'");
            }
        }
        foreach (var r in Required)
        {
            if (!col.ContainsKey(r))
            {
                throw new SheddingFormatException(fileName, headerLine, 1, $"missing column '{r}'");
            }
        }
        var blocks = new Dictionary<string, (string District, List<Household> Households)>(StringComparer.Ordinal);
        var order = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (line, f, starts) in rows.Skip(1))
        {
            if (f.Count != header.Count)
            {
                throw new SheddingFormatException(fileName, line, 1, $"expected {header.Count} fields as in the header, found {f.Count}");
            }
            string Get(string n) => col.TryGetValue(n, out var i) ? f[i] : "";
            int At(string n) => starts[col[n]];
            var id = Get("household");
            if (id.Length == 0 || !ids.Add(id))
            {
                throw new SheddingFormatException(fileName, line, At("household"), id.Length == 0 ? "empty household id" : $"duplicate household '{id}'");
            }
            var block = Get("block");
            var district = Get("district");
            if (block.Length == 0 || district.Length == 0)
            {
                throw new SheddingFormatException(fileName, line, At(block.Length == 0 ? "block" : "district"), "empty block or district");
            }
            if (!double.TryParse(Get("demand_kw"), NumberStyles.Float, CultureInfo.InvariantCulture, out var demand) || !double.IsFinite(demand) || demand < 0)
            {
                throw new SheddingFormatException(fileName, line, At("demand_kw"), $"demand_kw must be a non-negative number, not '{Get("demand_kw")}'");
            }
            var critical = Get("critical").ToLowerInvariant() switch
            {
                "" or "false" or "0" or "no" => false,
                "true" or "1" or "yes" => true,
                var other => throw new SheddingFormatException(fileName, line, At("critical"), $"critical must be true or false, not '{other}'"),
            };
            int? cap = null;
            if (Get("max_outage_intervals").Length > 0)
            {
                if (!int.TryParse(Get("max_outage_intervals"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) || c < 0)
                {
                    throw new SheddingFormatException(fileName, line, At("max_outage_intervals"), $"max_outage_intervals must be a non-negative integer, not '{Get("max_outage_intervals")}'");
                }
                cap = c;
            }
            if (!blocks.TryGetValue(block, out var entry))
            {
                blocks[block] = entry = (district, []);
                order.Add(block);
            }
            else if (entry.District != district)
            {
                throw new SheddingFormatException(fileName, line, At("district"), $"block '{block}' is in district '{entry.District}', not '{district}'");
            }
            var group = Get("group");
            entry.Households.Add(new Household(id, district, group.Length == 0 ? "all" : group, demand, critical, cap));
        }
        return order.Select(b => new SheddingBlock(b, blocks[b].District, blocks[b].Households)).ToList();
    }

    /// <summary>Reads a shortfall series: one kW figure per line (a header line <c>shortfall_kw</c> is allowed).</summary>
    public static IReadOnlyList<double> ParseShortfall(string text, string fileName = "<text>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<double>();
        foreach (var (line, f, starts) in CsvRows(text))
        {
            var v = f[^1];
            if (list.Count == 0 && v.Equals("shortfall_kw", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x) || x < 0)
            {
                throw new SheddingFormatException(fileName, line, starts[^1], $"shortfall must be a non-negative kW figure, not '{v}'");
            }
            list.Add(x);
        }
        if (list.Count == 0)
        {
            throw new SheddingFormatException(fileName, 1, 1, "no shortfall values");
        }
        return list;
    }

    /// <summary>The non-blank, non-comment lines of a comma-separated text: 1-based line number, trimmed fields and each field's 1-based column.</summary>
    internal static List<(int Line, List<string> Fields, List<int> Starts)> CsvRows(string text)
    {
        var result = new List<(int, List<string>, List<int>)>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i].TrimEnd('\r');
            if (raw.Trim().Length == 0 || raw.TrimStart().StartsWith('#'))
            {
                continue;
            }
            var fields = new List<string>();
            var starts = new List<int>();
            var start = 0;
            while (true)
            {
                var comma = raw.IndexOf(',', start);
                var end = comma < 0 ? raw.Length : comma;
                var f = raw[start..end];
                fields.Add(f.Trim());
                starts.Add(start + (f.Length - f.TrimStart().Length) + 1);
                if (comma < 0)
                {
                    break;
                }
                start = comma + 1;
            }
            result.Add((i + 1, fields, starts));
        }
        return result;
    }
}
