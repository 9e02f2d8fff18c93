using System.Globalization;

namespace CivicGrid.Energy.Forecasting;

/// <summary>
/// A regularly sampled multi-column series read from CSV: first column a timestamp (<c>yyyy-MM-dd HH:mm:ss</c>),
/// the others numbers. Used for ETTh1 and the solar-home data; rows must be equally spaced.
/// </summary>
public sealed class TimeSeriesTable
{
    public TimeSeriesTable(IReadOnlyList<DateTime> timestamps, IReadOnlyList<string> columns, double[][] values)
    {
        Timestamps = timestamps;
        Columns = columns;
        Values = values;
    }

    public IReadOnlyList<DateTime> Timestamps { get; }
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Values[column][row].</summary>
    public double[][] Values { get; }

    public TimeSpan Step => Timestamps.Count > 1 ? Timestamps[1] - Timestamps[0] : TimeSpan.Zero;

    public double[] Column(string name)
    {
        var i = Columns.ToList().IndexOf(name);
        return i >= 0 ? Values[i] : throw new KeyNotFoundException($"no column '{name}' (columns: {string.Join(", ", Columns)})");
    }

    public int IndexOf(DateTime timestamp)
    {
        var step = Step;
        var k = step > TimeSpan.Zero ? (int)((timestamp - Timestamps[0]).Ticks / step.Ticks) : 0;
        return k >= 0 && k < Timestamps.Count && Timestamps[k] == timestamp ? k : throw new KeyNotFoundException($"{timestamp:O} is not in the series");
    }

    public static TimeSeriesTable ReadCsv(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException ex)
        {
            throw new TimeSeriesFormatException(path, 0, 0, "cannot read the file: " + ex.Message);
        }
        return Parse(lines, path);
    }

    public static TimeSeriesTable Parse(IReadOnlyList<string> lines, string file)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0 || string.IsNullOrWhiteSpace(lines[0]))
        {
            throw new TimeSeriesFormatException(file, 1, 1, "missing header line");
        }
        var header = lines[0].Split(',');
        if (header.Length < 2)
        {
            throw new TimeSeriesFormatException(file, 1, 1, "the header needs a time column and at least one value column");
        }
        var columns = header.Skip(1).Select(h => h.Trim()).ToArray();
        var times = new List<DateTime>(lines.Count);
        var values = columns.Select(_ => new List<double>(lines.Count)).ToArray();
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }
            var cells = line.Split(',');
            if (cells.Length != header.Length)
            {
                throw new TimeSeriesFormatException(file, i + 1, 1, $"expected {header.Length} fields, found {cells.Length}");
            }
            if (!DateTime.TryParseExact(cells[0], ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var ts))
            {
                throw new TimeSeriesFormatException(file, i + 1, 1, $"'{cells[0]}' is not a timestamp (yyyy-MM-dd HH:mm:ss)");
            }
            if (times.Count > 1 && ts - times[^1] != times[1] - times[0])
            {
                throw new TimeSeriesFormatException(file, i + 1, 1, $"irregular time step at {cells[0]}");
            }
            if (times.Count > 0 && ts <= times[^1])
            {
                throw new TimeSeriesFormatException(file, i + 1, 1, $"timestamp {cells[0]} does not increase");
            }
            times.Add(ts);
            var column = cells[0].Length + 2;
            for (var c = 1; c < cells.Length; c++)
            {
                if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                {
                    throw new TimeSeriesFormatException(file, i + 1, column, $"'{cells[c]}' in column '{columns[c - 1]}' is not a number");
                }
                values[c - 1].Add(v);
                column += cells[c].Length + 1;
            }
        }
        if (times.Count == 0)
        {
            throw new TimeSeriesFormatException(file, 2, 1, "no data rows");
        }
        return new TimeSeriesTable(times, columns, values.Select(v => v.ToArray()).ToArray());
    }
}
