using System.Globalization;
using CivicGrid.Studio.Data;

namespace CivicGrid.Studio.Day;

/// <summary>
/// What a resident entered: minutes for some activities (the rest left blank), sex, age and the country whose national
/// averages fill the blanks.
/// </summary>
public sealed record ScheduleInput
{
    public const string DefaultCountry = "Japan";

    public PopulationSex Sex { get; init; } = PopulationSex.Total;

    public int? Age { get; init; }

    public string Country { get; init; } = DefaultCountry;

    /// <summary>Minutes for the activities the resident filled in; absent activities are blank.</summary>
    public IReadOnlyDictionary<ActivityCategory, double> Minutes { get; init; } = new Dictionary<ActivityCategory, double>();
}

/// <summary>A schedule made complete: the day, which activities came from national averages, and notes.</summary>
public sealed record CompletedSchedule(ScheduleInput Input, DaySchedule Day, IReadOnlyList<ActivityCategory> FromAverages, IReadOnlyList<string> Notes);

/// <summary>
/// Fills a resident's blanks. Blank activities take the national average for the person's sex; if free time is blank
/// it is what remains of 1,440; if free time was entered, the averaged activities are scaled to fit the rest of the
/// day. A fully entered schedule must add up to 1,440.
/// </summary>
public static class ScheduleCompletion
{
    public static CompletedSchedule Complete(ScheduleInput input, TimeUseReferenceData? data, string source = "schedule")
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (var (category, value) in input.Minutes)
        {
            if (!double.IsFinite(value) || value < 0 || value > ActivityTaxonomy.DayMinutes)
            {
                throw new StudioDataException(source, 0, 0, string.Create(CultureInfo.InvariantCulture,
                    $"{ActivityTaxonomy.Key(category)}: {value} is outside 0–1,440 minutes"));
            }
        }
        var given = input.Minutes;
        var blank = ActivityTaxonomy.All.Where(c => !given.ContainsKey(c)).ToList();
        var enteredSum = given.Values.Sum();
        var notes = new List<string>();
        var minutes = given.ToDictionary(kv => kv.Key, kv => kv.Value);

        if (blank.Count == 0)
        {
            if (Math.Abs(enteredSum - ActivityTaxonomy.DayMinutes) > DaySchedule.ToleranceMinutes)
            {
                throw new StudioDataException(source, 0, 0, string.Create(CultureInfo.InvariantCulture,
                    $"the activities add up to {enteredSum:0.##} min, not 1,440 (leave free_time blank to fill the rest of the day)"));
            }
            return new CompletedSchedule(input, DaySchedule.FromMinutes(minutes), [], notes);
        }

        var averaged = blank.Where(c => c != ActivityCategory.FreeTime).ToList();
        if (averaged.Count > 0)
        {
            if (data is null)
            {
                throw new StudioDataException(source, 0, 0,
                    $"national averages are not available to fill {string.Join(", ", averaged.Select(ActivityTaxonomy.Key))}; enter them or provide the time-use data");
            }
            var average = data.NationalAverage(input.Country, input.Sex, out var dataNotes);
            notes.AddRange(dataNotes);
            foreach (var category in averaged)
            {
                minutes[category] = average[category];
            }
        }

        if (!given.ContainsKey(ActivityCategory.FreeTime))
        {
            var rest = ActivityTaxonomy.DayMinutes - minutes.Values.Sum();
            if (rest < -DaySchedule.ToleranceMinutes)
            {
                throw new StudioDataException(source, 0, 0, string.Create(CultureInfo.InvariantCulture,
                    $"the entered minutes and national averages add up to {ActivityTaxonomy.DayMinutes - rest:0.#} min, over 1,440 by {-rest:0.#}"));
            }
            minutes[ActivityCategory.FreeTime] = Math.Max(0, rest);
        }
        else
        {
            var room = ActivityTaxonomy.DayMinutes - enteredSum;
            var averagedSum = averaged.Sum(c => minutes[c]);
            if (room < -DaySchedule.ToleranceMinutes)
            {
                throw new StudioDataException(source, 0, 0, string.Create(CultureInfo.InvariantCulture,
                    $"the entered activities add up to {enteredSum:0.##} min, over 1,440"));
            }
            if (averagedSum <= 0 && room > DaySchedule.ToleranceMinutes)
            {
                throw new StudioDataException(source, 0, 0, string.Create(CultureInfo.InvariantCulture,
                    $"{room:0.##} min of the day are not accounted for (leave free_time blank to fill the rest of the day)"));
            }
            if (averagedSum > 0)
            {
                var factor = Math.Max(0, room) / averagedSum;
                foreach (var category in averaged)
                {
                    minutes[category] *= factor;
                }
                if (Math.Abs(factor - 1) > 1e-9)
                {
                    notes.Add(string.Create(CultureInfo.InvariantCulture,
                        $"national averages for the blank activities were scaled by {factor:0.###} to fit the {room:0.#} min the entered activities leave"));
                }
            }
        }

        var drift = ActivityTaxonomy.DayMinutes - minutes.Values.Sum();
        var absorb = given.ContainsKey(ActivityCategory.FreeTime) && averaged.Count > 0
            ? averaged.OrderByDescending(c => minutes[c]).First()
            : ActivityCategory.FreeTime;
        minutes[absorb] = Math.Max(0, minutes[absorb] + drift);
        return new CompletedSchedule(input, DaySchedule.FromMinutes(minutes), blank, notes);
    }
}
