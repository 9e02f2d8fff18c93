using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;

namespace CivicGrid.Studio.Simulation;

/// <summary>One country's published value on a measure.</summary>
public sealed record CountryValue(string Country, string SurveyYear, double Minutes, bool IsG7);

/// <summary>
/// Where a number of minutes sits among the countries of an OECD table on one measure: how many countries have less,
/// and the same among the G7. Countries are listed from most to least.
/// </summary>
public sealed record OecdPosition(
    TimeMeasure Measure,
    PopulationSex Sex,
    double Minutes,
    int CountriesBelow,
    int CountryCount,
    int G7Below,
    int G7Count,
    IReadOnlyList<CountryValue> Countries)
{
    /// <summary>1 + the number of countries with more minutes: 1 = at least as much as every country.</summary>
    public int Rank => Countries.Count(c => c.Minutes > Minutes) + 1;

    public static OecdPosition Compute(OecdTimeUseTable table, TimeMeasure measure, double minutes)
    {
        ArgumentNullException.ThrowIfNull(table);
        var values = table.Countries
            .Select(c => new CountryValue(c.Country, c.SurveyYear, c.Measure(measure), c.IsG7))
            .OrderByDescending(v => v.Minutes)
            .ThenBy(v => v.Country, StringComparer.Ordinal)
            .ToList();
        return new OecdPosition(
            measure,
            table.Sex,
            minutes,
            values.Count(v => v.Minutes < minutes),
            values.Count,
            values.Count(v => v.IsG7 && v.Minutes < minutes),
            values.Count(v => v.IsG7),
            values);
    }

    /// <summary>The position on every measure for one day.</summary>
    public static IReadOnlyList<OecdPosition> ForDay(OecdTimeUseTable table, DaySchedule day)
    {
        ArgumentNullException.ThrowIfNull(day);
        return Enum.GetValues<TimeMeasure>().Select(m => Compute(table, m, day.Measure(m))).ToList();
    }
}
