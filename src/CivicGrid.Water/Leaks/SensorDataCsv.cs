using System.Globalization;
using System.Text;

namespace CivicGrid.Water.Leaks;

/// <summary>
/// The sensor CSV: a header <c>time_s,P:&lt;node&gt;…,Q:&lt;link&gt;…,D:&lt;node&gt;…,L:&lt;tank&gt;…</c> and one row per
/// sample time (seconds from the start, strictly increasing). P is pressure head in m, Q link flow in L/s, D an AMR
/// meter's consumption in L/s, L a tank's level in m. Comma-separated, invariant culture, no quoting; empty lines
/// are skipped.
/// </summary>
public static class SensorDataCsv
{
    public static void Write(SensorData data, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("time_s");
        foreach (var c in data.Channels)
        {
            writer.Write(',');
            writer.Write(c.Column);
        }
        writer.Write('\n');
        var line = new StringBuilder();
        for (var t = 0; t < data.TimesSeconds.Count; t++)
        {
            line.Clear();
            line.Append(data.TimesSeconds[t].ToString(CultureInfo.InvariantCulture));
            foreach (var c in data.Channels)
            {
                line.Append(',').Append(c.Values[t].ToString("0.####", CultureInfo.InvariantCulture));
            }
            line.Append('\n');
            writer.Write(line);
        }
    }

    public static void WriteFile(SensorData data, string path)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        Write(data, writer);
    }

    public static SensorData ReadFile(string path) => Read(File.ReadAllText(path), Path.GetFileName(path));

    public static SensorData Read(string text, string fileName = "<input>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        var lineNo = 0;
        string[]? header = null;
        var headerLine = 0;
        for (; lineNo < lines.Length; lineNo++)
        {
            var l = lines[lineNo].TrimEnd('\r');
            if (l.Trim().Length == 0)
            {
                continue;
            }
            header = l.Split(',');
            headerLine = lineNo + 1;
            lineNo++;
            break;
        }
        if (header is null)
        {
            throw new LeakDataFormatException(fileName, 1, 0, "empty file: expected a header 'time_s,P:<node>,…'");
        }
        if (!string.Equals(header[0].Trim(), "time_s", StringComparison.OrdinalIgnoreCase))
        {
            throw new LeakDataFormatException(fileName, headerLine, 1, $"the first column must be 'time_s', found '{header[0].Trim()}'");
        }
        var kinds = new List<(SensorKind Kind, string Id)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var c = 1; c < header.Length; c++)
        {
            var name = header[c].Trim();
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            SensorKind? kind = colon == 1 ? char.ToUpperInvariant(name[0]) switch
            {
                'P' => SensorKind.Pressure,
                'Q' => SensorKind.Flow,
                'D' => SensorKind.Demand,
                'L' => SensorKind.Level,
                _ => null,
            } : null;
            if (kind is null || name.Length <= 2)
            {
                throw new LeakDataFormatException(fileName, headerLine, c + 1, $"column '{name}' is not P:<node>, Q:<link>, D:<node> or L:<tank>");
            }
            if (!seen.Add(name))
            {
                throw new LeakDataFormatException(fileName, headerLine, c + 1, $"duplicate column '{name}'");
            }
            kinds.Add((kind.Value, name[2..]));
        }
        var times = new List<long>();
        var values = kinds.Select(_ => new List<double>()).ToArray();
        for (; lineNo < lines.Length; lineNo++)
        {
            var l = lines[lineNo].TrimEnd('\r');
            if (l.Trim().Length == 0)
            {
                continue;
            }
            var fields = l.Split(',');
            if (fields.Length != header.Length)
            {
                throw new LeakDataFormatException(fileName, lineNo + 1, 0, $"{fields.Length} fields where the header has {header.Length}");
            }
            if (!long.TryParse(fields[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var time) || time < 0)
            {
                throw new LeakDataFormatException(fileName, lineNo + 1, 1, $"time '{fields[0].Trim()}' is not a non-negative whole number of seconds");
            }
            if (times.Count > 0 && time <= times[^1])
            {
                throw new LeakDataFormatException(fileName, lineNo + 1, 1, $"time {time} does not increase (previous {times[^1]})");
            }
            times.Add(time);
            for (var c = 1; c < fields.Length; c++)
            {
                if (!double.TryParse(fields[c].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                {
                    throw new LeakDataFormatException(fileName, lineNo + 1, c + 1, $"'{fields[c].Trim()}' is not a number ({header[c].Trim()})");
                }
                values[c - 1].Add(v);
            }
        }
        if (times.Count == 0)
        {
            throw new LeakDataFormatException(fileName, headerLine, 0, "no data rows after the header");
        }
        return new SensorData(times, [.. kinds.Select((k, i) => new SensorChannel(k.Kind, k.Id, [.. values[i]]))]);
    }
}
