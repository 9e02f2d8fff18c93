using System.Globalization;
using CivicGrid.Studio.Day;

namespace CivicGrid.Studio.Data;

/// <summary>
/// One country's column of an OECD Time Use table (minutes per day, one sex), as published: every row label with its
/// value (null where the cell is empty).
/// </summary>
public sealed class CountryTimeUse
{
    public const string PaidWorkOrStudyRow = "Paid work or study";
    public const string UnpaidWorkRow = "Unpaid work";
    public const string PersonalCareRow = "Personal care";
    public const string LeisureRow = "Leisure";
    public const string OtherRow = "Other";
    public const string SleepRow = "sleeping";
    public const string EatingRow = "eating & drinking";
    public const string CommuteRow = "travel to and from work/study";
    public const string SchoolRow = "time in school or classes";
    public const string HomeworkRow = "research/homework";
    public const string HouseworkRow = "routine housework";
    public const string ShoppingRow = "shopping";
    public const string CareForHouseholdRow = "care for household members";
    public const string ChildCareRow = "child care";
    public const string AdultCareRow = "adult care";
    public const string CareForNonHouseholdRow = "care for non household members";

    /// <summary>Rows every country must have a value in.</summary>
    public static IReadOnlyList<string> RequiredRows { get; } =
        [PaidWorkOrStudyRow, UnpaidWorkRow, PersonalCareRow, LeisureRow, OtherRow, SleepRow, EatingRow, CommuteRow];

    private static readonly HashSet<string> G7 = new(StringComparer.OrdinalIgnoreCase)
    {
        "Canada", "France", "Germany", "Italy", "Japan", "UK", "USA",
    };

    private readonly Dictionary<string, double?> _rows;

    public CountryTimeUse(string country, string surveyYear, string ageOfReference, PopulationSex sex, IReadOnlyDictionary<string, double?> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Country = country;
        SurveyYear = surveyYear;
        AgeOfReference = ageOfReference;
        Sex = sex;
        _rows = new Dictionary<string, double?>(rows, StringComparer.OrdinalIgnoreCase);
    }

    public string Country { get; }

    /// <summary>The survey year exactly as published (e.g. <c>2016</c>, <c>2014/2015</c>; sic where the source has a typo).</summary>
    public string SurveyYear { get; }

    public string AgeOfReference { get; }

    public PopulationSex Sex { get; }

    /// <summary>Whether the country is a G7 member.</summary>
    public bool IsG7 => G7.Contains(Country);

    /// <summary>A published value by row label, null when the cell is empty or the row absent.</summary>
    public double? Value(string row) => _rows.TryGetValue(row, out var v) ? v : null;

    private double Required(string row) =>
        Value(row) ?? throw new InvalidOperationException($"{Country}: '{row}' has no value");

    /// <summary>The published value of an OECD top category.</summary>
    public double Published(OecdCategory category) => category switch
    {
        OecdCategory.PaidWorkOrStudy => Required(PaidWorkOrStudyRow),
        OecdCategory.UnpaidWork => Required(UnpaidWorkRow),
        OecdCategory.PersonalCare => Required(PersonalCareRow),
        OecdCategory.Leisure => Required(LeisureRow),
        _ => Required(OtherRow),
    };

    /// <summary>The five published top categories added up (some published columns do not make 1,440).</summary>
    public double PublishedTotal => Enum.GetValues<OecdCategory>().Sum(Published);

    /// <summary>A comparison measure from the published columns (no reconciliation), as OECD tables report them.</summary>
    public double Measure(TimeMeasure measure) => measure switch
    {
        TimeMeasure.OecdLeisure => Published(OecdCategory.Leisure),
        TimeMeasure.DisposableTime => Published(OecdCategory.Leisure) + Published(OecdCategory.Other),
        _ => ActivityTaxonomy.DayMinutes - Published(OecdCategory.PaidWorkOrStudy) - Published(OecdCategory.UnpaidWork) - Required(SleepRow),
    };

    /// <summary>
    /// This average as a 1,440-minute day of Studio activities. Sub-categories the table leaves empty count as zero;
    /// what a top category holds beyond its listed parts goes to the residual activity (work, personal care, other
    /// unpaid). Where the published columns do not add up to 1,440 (USA: 1,470) all are scaled to 1,440, and where
    /// listed parts exceed their total they are scaled down to it; <paramref name="notes"/> says so.
    /// </summary>
    public DaySchedule ToSchedule(out IReadOnlyList<string> notes)
    {
        var found = new List<string>();
        var minutes = new Dictionary<ActivityCategory, double>();

        Split(OecdCategory.PaidWorkOrStudy, ActivityCategory.Work, found, minutes,
            (ActivityCategory.Commute, Required(CommuteRow)),
            (ActivityCategory.School, (Value(SchoolRow) ?? 0) + (Value(HomeworkRow) ?? 0)));

        Split(OecdCategory.PersonalCare, ActivityCategory.PersonalCare, found, minutes,
            (ActivityCategory.Sleep, Required(SleepRow)),
            (ActivityCategory.Meals, Required(EatingRow)));

        var child = Value(ChildCareRow);
        var adult = Value(AdultCareRow);
        if (child is null && adult is null)
        {
            // Tables without the split report only care for household members: count it as childcare.
            child = Value(CareForHouseholdRow);
        }
        Split(OecdCategory.UnpaidWork, ActivityCategory.OtherUnpaid, found, minutes,
            (ActivityCategory.Housework, Value(HouseworkRow) ?? 0),
            (ActivityCategory.Shopping, Value(ShoppingRow) ?? 0),
            (ActivityCategory.Childcare, child ?? 0),
            (ActivityCategory.Caregiving, (adult ?? 0) + (Value(CareForNonHouseholdRow) ?? 0)));

        minutes[ActivityCategory.FreeTime] = Published(OecdCategory.Leisure);
        minutes[ActivityCategory.Other] = Published(OecdCategory.Other);

        var total = PublishedTotal;
        if (total <= 0)
        {
            throw new InvalidOperationException($"{Country}: the published categories add up to {total}");
        }
        if (total != ActivityTaxonomy.DayMinutes)
        {
            found.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Country} ({ActivityTaxonomy.Key(Sex)}): published top categories add up to {total:0.#} min; scaled to 1,440"));
            var factor = ActivityTaxonomy.DayMinutes / total;
            foreach (var key in minutes.Keys.ToList())
            {
                minutes[key] *= factor;
            }
        }
        // Scaling leaves a rounding error of ~1e-13; give it to free time so the total is exact.
        var drift = ActivityTaxonomy.DayMinutes - minutes.Values.Sum();
        minutes[ActivityCategory.FreeTime] = Math.Max(0, minutes[ActivityCategory.FreeTime] + drift);
        notes = found;
        return DaySchedule.FromMinutes(minutes);
    }

    private void Split(OecdCategory top, ActivityCategory residual, List<string> notes, Dictionary<ActivityCategory, double> minutes,
        params (ActivityCategory Category, double Minutes)[] parts)
    {
        var total = Published(top);
        var listed = parts.Sum(p => p.Minutes);
        var factor = 1.0;
        if (listed > total)
        {
            factor = listed > 0 ? total / listed : 0;
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Country} ({ActivityTaxonomy.Key(Sex)}): listed parts of {ActivityTaxonomy.Key(top)} ({listed:0.#} min) exceed its total ({total:0.#} min); scaled down"));
        }
        foreach (var (category, value) in parts)
        {
            minutes[category] = value * factor;
        }
        minutes[residual] = Math.Max(0, total - (listed * factor));
    }
}
