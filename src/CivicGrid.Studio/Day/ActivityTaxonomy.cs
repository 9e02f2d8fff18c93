using System.Collections.Frozen;

namespace CivicGrid.Studio.Day;

/// <summary>How each activity sits in STULA's tiers and in OECD's five top categories, and its stable key.</summary>
public static class ActivityTaxonomy
{
    /// <summary>Minutes in a day.</summary>
    public const double DayMinutes = 1440;

    /// <summary>Every activity, in the order the day is drawn.</summary>
    public static IReadOnlyList<ActivityCategory> All { get; } = Enum.GetValues<ActivityCategory>();

    private static readonly FrozenDictionary<ActivityCategory, string> Keys = new Dictionary<ActivityCategory, string>
    {
        [ActivityCategory.Sleep] = "sleep",
        [ActivityCategory.PersonalCare] = "personal_care",
        [ActivityCategory.Meals] = "meals",
        [ActivityCategory.Commute] = "commute",
        [ActivityCategory.Work] = "work",
        [ActivityCategory.School] = "school",
        [ActivityCategory.Housework] = "housework",
        [ActivityCategory.Caregiving] = "caregiving",
        [ActivityCategory.Childcare] = "childcare",
        [ActivityCategory.Shopping] = "shopping",
        [ActivityCategory.OtherUnpaid] = "other_unpaid",
        [ActivityCategory.FreeTime] = "free_time",
        [ActivityCategory.Other] = "other",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, ActivityCategory> ByKey =
        Keys.ToFrozenDictionary(kv => kv.Value, kv => kv.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>The snake_case key used in files, JSON and text dictionaries, e.g. <c>free_time</c>.</summary>
    public static string Key(ActivityCategory category) => Keys[category];

    /// <summary>Looks up an activity by its key (case-insensitive).</summary>
    public static bool TryParse(string key, out ActivityCategory category) => ByKey.TryGetValue(key.Trim(), out category);

    /// <summary>STULA tier of an activity.</summary>
    public static StulaTier Tier(ActivityCategory category) => category switch
    {
        ActivityCategory.Sleep or ActivityCategory.PersonalCare or ActivityCategory.Meals => StulaTier.Primary,
        ActivityCategory.FreeTime or ActivityCategory.Other => StulaTier.Tertiary,
        _ => StulaTier.Secondary,
    };

    /// <summary>OECD top category an activity is counted in.</summary>
    public static OecdCategory Oecd(ActivityCategory category) => category switch
    {
        ActivityCategory.Sleep or ActivityCategory.PersonalCare or ActivityCategory.Meals => OecdCategory.PersonalCare,
        ActivityCategory.Commute or ActivityCategory.Work or ActivityCategory.School => OecdCategory.PaidWorkOrStudy,
        ActivityCategory.Housework or ActivityCategory.Caregiving or ActivityCategory.Childcare
            or ActivityCategory.Shopping or ActivityCategory.OtherUnpaid => OecdCategory.UnpaidWork,
        ActivityCategory.FreeTime => OecdCategory.Leisure,
        _ => OecdCategory.Other,
    };

    /// <summary>The key of an OECD top category, e.g. <c>paid_work_or_study</c>.</summary>
    public static string Key(OecdCategory category) => category switch
    {
        OecdCategory.PaidWorkOrStudy => "paid_work_or_study",
        OecdCategory.UnpaidWork => "unpaid_work",
        OecdCategory.PersonalCare => "personal_care",
        OecdCategory.Leisure => "leisure",
        _ => "other",
    };

    /// <summary>The key of a STULA tier: <c>primary</c>, <c>secondary</c>, <c>tertiary</c>.</summary>
    public static string Key(StulaTier tier) => tier switch
    {
        StulaTier.Primary => "primary",
        StulaTier.Secondary => "secondary",
        _ => "tertiary",
    };

    /// <summary>The key of a sex: <c>total</c>, <c>men</c>, <c>women</c>.</summary>
    public static string Key(PopulationSex sex) => sex switch
    {
        PopulationSex.Men => "men",
        PopulationSex.Women => "women",
        _ => "total",
    };

    /// <summary>Parses <c>total</c>/<c>men</c>/<c>women</c> (also <c>male</c>/<c>female</c>, <c>m</c>/<c>f</c>).</summary>
    public static bool TryParseSex(string text, out PopulationSex sex)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "TOTAL" or "ALL" or "":
                sex = PopulationSex.Total;
                return true;
            case "MEN" or "MAN" or "MALE" or "M":
                sex = PopulationSex.Men;
                return true;
            case "WOMEN" or "WOMAN" or "FEMALE" or "F" or "W":
                sex = PopulationSex.Women;
                return true;
            default:
                sex = PopulationSex.Total;
                return false;
        }
    }
}
