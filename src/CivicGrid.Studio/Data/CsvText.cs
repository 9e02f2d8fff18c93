using System.Text;

namespace CivicGrid.Studio.Data;

/// <summary>One CSV record with the 1-based line it starts on.</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// A small RFC 4180 reader: quoted fields with commas, doubled quotes and line breaks; a leading byte-order mark is
/// dropped. An unterminated quote is an error naming the line it opened on.
/// </summary>
public static class CsvText
{
    public static IReadOnlyList<CsvRecord> Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var quoteLine = 0;
        var quoteColumn = 0;
        var start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    quoteLine = line;
                    quoteColumn = fields.Count + 1;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    AddRecord(records, recordLine, fields);
                    fields = [];
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (quoted)
        {
            throw new StudioDataException(fileName, quoteLine, quoteColumn, "a quoted field is never closed");
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            AddRecord(records, recordLine, fields);
        }
        return records;
    }

    private static void AddRecord(List<CsvRecord> records, int line, List<string> fields)
    {
        // Blank lines carry nothing; keep them out so callers need not special-case them.
        if (fields.Count == 1 && fields[0].Trim().Length == 0)
        {
            return;
        }
        records.Add(new CsvRecord(line, fields));
    }
}
