using System.Globalization;

namespace CivicGrid.Energy.Market;

/// <summary>
/// Reads a bids CSV: a header naming the columns (any order) <c>id, participant, side, quantity_kwh,
/// price_eur_per_kwh</c> and optionally <c>bus</c> and <c>interval</c>; one bid per line; blank lines and lines
/// starting with <c>#</c> are skipped. Fields are plain (no quoting). Row order is the arrival order.
/// </summary>
public static class BidCsvReader
{
    private static readonly string[] Required = ["id", "participant", "side", "quantity_kwh", "price_eur_per_kwh"];
    private static readonly string[] Optional = ["bus", "interval"];

    public static IReadOnlyList<Bid> ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    public static IReadOnlyList<Bid> Parse(string text, string fileName = "<text>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        Dictionary<string, int>? columns = null;
        var width = 0;
        var bids = new List<Bid>();
        var ids = new HashSet<(string, int)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i].TrimEnd('\r');
            var lineNo = i + 1;
            if (raw.Trim().Length == 0 || raw.TrimStart().StartsWith('#'))
            {
                continue;
            }
            var (fields, starts) = Split(raw);
            if (columns is null)
            {
                columns = Header(fields, starts, fileName, lineNo);
                width = fields.Count;
                continue;
            }
            if (fields.Count != width)
            {
                throw new BidFormatException(fileName, lineNo, 1, $"expected {width} fields as in the header, found {fields.Count}");
            }
            string Field(string name) => fields[columns[name]];
            int Col(string name) => starts[columns[name]];
            var id = Field("id");
            if (id.Length == 0)
            {
                throw new BidFormatException(fileName, lineNo, Col("id"), "empty bid id");
            }
            var participant = Field("participant");
            if (participant.Length == 0)
            {
                throw new BidFormatException(fileName, lineNo, Col("participant"), "empty participant");
            }
            var side = Field("side").ToUpperInvariant() switch
            {
                "BUY" or "B" or "DEMAND" => BidSide.Buy,
                "SELL" or "S" or "SUPPLY" => BidSide.Sell,
                _ => throw new BidFormatException(fileName, lineNo, Col("side"), $"side must be buy or sell, not '{Field("side")}'"),
            };
            var quantity = Number(Field("quantity_kwh"), "quantity_kwh", fileName, lineNo, Col("quantity_kwh"));
            if (quantity <= 0)
            {
                throw new BidFormatException(fileName, lineNo, Col("quantity_kwh"), $"quantity_kwh must be positive, not {Field("quantity_kwh")}");
            }
            var price = Number(Field("price_eur_per_kwh"), "price_eur_per_kwh", fileName, lineNo, Col("price_eur_per_kwh"));
            int? bus = null;
            if (columns.ContainsKey("bus") && Field("bus").Length > 0)
            {
                bus = Integer(Field("bus"), "bus", fileName, lineNo, Col("bus"));
            }
            var interval = 0;
            if (columns.ContainsKey("interval") && Field("interval").Length > 0)
            {
                interval = Integer(Field("interval"), "interval", fileName, lineNo, Col("interval"));
                if (interval < 0)
                {
                    throw new BidFormatException(fileName, lineNo, Col("interval"), "interval must not be negative");
                }
            }
            if (!ids.Add((id, interval)))
            {
                throw new BidFormatException(fileName, lineNo, Col("id"), $"duplicate bid id '{id}' in interval {interval}");
            }
            bids.Add(new Bid(id, participant, side, quantity, price, bus, interval, bids.Count));
        }
        if (columns is null)
        {
            throw new BidFormatException(fileName, 1, 1, "the file has no header line");
        }
        return bids;
    }

    private static Dictionary<string, int> Header(List<string> fields, List<int> starts, string file, int line)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < fields.Count; c++)
        {
            var name = fields[c].ToLowerInvariant();
            if (!Required.Contains(name) && !Optional.Contains(name))
            {
                throw new BidFormatException(file, line, starts[c], $"unknown column '{fields[c]}'");
            }
            if (!map.TryAdd(name, c))
            {
                throw new BidFormatException(file, line, starts[c], $"duplicate column '{fields[c]}'");
            }
        }
        foreach (var r in Required)
        {
            if (!map.ContainsKey(r))
            {
                throw new BidFormatException(file, line, 1, $"missing column '{r}'");
            }
        }
        return map;
    }

    private static (List<string> Fields, List<int> Starts) Split(string line)
    {
        var fields = new List<string>();
        var starts = new List<int>();
        var start = 0;
        while (true)
        {
            var comma = line.IndexOf(',', start);
            var end = comma < 0 ? line.Length : comma;
            var f = line[start..end];
            var lead = f.Length - f.TrimStart().Length;
            fields.Add(f.Trim());
            starts.Add(start + lead + 1);
            if (comma < 0)
            {
                return (fields, starts);
            }
            start = comma + 1;
        }
    }

    private static double Number(string text, string name, string file, int line, int col)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            throw new BidFormatException(file, line, col, $"{name} is not a finite number: '{text}'");
        }
        return v;
    }

    private static int Integer(string text, string name, string file, int line, int col)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            throw new BidFormatException(file, line, col, $"{name} is not an integer: '{text}'");
        }
        return v;
    }
}
