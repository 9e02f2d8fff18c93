using System.Globalization;

namespace CivicGrid.Mobility.Inputs;

/// <summary>
/// One data row of a small comma-separated input: its fields, its 1-based line, and typed accessors that report a bad
/// field with file, line, column and the column's name. Blank lines and lines starting with <c>#</c> are skipped;
/// the first remaining line is the header and must name the expected columns in order (extra columns are allowed
/// only where the reader says so).
/// </summary>
internal sealed class CsvRow
{
    private readonly string[] _fields;
    private readonly int[] _columns;
    private readonly string[] _header;

    private CsvRow(string file, int line, string[] fields, int[] columns, string[] header)
    {
        File = file;
        Line = line;
        _fields = fields;
        _columns = columns;
        _header = header;
    }

    public string File { get; }

    public int Line { get; }

    public int Count => _fields.Length;

    /// <summary>Reads every data row of <paramref name="reader"/>, checking the header against <paramref name="expected"/>.</summary>
    public static List<CsvRow> ReadAll(TextReader reader, string file, IReadOnlyList<string> expected, int optionalTrailing = 0)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new List<CsvRow>();
        string[]? header = null;
        var lineNumber = 0;
        while (reader.ReadLine() is { } text)
        {
            lineNumber++;
            var trimmed = text.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }
            var (fields, columns) = Split(text);
            if (header is null)
            {
                header = fields.Select(f => f.ToLowerInvariant()).ToArray();
                var required = expected.Count - optionalTrailing;
                if (header.Length < required || header.Length > expected.Count)
                {
                    throw new MobilityInputFormatException(file, lineNumber, 1,
                        $"the header must be '{string.Join(',', expected)}'" + (optionalTrailing > 0 ? $" (the last {optionalTrailing} optional)" : string.Empty));
                }
                for (var c = 0; c < header.Length; c++)
                {
                    if (header[c] != expected[c])
                    {
                        throw new MobilityInputFormatException(file, lineNumber, columns[c], $"column {c + 1} of the header must be '{expected[c]}', not '{fields[c]}'");
                    }
                }
                continue;
            }
            if (fields.Length != header.Length)
            {
                throw new MobilityInputFormatException(file, lineNumber, 1, $"expected {header.Length} fields, found {fields.Length}");
            }
            rows.Add(new CsvRow(file, lineNumber, fields, columns, header));
        }
        if (header is null)
        {
            throw new MobilityInputFormatException(file, 0, 0, $"the file is empty: expected the header '{string.Join(',', expected)}'");
        }
        return rows;
    }

    public string Text(int index)
    {
        var value = _fields[index];
        return value.Length == 0 ? throw Error(index, "must not be empty") : value;
    }

    public string? OptionalText(int index) => index < _fields.Length && _fields[index].Length > 0 ? _fields[index] : null;

    public double Number(int index, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        if (!double.TryParse(_fields[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw Error(index, $"'{_fields[index]}' is not a number");
        }
        return value < min || value > max ? throw Error(index, $"{value.ToString(CultureInfo.InvariantCulture)} is outside [{Bound(min)}, {Bound(max)}]") : value;
    }

    public int Integer(int index, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!int.TryParse(_fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(index, $"'{_fields[index]}' is not an integer");
        }
        return value < min || value > max ? throw Error(index, $"{value} is outside [{min}, {max}]") : value;
    }

    public MobilityInputFormatException Error(int index, string reason) =>
        new(File, Line, _columns[Math.Min(index, _columns.Length - 1)], $"{_header[Math.Min(index, _header.Length - 1)]}: {reason}");

    private static string Bound(double value) =>
        double.IsInfinity(value) ? (value > 0 ? "∞" : "−∞") : value.ToString(CultureInfo.InvariantCulture);

    private static (string[] Fields, int[] Columns) Split(string line)
    {
        var fields = new List<string>();
        var columns = new List<int>();
        var start = 0;
        while (true)
        {
            var comma = line.IndexOf(',', start);
            var end = comma < 0 ? line.Length : comma;
            var raw = line[start..end];
            var lead = raw.Length - raw.TrimStart().Length;
            fields.Add(raw.Trim());
            columns.Add(start + lead + 1);
            if (comma < 0)
            {
                break;
            }
            start = comma + 1;
        }
        return (fields.ToArray(), columns.ToArray());
    }
}
