using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using CivicGrid.Studio.Simulation;

namespace CivicGrid.Studio.Population;

/// <summary>One resident's outcome.</summary>
public sealed record ResidentOutcome(string Id, PopulationSex Sex, string AgeGroup, double DisposableBefore, double DisposableAfter, double GrossSavedMinutes, double FreeGainedMinutes);

/// <summary>Summary of free minutes gained per day in one group.</summary>
public sealed record GroupDistribution(
    PopulationSex Sex,
    string AgeGroup,
    int Residents,
    double MeanFreeGained,
    double P10FreeGained,
    double MedianFreeGained,
    double P90FreeGained,
    double MeanGrossSaved,
    double MeanDisposableBefore,
    double MeanDisposableAfter);

/// <summary>Outcomes per resident, the distribution per sex × age group, per sex, and overall.</summary>
public sealed record PopulationResult(
    IReadOnlyList<ResidentOutcome> Residents,
    IReadOnlyList<GroupDistribution> Groups,
    IReadOnlyList<GroupDistribution> BySex,
    GroupDistribution Overall);

/// <summary>Applies one scenario to every resident of a population and summarises the distribution.</summary>
public sealed class PopulationSimulator
{
    public const string AllAges = "all";

    private readonly DisposableTimeSimulator _simulator;
    private readonly TimeUseReferenceData? _data;

    public PopulationSimulator(DisposableTimeSimulator simulator, TimeUseReferenceData? data)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        _simulator = simulator;
        _data = data;
    }

    /// <summary>Ten-year age groups as text keys: <c>15_24</c> … <c>65_plus</c>, <c>under_15</c>, <c>unknown</c>.</summary>
    public static string AgeGroup(int? age) => age switch
    {
        null => "unknown",
        < 15 => "under_15",
        < 25 => "15_24",
        < 35 => "25_34",
        < 45 => "35_44",
        < 55 => "45_54",
        < 65 => "55_64",
        _ => "65_plus",
    };

    /// <summary>Runs every resident; a resident whose schedule cannot be completed fails the run with its line.</summary>
    public PopulationResult Run(IReadOnlyList<ResidentSchedule> residents, Scenario scenario, string fileName = "population")
    {
        ArgumentNullException.ThrowIfNull(residents);
        ArgumentNullException.ThrowIfNull(scenario);
        var outcomes = new List<ResidentOutcome>(residents.Count);
        foreach (var resident in residents)
        {
            CompletedSchedule completed;
            try
            {
                completed = ScheduleCompletion.Complete(resident.Input, _data, fileName);
            }
            catch (StudioDataException ex)
            {
                throw new StudioDataException(fileName, resident.Line, 0, $"resident '{resident.Id}': {ex.Reason}", ex);
            }
            var result = _simulator.Run(completed.Day, scenario);
            outcomes.Add(new ResidentOutcome(
                resident.Id,
                resident.Input.Sex,
                AgeGroup(resident.Input.Age),
                result.Before.Measure(TimeMeasure.DisposableTime),
                result.After.Measure(TimeMeasure.DisposableTime),
                result.GrossSavedMinutes,
                result.FreeGainedMinutes));
        }
        var groups = outcomes
            .GroupBy(o => (o.Sex, o.AgeGroup))
            .OrderBy(g => g.Key.Sex)
            .ThenBy(g => g.Key.AgeGroup, StringComparer.Ordinal)
            .Select(g => Summarise(g.Key.Sex, g.Key.AgeGroup, g.ToList()))
            .ToList();
        var bySex = outcomes
            .GroupBy(o => o.Sex)
            .OrderBy(g => g.Key)
            .Select(g => Summarise(g.Key, AllAges, g.ToList()))
            .ToList();
        return new PopulationResult(outcomes, groups, bySex, Summarise(PopulationSex.Total, AllAges, outcomes));
    }

    private static GroupDistribution Summarise(PopulationSex sex, string ageGroup, List<ResidentOutcome> outcomes)
    {
        if (outcomes.Count == 0)
        {
            return new GroupDistribution(sex, ageGroup, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        var gains = outcomes.Select(o => o.FreeGainedMinutes).Order().ToArray();
        return new GroupDistribution(
            sex,
            ageGroup,
            outcomes.Count,
            gains.Average(),
            Quantile(gains, 0.10),
            Quantile(gains, 0.50),
            Quantile(gains, 0.90),
            outcomes.Average(o => o.GrossSavedMinutes),
            outcomes.Average(o => o.DisposableBefore),
            outcomes.Average(o => o.DisposableAfter));
    }

    /// <summary>Linear interpolation between order statistics (the common "type 7" definition).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("no values", nameof(sorted));
        }
        var h = (sorted.Count - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
