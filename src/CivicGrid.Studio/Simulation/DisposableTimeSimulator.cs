using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using CivicGrid.Studio.Technologies;

namespace CivicGrid.Studio.Simulation;

/// <summary>
/// Applies technologies to a day. Each technology takes time from one activity, never more than the person has left
/// in it (earlier technologies in catalogue order act first); part of what is saved may go back to paid work and to
/// care (the preset, and a technology's own free share), the rest becomes free time. The day stays 1,440 minutes and
/// no activity goes below zero.
/// </summary>
public sealed class DisposableTimeSimulator
{
    private readonly TechnologyCatalogue _catalogue;

    public DisposableTimeSimulator(TechnologyCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        _catalogue = catalogue;
    }

    public SimulationResult Run(DaySchedule before, Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(scenario);
        var preset = _catalogue.FindPreset(scenario.PresetId)
            ?? throw new StudioDataException($"unknown preset '{scenario.PresetId}' (known: {string.Join(", ", _catalogue.Presets.Select(p => p.Id))})");
        var chosen = new Dictionary<string, TechnologyChoice>(StringComparer.OrdinalIgnoreCase);
        foreach (var choice in scenario.Choices)
        {
            var technology = _catalogue.Find(choice.Id)
                ?? throw new StudioDataException($"unknown technology '{choice.Id}'");
            Scenario.Validate(choice, technology);
            if (!chosen.TryAdd(technology.Id, choice))
            {
                throw new StudioDataException($"technology '{technology.Id}' is picked twice");
            }
        }

        var minutes = before.Minutes.ToDictionary(kv => kv.Key, kv => kv.Value);
        var notes = new List<string>();
        var contributions = new List<TechnologyContribution>();
        var freeReturns = 0.0;
        var workReturns = new Dictionary<ActivityCategory, double>();
        var careReturns = 0.0;

        foreach (var technology in _catalogue.Technologies)
        {
            if (!chosen.TryGetValue(technology.Id, out var choice))
            {
                continue;
            }
            var available = minutes[technology.Category];
            var (asked, effect, uses) = Asked(technology, choice, available);
            var capByLimit = false;
            if (technology.MaxMinutesPerDay is { } limit && asked > limit)
            {
                asked = limit;
                capByLimit = true;
            }
            var capByOwn = asked > available + DaySchedule.ToleranceMinutes;
            var saved = Math.Min(asked, available);
            minutes[technology.Category] = available - saved;

            var freeable = saved * technology.FreeShare;
            var keptAtWork = saved - freeable;
            var toWork = keptAtWork + (freeable * preset.ToWorkShare);
            var toCare = freeable * preset.ToCareShare;
            var free = freeable - (freeable * preset.ToWorkShare) - toCare;

            // Time cannot go back to work or care the person does not do: then it stays free.
            var workTarget = WorkTarget(before, technology);
            if (workTarget is null && toWork > 0)
            {
                free += toWork;
                toWork = 0;
                notes.Add($"{technology.Id}: no paid work or study in the schedule; the share passed back to work stays free");
            }
            var careBase = before[ActivityCategory.Childcare] + before[ActivityCategory.Caregiving];
            if (careBase <= 0 && toCare > 0)
            {
                free += toCare;
                toCare = 0;
                notes.Add($"{technology.Id}: no childcare or caregiving in the schedule; the share passed to care stays free");
            }
            if (workTarget is { } target && toWork > 0)
            {
                workReturns[target] = workReturns.GetValueOrDefault(target) + toWork;
            }
            careReturns += toCare;
            freeReturns += free;
            contributions.Add(new TechnologyContribution(technology.Id, technology.Category, effect, uses, saved, toWork, toCare, free, capByOwn, capByLimit));
        }

        foreach (var (category, value) in workReturns)
        {
            minutes[category] += value;
        }
        if (careReturns > 0)
        {
            var careBase = before[ActivityCategory.Childcare] + before[ActivityCategory.Caregiving];
            minutes[ActivityCategory.Childcare] += careReturns * before[ActivityCategory.Childcare] / careBase;
            minutes[ActivityCategory.Caregiving] += careReturns * before[ActivityCategory.Caregiving] / careBase;
        }
        minutes[ActivityCategory.FreeTime] += freeReturns;

        // Moving minutes between activities keeps the sum; clear the last ulp of drift onto free time.
        var drift = ActivityTaxonomy.DayMinutes - minutes.Values.Sum();
        minutes[ActivityCategory.FreeTime] = Math.Max(0, minutes[ActivityCategory.FreeTime] + drift);
        return new SimulationResult(before, DaySchedule.FromMinutes(minutes), preset.Id, contributions, notes);
    }

    private static (double Asked, double Effect, double? Uses) Asked(Technology technology, TechnologyChoice choice, double available)
    {
        switch (technology.Kind)
        {
            case EffectKind.MinutesPerUseDay:
                var uses = choice.Value ?? technology.DefaultUsesPerWeek;
                return (technology.DefaultEffect * uses / 7, technology.DefaultEffect, uses);
            case EffectKind.MinutesPerDay:
                var minutes = choice.Value ?? technology.DefaultEffect;
                return (minutes, minutes, null);
            default:
                var share = choice.Value is { } percent ? percent / 100 : technology.DefaultEffect;
                return (share * available, share, null);
        }
    }

    private static ActivityCategory? WorkTarget(DaySchedule before, Technology technology)
    {
        if (technology.Category is ActivityCategory.Work or ActivityCategory.School && before[technology.Category] > 0)
        {
            return technology.Category;
        }
        if (before[ActivityCategory.Work] > 0)
        {
            return ActivityCategory.Work;
        }
        return before[ActivityCategory.School] > 0 ? ActivityCategory.School : null;
    }
}
