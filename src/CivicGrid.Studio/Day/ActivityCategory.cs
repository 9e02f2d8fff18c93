namespace CivicGrid.Studio.Day;

/// <summary>
/// Activities of the day, after Japan's Survey on Time Use and Leisure Activities (STULA), plus two buckets that
/// reconcile it with OECD's tables: <see cref="OtherUnpaid"/> (volunteering, household travel, other unpaid work)
/// and <see cref="Other"/> (OECD "other": religious and civic activities, unclassified time).
/// </summary>
public enum ActivityCategory
{
    Sleep,
    PersonalCare,
    Meals,
    Commute,
    Work,
    School,
    Housework,
    Caregiving,
    Childcare,
    Shopping,
    OtherUnpaid,
    FreeTime,
    Other,
}

/// <summary>STULA's three activity tiers: physiologically necessary, obligatory, and freely disposable.</summary>
public enum StulaTier
{
    Primary,
    Secondary,
    Tertiary,
}

/// <summary>The five top categories of the OECD Time Use database.</summary>
public enum OecdCategory
{
    PaidWorkOrStudy,
    UnpaidWork,
    PersonalCare,
    Leisure,
    Other,
}

/// <summary>Whose national averages: the OECD tables give men, women and the total population.</summary>
public enum PopulationSex
{
    Total,
    Men,
    Women,
}
