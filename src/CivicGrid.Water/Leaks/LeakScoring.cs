using CivicGrid.Water.Model;

namespace CivicGrid.Water.Leaks;

/// <summary>Scoring parameters of BattLeDIM 2020: maximum localisation distance, price of water, cost of a crew
/// assignment.</summary>
public sealed record LeakScoringOptions
{
    public double MaxDistanceMeters { get; init; } = 300;

    public double WaterCostPerCubicMeter { get; init; } = 0.80;

    public double CrewCost { get; init; } = 500;
}

/// <summary>How one alarm was judged: <c>MatchedPipe</c> is the true leak's pipe for a true positive;
/// <c>DistanceMeters</c> the pipe-length distance from the reported pipe to the nearest leak running at the alarm time
/// (null if none).</summary>
public sealed record ScoredAlarm(long TimeSeconds, string? ReportedPipe, bool TruePositive, string? MatchedPipe, double? DistanceMeters, double? TimeToDetectSeconds, double WaterSavedCubicMeters, double ScoreEuro);

/// <summary>Scores of one method on one scenario (or summed over several).</summary>
public sealed record LeakScore(
    string Method,
    int Leaks,
    int TruePositives,
    int FalsePositives,
    double MeanTimeToDetectHours,
    double WaterSavedCubicMeters,
    double ScoreEuro,
    double EvaluatedDays,
    IReadOnlyList<ScoredAlarm> Alarms)
{
    public double DetectionRate => Leaks == 0 ? 0 : TruePositives / (double)Leaks;

    public double FalseAlarmsPerWeek => EvaluatedDays <= 0 ? 0 : FalsePositives / EvaluatedDays * 7;

    /// <summary>Sums several scenarios' scores (time to detect averaged over the true positives).</summary>
    public static LeakScore Sum(string method, IEnumerable<LeakScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var list = scores.ToList();
        var tp = list.Sum(s => s.TruePositives);
        return new LeakScore(
            method,
            list.Sum(s => s.Leaks),
            tp,
            list.Sum(s => s.FalsePositives),
            tp == 0 ? 0 : list.Sum(s => s.MeanTimeToDetectHours * s.TruePositives) / tp,
            list.Sum(s => s.WaterSavedCubicMeters),
            list.Sum(s => s.ScoreEuro),
            list.Sum(s => s.EvaluatedDays),
            [.. list.SelectMany(s => s.Alarms)]);
    }
}

/// <summary>
/// BattLeDIM's scoring (Vrachimis et al., KIOS-Research/BattLeDIM <c>scoring_function.m</c>): an alarm is a true
/// positive when it comes while a leak is running (between its start and end) and its best pipe is within 300 m of
/// the leak's pipe, measured along the pipes between the two pipes' centres (<see cref="NetworkDistance"/>); it then
/// earns the water the leak would still have lost from the alarm to its end × 0.80 €/m³ minus (distance/300 m) × 500 €.
/// Any other alarm, or a second alarm for an already detected leak, is a false positive costing 500 €.
/// </summary>
public static class LeakScoring
{
    public static LeakScore Score(WaterNetwork network, LeakScenario scenario, LeakDetectionResult detection, LeakScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var times = scenario.Data.TimesSeconds;
        return Score(network, new LeakGroundTruth("", scenario.Seed, scenario.Data.SampleStepSeconds, scenario.TrainingSeconds, times.Count == 0 ? 0 : times[^1], scenario.Leaks), detection, options);
    }

    /// <summary>Scores alarms against a ground truth whose leak outflow series start at time 0 with its sample step.</summary>
    public static LeakScore Score(WaterNetwork network, LeakGroundTruth scenario, LeakDetectionResult detection, LeakScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(detection);
        var o = options ?? new LeakScoringOptions();
        var distance = new NetworkDistance(network);
        var step = scenario.SampleStepSeconds;
        var detected = new HashSet<int>();
        var scored = new List<ScoredAlarm>();
        var ttd = new List<double>();
        double saved = 0, total = 0;
        foreach (var alarm in detection.Alarms.OrderBy(a => a.TimeSeconds))
        {
            var reported = alarm.Localisation.BestPipeId;
            int best = -1;
            double? bestDistance = null;
            for (var i = 0; i < scenario.Leaks.Count; i++)
            {
                var leak = scenario.Leaks[i];
                if (alarm.TimeSeconds < leak.StartSeconds || alarm.TimeSeconds > leak.EndSeconds || detected.Contains(i) || reported is null)
                {
                    continue;
                }
                var d = distance.BetweenLinks(leak.PipeId, reported);
                if (bestDistance is null || d < bestDistance)
                {
                    bestDistance = d;
                    best = i;
                }
            }
            if (best >= 0 && bestDistance <= o.MaxDistanceMeters)
            {
                var leak = scenario.Leaks[best];
                detected.Add(best);
                var water = 0.0;
                for (var t = 0; t < leak.FlowLitersPerSecond.Count; t++)
                {
                    if (t * step >= alarm.TimeSeconds)
                    {
                        water += leak.FlowLitersPerSecond[t] * step / 1000.0;
                    }
                }
                var value = (water * o.WaterCostPerCubicMeter) - (bestDistance.Value / o.MaxDistanceMeters * o.CrewCost);
                saved += water;
                total += value;
                ttd.Add(alarm.TimeSeconds - leak.StartSeconds);
                scored.Add(new ScoredAlarm(alarm.TimeSeconds, reported, true, leak.PipeId, Math.Round(bestDistance.Value, 1), alarm.TimeSeconds - leak.StartSeconds, Math.Round(water, 3), Math.Round(value, 2)));
            }
            else
            {
                total -= o.CrewCost;
                scored.Add(new ScoredAlarm(alarm.TimeSeconds, reported, false, null, bestDistance is null ? null : Math.Round(bestDistance.Value, 1), null, 0, -o.CrewCost));
            }
        }
        var evaluatedDays = (scenario.DurationSeconds - scenario.TrainingSeconds) / 86400.0;
        return new LeakScore(
            detection.Method,
            scenario.Leaks.Count,
            detected.Count,
            scored.Count(s => !s.TruePositive),
            ttd.Count == 0 ? 0 : ttd.Average() / 3600.0,
            Math.Round(saved, 3),
            Math.Round(total, 2),
            Math.Max(0, evaluatedDays),
            scored);
    }
}
