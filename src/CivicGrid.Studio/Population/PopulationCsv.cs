using System.Globalization;
using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;

namespace CivicGrid.Studio.Population;

/// <summary>One resident's row: an id, sex, age and the activities they gave (the rest blank).</summary>
public sealed record ResidentSchedule(string Id, int Line, ScheduleInput Input);

/// <summary>
/// Reads a CSV of schedules: a header with <c>id</c>, <c>sex</c>, <c>age</c>, optionally <c>country</c>, and any of
/// the activity keys (<c>sleep</c>, <c>work</c>, <c>free_time</c>, …); one row per resident; empty cells are blank
/// and take national averages. Errors name the file, line and column.
/// </summary>
public static class PopulationCsv
{
    public static IReadOnlyList<ResidentSchedule> Load(string path)
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
        return Parse(text, path);
    }

    public static IReadOnlyList<ResidentSchedule> Parse(string text, string fileName)
    {
        var records = CsvText.Parse(text, fileName);
        if (records.Count == 0)
        {
            throw new StudioDataException(fileName, 1, 1, "the file is empty");
        }
        var header = records[0];
        int idColumn = -1, sexColumn = -1, ageColumn = -1, countryColumn = -1;
        var activities = new List<(int Column, ActivityCategory Category)>();
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim();
            switch (name.ToUpperInvariant())
            {
                case "ID":
                    idColumn = i;
                    continue;
                case "SEX":
                    sexColumn = i;
                    continue;
                case "AGE":
                    ageColumn = i;
                    continue;
                case "COUNTRY":
                    countryColumn = i;
                    continue;
            }
            if (!ActivityTaxonomy.TryParse(name, out var category))
            {
                throw new StudioDataException(fileName, header.Line, i + 1,
                    $"unknown column '{name}' (id, sex, age, country or an activity: {string.Join(", ", ActivityTaxonomy.All.Select(ActivityTaxonomy.Key))})");
            }
            if (activities.Any(a => a.Category == category))
            {
                throw new StudioDataException(fileName, header.Line, i + 1, $"column '{name}' appears twice");
            }
            activities.Add((i, category));
        }
        if (sexColumn < 0)
        {
            throw new StudioDataException(fileName, header.Line, 0, "the header has no 'sex' column");
        }
        if (ageColumn < 0)
        {
            throw new StudioDataException(fileName, header.Line, 0, "the header has no 'age' column");
        }

        var residents = new List<ResidentSchedule>();
        foreach (var record in records.Skip(1))
        {
            if (record.Fields.Count > header.Fields.Count)
            {
                throw new StudioDataException(fileName, record.Line, header.Fields.Count + 1,
                    $"{record.Fields.Count} fields, but the header has {header.Fields.Count}");
            }
            string Cell(int column) => column >= 0 && column < record.Fields.Count ? record.Fields[column].Trim() : string.Empty;

            if (!ActivityTaxonomy.TryParseSex(Cell(sexColumn), out var sex))
            {
                throw new StudioDataException(fileName, record.Line, sexColumn + 1, $"sex '{Cell(sexColumn)}' is not men, women or total");
            }
            int? age = null;
            if (Cell(ageColumn).Length > 0)
            {
                if (!int.TryParse(Cell(ageColumn), NumberStyles.Integer, CultureInfo.InvariantCulture, out var a) || a < 0 || a > 130)
                {
                    throw new StudioDataException(fileName, record.Line, ageColumn + 1, $"age '{Cell(ageColumn)}' is not a whole number between 0 and 130");
                }
                age = a;
            }
            var minutes = new Dictionary<ActivityCategory, double>();
            foreach (var (column, category) in activities)
            {
                var cell = Cell(column);
                if (cell.Length == 0)
                {
                    continue;
                }
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                {
                    throw new StudioDataException(fileName, record.Line, column + 1, $"{ActivityTaxonomy.Key(category)}: '{cell}' is not a number");
                }
                if (value < 0 || value > ActivityTaxonomy.DayMinutes)
                {
                    throw new StudioDataException(fileName, record.Line, column + 1,
                        string.Create(CultureInfo.InvariantCulture, $"{ActivityTaxonomy.Key(category)}: {value} is outside 0–1,440 minutes"));
                }
                minutes[category] = value;
            }
            var id = Cell(idColumn);
            var country = Cell(countryColumn);
            var input = new ScheduleInput
            {
                Sex = sex,
                Age = age,
                Country = country.Length > 0 ? country : ScheduleInput.DefaultCountry,
                Minutes = minutes,
            };
            residents.Add(new ResidentSchedule(id.Length > 0 ? id : "line " + record.Line.ToString(CultureInfo.InvariantCulture), record.Line, input));
        }
        return residents;
    }
}
