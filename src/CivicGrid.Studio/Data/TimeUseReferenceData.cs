using CivicGrid.Studio.Day;

namespace CivicGrid.Studio.Data;

/// <summary>The OECD Time Use tables for the total population, men and women, read from a folder.</summary>
public sealed class TimeUseReferenceData
{
    public TimeUseReferenceData(OecdTimeUseTable total, OecdTimeUseTable men, OecdTimeUseTable women)
    {
        ArgumentNullException.ThrowIfNull(total);
        ArgumentNullException.ThrowIfNull(men);
        ArgumentNullException.ThrowIfNull(women);
        Total = total;
        Men = men;
        Women = women;
    }

    public OecdTimeUseTable Total { get; }

    public OecdTimeUseTable Men { get; }

    public OecdTimeUseTable Women { get; }

    /// <summary>File name of the table for one sex, e.g. <c>oecd_time_use_women.csv</c>.</summary>
    public static string FileName(PopulationSex sex) => $"oecd_time_use_{ActivityTaxonomy.Key(sex)}.csv";

    public OecdTimeUseTable Table(PopulationSex sex) => sex switch
    {
        PopulationSex.Men => Men,
        PopulationSex.Women => Women,
        _ => Total,
    };

    /// <summary>Reads <c>oecd_time_use_{total,men,women}.csv</c> from <paramref name="folder"/> (e.g. <c>shared/data/studio</c>).</summary>
    public static TimeUseReferenceData LoadFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        OecdTimeUseTable Read(PopulationSex sex)
        {
            var path = Path.Combine(folder, FileName(sex));
            if (!File.Exists(path))
            {
                throw new StudioDataException(path, 0, 0, "file not found");
            }
            return OecdTimeUseTable.Load(path, sex);
        }
        return new TimeUseReferenceData(Read(PopulationSex.Total), Read(PopulationSex.Men), Read(PopulationSex.Women));
    }

    /// <summary>A national average day for one sex, with notes on any reconciliation the published figures needed.</summary>
    public DaySchedule NationalAverage(string country, PopulationSex sex, out IReadOnlyList<string> notes)
    {
        var entry = Table(sex).Find(country)
            ?? throw new StudioDataException($"no OECD time-use data for '{country}' ({ActivityTaxonomy.Key(sex)})");
        return entry.ToSchedule(out notes);
    }
}
