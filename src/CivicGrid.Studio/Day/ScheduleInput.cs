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
/// Fills a resident's blanks. If everything is blank the day is the national average for the person's sex. Otherwise
/// the blank activities share what the entered ones leave of 1,440 minutes in proportion to their national averages
/// (so a long working day shrinks the averaged activities, free time included, instead of overflowing the day).
/// Without national averages only free time may be blank: it is then the rest of the day. A fully entered schedule
/// must add up to 1,440.
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
        var room = ActivityTaxonomy.DayMinutes - enteredSum;

        if (blank.Count == 0)
        {
            if (Math.Abs(room) > DaySchedule.ToleranceMinutes)
            {
                throw new StudioDataException(source, 0, 0, string.Create(CultureInfo.InvariantCulture,
                    $"the activities add up to {enteredSum:0.##} min, not 1,440 (leave free_time blank to fill the rest of the day)"));
            }
            return new CompletedSchedule(input, DaySchedule.FromMinutes(minutes), [], notes);
        }
        if (room < -DaySchedule.ToleranceMinutes)
        {
            throw new StudioDataException(source, 0, 0, string.Create(CultureInfo.InvariantCulture,
                $"the entered activities add up to {enteredSum:0.##} min, over 1,440 by {-room:0.##}"));
        }
        room = Math.Max(0, room);

        if (blank.Count == 1 && blank[0] == ActivityCategory.FreeTime)
        {
            minutes[ActivityCategory.FreeTime] = room;
            return new CompletedSchedule(input, Exact(minutes, ActivityCategory.FreeTime), blank, notes);
        }
        if (data is null)
        {
            throw new StudioDataException(source, 0, 0,
                $"national averages are not available to fill {string.Join(", ", blank.Where(c => c != ActivityCategory.FreeTime).Select(ActivityTaxonomy.Key))}; enter them or provide the time-use data");
        }
        var average = data.NationalAverage(input.Country, input.Sex, out var dataNotes);
        notes.AddRange(dataNotes);
        var averagedSum = blank.Sum(c => average[c]);
        if (averagedSum <= 0)
        {
            if (room > DaySchedule.ToleranceMinutes)
            {
                throw new StudioDataException(source, 0, 0, string.Create(CultureInfo.InvariantCulture,
                    $"{room:0.##} min of the day are not accounted for (leave free_time blank to fill the rest of the day)"));
            }
            foreach (var category in blank)
            {
                minutes[category] = 0;
            }
            return new CompletedSchedule(input, Exact(minutes, ActivityCategory.FreeTime), blank, notes);
        }
        var factor = room / averagedSum;
        foreach (var category in blank)
        {
            minutes[category] = average[category] * factor;
        }
        if (Math.Abs(factor - 1) > 1e-9)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"the blank activities share the {room:0.#} min the entered ones leave, in proportion to the national averages (scaled by {factor:0.###})"));
        }
        return new CompletedSchedule(input, Exact(minutes, blank.OrderByDescending(c => minutes[c]).First()), blank, notes);
    }

    /// <summary>Moves the last floating-point drift onto one activity so the day is exactly 1,440.</summary>
    private static DaySchedule Exact(Dictionary<ActivityCategory, double> minutes, ActivityCategory absorb)
    {
        var drift = ActivityTaxonomy.DayMinutes - minutes.Values.Sum();
        minutes[absorb] = Math.Max(0, minutes[absorb] + drift);
        return DaySchedule.FromMinutes(minutes);
    }
}
