using System.Globalization;
using CivicGrid.Studio.Day;

namespace CivicGrid.Studio.Data;

/// <summary>One OECD Time Use table (one sex): a column per country, a row per activity, minutes per day.</summary>
public sealed class OecdTimeUseTable
{
    public OecdTimeUseTable(PopulationSex sex, IReadOnlyList<CountryTimeUse> countries)
    {
        Sex = sex;
        Countries = countries;
    }

    public PopulationSex Sex { get; }

    public IReadOnlyList<CountryTimeUse> Countries { get; }

    /// <summary>The country by name (case-insensitive, surrounding spaces ignored), or null.</summary>
    public CountryTimeUse? Find(string country) =>
        Countries.FirstOrDefault(c => string.Equals(c.Country, country.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads a table from a file (UTF-8, optional byte-order mark).</summary>
    public static OecdTimeUseTable Load(string path, PopulationSex sex)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new StudioDataException(path, 0, 0, "cannot be read: " + ex.Message, ex);
        }
        return Parse(text, path, sex);
    }

    /// <summary>
    /// Parses the OECD wide layout: first row <c>Country,&lt;name&gt;,…</c>, then <c>Survey year</c>,
    /// <c>Age of reference</c> and one row per activity. Empty trailing columns are ignored; names are trimmed.
    /// </summary>
    public static OecdTimeUseTable Parse(string text, string fileName, PopulationSex sex)
    {
        var records = CsvText.Parse(text, fileName);
        if (records.Count == 0)
        {
            throw new StudioDataException(fileName, 1, 1, "the file is empty");
        }
        var header = records[0];
        if (!string.Equals(header.Fields[0].Trim(), "Country", StringComparison.OrdinalIgnoreCase))
        {
            throw new StudioDataException(fileName, header.Line, 1, $"expected 'Country' in the first cell, found '{header.Fields[0].Trim()}'");
        }
        var columns = new List<(int Index, string Name)>();
        for (var i = 1; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim();
            if (name.Length == 0)
            {
                continue;
            }
            if (columns.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new StudioDataException(fileName, header.Line, i + 1, $"country '{name}' appears twice");
            }
            columns.Add((i, name));
        }
        if (columns.Count == 0)
        {
            throw new StudioDataException(fileName, header.Line, 2, "no country columns");
        }

        var rows = new Dictionary<string, (CsvRecord Record, string[] Cells)>(StringComparer.OrdinalIgnoreCase);
        foreach (var record in records.Skip(1))
        {
            var label = record.Fields[0].Trim();
            if (label.Length == 0)
            {
                throw new StudioDataException(fileName, record.Line, 1, "row without a label");
            }
            for (var i = 1; i < record.Fields.Count; i++)
            {
                if (record.Fields[i].Trim().Length > 0 && !columns.Any(c => c.Index == i))
                {
                    throw new StudioDataException(fileName, record.Line, i + 1, $"value '{record.Fields[i].Trim()}' in a column without a country");
                }
            }
            var cells = columns.Select(c => c.Index < record.Fields.Count ? record.Fields[c.Index].Trim() : string.Empty).ToArray();
            if (!rows.TryAdd(label, (record, cells)))
            {
                throw new StudioDataException(fileName, record.Line, 1, $"row '{label}' appears twice");
            }
        }
        foreach (var required in CountryTimeUse.RequiredRows.Append("Survey year"))
        {
            if (!rows.ContainsKey(required))
            {
                throw new StudioDataException(fileName, 0, 0, $"the row '{required}' is missing");
            }
        }

        var countries = new List<CountryTimeUse>();
        for (var k = 0; k < columns.Count; k++)
        {
            var values = new Dictionary<string, double?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (label, (record, cells)) in rows)
            {
                if (label is "Survey year" or "Age of reference")
                {
                    continue;
                }
                values[label] = ParseMinutes(fileName, record, columns[k], cells[k], label);
            }
            foreach (var required in CountryTimeUse.RequiredRows)
            {
                if (values[required] is null)
                {
                    var record = rows[required].Record;
                    throw new StudioDataException(fileName, record.Line, columns[k].Index + 1, $"{columns[k].Name}: '{required}' is empty");
                }
            }
            var year = rows["Survey year"].Cells[k];
            var age = rows.TryGetValue("Age of reference", out var ageRow) ? ageRow.Cells[k] : string.Empty;
            countries.Add(new CountryTimeUse(columns[k].Name, year, age, sex, values));
        }
        return new OecdTimeUseTable(sex, countries);
    }

    private static double? ParseMinutes(string fileName, CsvRecord record, (int Index, string Name) column, string cell, string label)
    {
        if (cell.Length == 0)
        {
            return null;
        }
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new StudioDataException(fileName, record.Line, column.Index + 1, $"{column.Name}, '{label}': '{cell}' is not a number");
        }
        if (value < 0 || value > ActivityTaxonomy.DayMinutes)
        {
            throw new StudioDataException(fileName, record.Line, column.Index + 1,
                string.Create(CultureInfo.InvariantCulture, $"{column.Name}, '{label}': {value} is outside 0–1,440 minutes"));
        }
        return value;
    }
}
