using System.Globalization;
using System.Text;
using System.Text.Json;
using CivicGrid.Studio.Data;

namespace CivicGrid.Studio.Day;

/// <summary>
/// Reads a SCHEDULE.json:
/// <code>{ "sex": "women", "age": 38, "country": "Japan", "minutes": { "sleep": 420, "work": 480, "housework": null } }</code>
/// Every field is optional; activities left out (or null) are blank. Errors name the file, line and column.
/// </summary>
public static class ScheduleJson
{
    public static ScheduleInput Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new StudioDataException(path, 0, 0, "cannot be read: " + ex.Message, ex);
        }
        return Parse(bytes, path);
    }

    public static ScheduleInput Parse(string json, string fileName) => Parse(Encoding.UTF8.GetBytes(json), fileName);

    public static ScheduleInput Parse(ReadOnlySpan<byte> utf8, string fileName)
    {
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }
        var lines = new LineIndex(utf8);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            return ReadRoot(ref reader, lines, fileName);
        }
        catch (JsonException ex)
        {
            throw new StudioDataException(fileName, (int)(ex.LineNumber ?? -1) + 1, (int)(ex.BytePositionInLine ?? -1) + 1,
                "not valid JSON: " + ex.Message.Split(" LineNumber:", 2)[0], ex);
        }
    }

    private static ScheduleInput ReadRoot(ref Utf8JsonReader reader, LineIndex lines, string file)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error(ref reader, lines, file, "expected a JSON object");
        }
        var input = new ScheduleInput();
        var minutes = new Dictionary<ActivityCategory, double>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "sex":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }
                    if (reader.TokenType != JsonTokenType.String || !ActivityTaxonomy.TryParseSex(reader.GetString()!, out var sex))
                    {
                        throw Error(ref reader, lines, file, "'sex' must be \"total\", \"men\" or \"women\"");
                    }
                    input = input with { Sex = sex };
                    break;
                case "age":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var age) || age < 0 || age > 130)
                    {
                        throw Error(ref reader, lines, file, "'age' must be a whole number of years between 0 and 130");
                    }
                    input = input with { Age = age };
                    break;
                case "country":
                    if (reader.TokenType != JsonTokenType.String || string.IsNullOrWhiteSpace(reader.GetString()))
                    {
                        throw Error(ref reader, lines, file, "'country' must be a country name, e.g. \"Japan\"");
                    }
                    input = input with { Country = reader.GetString()!.Trim() };
                    break;
                case "minutes":
                    ReadMinutes(ref reader, lines, file, minutes);
                    break;
                default:
                    throw Error(ref reader, lines, file, $"unknown field '{name}' (expected sex, age, country, minutes)");
            }
        }
        return input with { Minutes = minutes };
    }

    private static void ReadMinutes(ref Utf8JsonReader reader, LineIndex lines, string file, Dictionary<ActivityCategory, double> minutes)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error(ref reader, lines, file, "'minutes' must be an object of activity: minutes");
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            if (!ActivityTaxonomy.TryParse(key, out var category))
            {
                throw Error(ref reader, lines, file,
                    $"unknown activity '{key}' (one of {string.Join(", ", ActivityTaxonomy.All.Select(ActivityTaxonomy.Key))})");
            }
            if (minutes.ContainsKey(category))
            {
                throw Error(ref reader, lines, file, $"activity '{key}' appears twice");
            }
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                throw Error(ref reader, lines, file, $"'{key}' must be a number of minutes or null");
            }
            if (value < 0 || value > ActivityTaxonomy.DayMinutes)
            {
                throw Error(ref reader, lines, file, string.Create(CultureInfo.InvariantCulture, $"'{key}': {value} is outside 0–1,440 minutes"));
            }
            minutes[category] = value;
        }
    }

    private static StudioDataException Error(ref Utf8JsonReader reader, LineIndex lines, string file, string reason)
    {
        var (line, column) = lines.Locate(reader.TokenStartIndex);
        return new StudioDataException(file, line, column, reason);
    }

    /// <summary>Turns a byte offset into a 1-based line and column.</summary>
    private sealed class LineIndex
    {
        private readonly List<long> _starts = [0];

        public LineIndex(ReadOnlySpan<byte> utf8)
        {
            for (var i = 0; i < utf8.Length; i++)
            {
                if (utf8[i] == (byte)'\n')
                {
                    _starts.Add(i + 1);
                }
            }
        }

        public (int Line, int Column) Locate(long offset)
        {
            var index = _starts.BinarySearch(offset);
            if (index < 0)
            {
                index = ~index - 1;
            }
            return (index + 1, (int)(offset - _starts[index]) + 1);
        }
    }
}
