using System.Security.Cryptography;
using System.Text;
using CivicGrid.Platform.DemoCity;
using CivicGrid.Studio.Day;
using CivicGrid.Studio.Population;

namespace CivicGrid.Platform.Studio;

/// <summary>
/// The demo city's residents as studio schedules, for population mode. Residents aged 15 and over are included
/// (the age range of time-use surveys). The demo city records age but not sex, so each resident is given one
/// deterministically from a hash of their id (about half each). Schedules start from the national averages by
/// sex, with two household facts applied: residents aged 65 and over have no paid work or commute, and adults in
/// households without a child under 15 do no childcare.
/// </summary>
public static class DemoCityPopulation
{
    public const int MinimumAge = 15;
    public const int RetirementAge = 65;

    public static IReadOnlyList<ResidentSchedule> Residents(int seed)
    {
        var city = DemoCityGenerator.Generate(seed);
        var withChildren = city.Residents.Where(r => r.AgeYears < MinimumAge).Select(r => r.HouseholdId).ToHashSet(StringComparer.Ordinal);
        var schedules = new List<ResidentSchedule>();
        var line = 0;
        foreach (var resident in city.Residents.Where(r => r.AgeYears >= MinimumAge).OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            var minutes = new Dictionary<ActivityCategory, double>();
            if (resident.AgeYears >= RetirementAge)
            {
                minutes[ActivityCategory.Work] = 0;
                minutes[ActivityCategory.Commute] = 0;
            }
            if (!withChildren.Contains(resident.HouseholdId))
            {
                minutes[ActivityCategory.Childcare] = 0;
            }
            schedules.Add(new ResidentSchedule(resident.Id, ++line, new ScheduleInput { Sex = SexOf(resident.Id), Age = resident.AgeYears, Minutes = minutes }));
        }
        return schedules;
    }

    /// <summary>A stable stand-in for the sex the demo city does not record: the parity of the id's SHA-256.</summary>
    public static PopulationSex SexOf(string residentId) =>
        (SHA256.HashData(Encoding.UTF8.GetBytes(residentId))[0] & 1) == 0 ? PopulationSex.Women : PopulationSex.Men;
}
