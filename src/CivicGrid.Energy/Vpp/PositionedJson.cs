using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CivicGrid.Energy.Vpp;

/// <summary>
/// A JSON value that remembers where it was written (1-based line and column), so that a reader can say where a
/// semantically wrong value sits, not only where the syntax broke. System.Text.Json's DOM forgets positions.
/// </summary>
internal abstract record PositionedJson(int Line, int Column)
{
    public static PositionedJson Parse(string text, string file)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        try
        {
            if (!reader.Read())
            {
                throw new PortfolioFormatException(file, 1, 1, "the document is empty");
            }
            var root = ReadValue(ref reader, lineStarts);
            if (reader.Read())
            {
                var (l, c) = Position(lineStarts, (int)reader.TokenStartIndex);
                throw new PortfolioFormatException(file, l, c, "unexpected content after the end of the document");
            }
            return root;
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            var reason = ex.Message.Split(" LineNumber", 2)[0].Split(" Path:", 2)[0].TrimEnd('.', ' ');
            throw new PortfolioFormatException(file, line, column, "invalid JSON: " + reason);
        }
    }

    private static (int Line, int Column) Position(List<int> lineStarts, int offset)
    {
        var index = lineStarts.BinarySearch(offset);
        if (index < 0)
        {
            index = ~index - 1;
        }
        return (index + 1, offset - lineStarts[index] + 1);
    }

    private static PositionedJson ReadValue(ref Utf8JsonReader reader, List<int> lineStarts)
    {
        var (line, column) = Position(lineStarts, (int)reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var members = new List<KeyValuePair<string, PositionedJson>>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    members.Add(new(name, ReadValue(ref reader, lineStarts)));
                }
                return new JsonObjectValue(line, column, members);
            }
            case JsonTokenType.StartArray:
            {
                var items = new List<PositionedJson>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, lineStarts));
                }
                return new JsonArrayValue(line, column, items);
            }
            case JsonTokenType.Number:
                return new JsonNumberValue(line, column, reader.GetDouble());
            case JsonTokenType.String:
                return new JsonStringValue(line, column, reader.GetString()!);
            case JsonTokenType.True:
            case JsonTokenType.False:
                return new JsonBoolValue(line, column, reader.GetBoolean());
            case JsonTokenType.Null:
                return new JsonNullValue(line, column);
            default:
                throw new JsonException("unexpected token " + reader.TokenType.ToString(), null, line - 1, column - 1);
        }
    }

    public abstract string Kind { get; }
}

internal sealed record JsonObjectValue(int Line, int Column, List<KeyValuePair<string, PositionedJson>> Members) : PositionedJson(Line, Column)
{
    public override string Kind => "an object";

    public PositionedJson? Get(string name)
    {
        foreach (var m in Members)
        {
            if (m.Key == name)
            {
                return m.Value;
            }
        }
        return null;
    }
}

internal sealed record JsonArrayValue(int Line, int Column, List<PositionedJson> Items) : PositionedJson(Line, Column)
{
    public override string Kind => "an array";
}

internal sealed record JsonNumberValue(int Line, int Column, double Value) : PositionedJson(Line, Column)
{
    public override string Kind => "the number " + Value.ToString(CultureInfo.InvariantCulture);
}

internal sealed record JsonStringValue(int Line, int Column, string Value) : PositionedJson(Line, Column)
{
    public override string Kind => "a string";
}

internal sealed record JsonBoolValue(int Line, int Column, bool Value) : PositionedJson(Line, Column)
{
    public override string Kind => Value ? "true" : "false";
}

internal sealed record JsonNullValue(int Line, int Column) : PositionedJson(Line, Column)
{
    public override string Kind => "null";
}
