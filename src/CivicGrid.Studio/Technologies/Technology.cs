using CivicGrid.Studio.Day;

namespace CivicGrid.Studio.Technologies;

/// <summary>How a technology's effect is expressed.</summary>
public enum EffectKind
{
    /// <summary>A fraction (0–1) of the minutes the person still spends on the activity.</summary>
    ShareOfActivity,

    /// <summary>Minutes per day, whatever the schedule.</summary>
    MinutesPerDay,

    /// <summary>Minutes per day of use (e.g. per work-from-home day), averaged over a 7-day week.</summary>
    MinutesPerUseDay,
}

/// <summary>A technology that saves time on one activity, with its evidence.</summary>
/// <param name="Id">Stable id used on the command line, e.g. <c>telework</c>.</param>
/// <param name="Category">The activity it takes time from.</param>
/// <param name="Kind">Whether <paramref name="DefaultEffect"/> is a share or minutes.</param>
/// <param name="DefaultEffect">Effect used when none is chosen (share 0–1, or minutes).</param>
/// <param name="EffectLow">Lowest effect the evidence supports (chosen effects must lie in [low, high]).</param>
/// <param name="EffectHigh">Highest effect the evidence supports.</param>
/// <param name="MaxMinutesPerDay">An absolute cap per day, if any (autonomous rides: ~50).</param>
/// <param name="DefaultUsesPerWeek">For <see cref="EffectKind.MinutesPerUseDay"/>: days of use per week by default.</param>
/// <param name="MaxUsesPerWeek">For <see cref="EffectKind.MinutesPerUseDay"/>: the most days per week.</param>
/// <param name="FreeShare">Fraction of the time saved that can become the person's at all (AI at work: 0).</param>
/// <param name="Evidence">Kind of evidence: <c>survey</c>, <c>expert_forecast</c>, <c>upper_bound</c>, <c>estimate</c>.</param>
/// <param name="Source">Citation and how the figure is used.</param>
public sealed record Technology(
    string Id,
    ActivityCategory Category,
    EffectKind Kind,
    double DefaultEffect,
    double EffectLow,
    double EffectHigh,
    double? MaxMinutesPerDay,
    double DefaultUsesPerWeek,
    double MaxUsesPerWeek,
    double FreeShare,
    string Evidence,
    string Source)
{
    /// <summary>Whether the number after <c>id:</c> on the command line is days of use per week (else the effect).</summary>
    public bool HasUsesPerWeek => Kind == EffectKind.MinutesPerUseDay;
}

/// <summary>How time saved is shared out: some goes back to paid work, some to care, the rest becomes free.</summary>
public sealed record SavingsPreset(string Id, double ToWorkShare, double ToCareShare, string Source);
