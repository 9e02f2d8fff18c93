using CivicGrid.Water.Leaks;
using Xunit;

namespace CivicGrid.Water.Tests;

/// <summary>
/// Detection, localisation and BattLeDIM scoring on generated Net3 scenarios (10 days, 15-min samples, 5 leak-free
/// training days, 8 pressure sensors, inlet flows and tank levels, the generator's default noise).
/// </summary>
public class LeakDetectionTests
{
    private static readonly LeakScenarioOptions Scenario = new()
    {
        DurationSeconds = 10 * 86400,
        TrainingSeconds = 5 * 86400,
        PressureSensorCount = 8,
    };

    private static readonly LeakDetectorOptions Detector = new() { TrainingSeconds = 5 * 86400 };

    [Fact]
    public void Combined_method_beats_the_threshold_baseline_on_fixed_seeds()
    {
        var net = LeakScenarioTests.Net("Net3.inp");
        var combined = new List<LeakScore>();
        var baseline = new List<LeakScore>();
        foreach (var seed in Enumerable.Range(1, 6))
        {
            var scenario = LeakScenarioGenerator.Generate(net, Scenario, seed);
            var detector = new LeakDetector(net, scenario.Data, Detector);
            combined.Add(LeakScoring.Score(net, scenario, detector.Detect(LeakDetectionMethod.Combined)));
            baseline.Add(LeakScoring.Score(net, scenario, detector.Detect(LeakDetectionMethod.Threshold)));
        }
        var c = LeakScore.Sum("combined", combined);
        var b = LeakScore.Sum("threshold", baseline);
        Assert.True(c.ScoreEuro > b.ScoreEuro, $"BattLeDIM score: combined {c.ScoreEuro} € vs threshold {b.ScoreEuro} €");
        Assert.True(c.FalsePositives < b.FalsePositives, $"false positives: combined {c.FalsePositives} vs threshold {b.FalsePositives}");
    }

    [Fact]
    public void Leak_free_false_alarm_rate_stays_under_half_an_alarm_per_week()
    {
        // Bound stated in docs/water-leaks.md: at most 0.5 false alarms per week for the model, data and combined methods.
        var net = LeakScenarioTests.Net("Net3.inp");
        var scores = Enum.GetValues<LeakDetectionMethod>().Where(m => m != LeakDetectionMethod.Threshold).ToDictionary(m => m, _ => new List<LeakScore>());
        foreach (var seed in new[] { 101, 102, 103, 104 })
        {
            var scenario = LeakScenarioGenerator.Generate(net, Scenario with { LeakCount = 0 }, seed);
            var detector = new LeakDetector(net, scenario.Data, Detector);
            foreach (var (method, list) in scores)
            {
                list.Add(LeakScoring.Score(net, scenario, detector.Detect(method)));
            }
        }
        foreach (var (method, list) in scores)
        {
            var s = LeakScore.Sum(LeakDetector.Name(method), list);
            Assert.Equal(0, s.TruePositives);
            Assert.True(s.FalseAlarmsPerWeek <= 0.5, $"{method}: {s.FalseAlarmsPerWeek:F2} false alarms per week");
        }
    }

    [Fact]
    public void Noise_free_abrupt_leak_is_detected_at_once_and_its_pipe_ranked_near_the_top()
    {
        var net = LeakScenarioTests.Net("Net3.inp");
        var quiet = Scenario with
        {
            IncipientProbability = 0,
            RepairProbability = 0,
            CommonDemandNoise = 0,
            NodalDemandNoise = 0,
            BaseDemandUncertainty = 0,
            PressureNoiseMeters = 0,
            PressureResolutionMeters = 0,
            LevelNoiseMeters = 0,
            FlowNoiseRelative = 0,
        };
        var found = 0;
        foreach (var seed in Enumerable.Range(1, 5))
        {
            var scenario = LeakScenarioGenerator.Generate(net, quiet, seed);
            var leak = scenario.Leaks[0];
            var result = new LeakDetector(net, scenario.Data, Detector).Detect(LeakDetectionMethod.ModelResidual);
            var alarm = Assert.Single(result.Alarms);
            Assert.InRange(alarm.TimeSeconds, leak.StartSeconds, leak.StartSeconds + (4 * 3600));
            if (alarm.Localisation.Ranked.Take(5).Any(c => c.PipeId == leak.PipeId))
            {
                found++;
            }
        }
        // Measured: 3 of 5 (the others are on branches that 8 sensors cannot tell apart from their neighbours).
        Assert.True(found >= 3, $"true pipe in the top 5 for {found} of 5 leaks");
    }

    [Fact]
    public void Scoring_follows_the_battledim_rules()
    {
        var net = LeakScenarioTests.Net("Net3.inp");
        var scenario = LeakScenarioGenerator.Generate(net, Scenario with { IncipientProbability = 0, RepairProbability = 0 }, 5);
        var leak = scenario.Leaks[0];
        var step = scenario.Data.SampleStepSeconds;
        var far = LeakNetworkTools.CandidatePipes(net).Select(p => p.Id).First(id => new NetworkDistance(net).BetweenLinks(id, leak.PipeId) > 300);
        LeakAlarm Alarm(long t, string pipe) => new("test", t, t, 1, 1, "x", new LeakLocalisation([new PipeCandidate(pipe, 1, 0, 0)], null, null, null, [pipe]));
        var at = leak.StartSeconds + (4 * step);
        var alarms = new LeakDetectionResult("test", 1, [Alarm(leak.StartSeconds - step, leak.PipeId), Alarm(at, leak.PipeId), Alarm(at + step, leak.PipeId), Alarm(at, far)]);
        var score = LeakScoring.Score(net, scenario, alarms);
        // Before the start: false; exact pipe in the window: true; the same leak again: false; 300 m away: false.
        Assert.Equal([false, true, false, false], score.Alarms.Select(a => a.TruePositive));
        var saved = leak.FlowLitersPerSecond.Select((q, i) => i * step >= at ? q * step / 1000.0 : 0.0).Sum();
        Assert.Equal(saved, score.WaterSavedCubicMeters, 0.01);
        Assert.Equal((saved * 0.8) - (3 * 500), score.ScoreEuro, 0.05);
        Assert.Equal(4 * step / 3600.0, score.MeanTimeToDetectHours, 6);
    }

    [Fact]
    public void Pipe_distance_is_measured_between_pipe_centres_along_the_network()
    {
        var net = LeakScenarioTests.Net("Net1.inp");
        var d = new NetworkDistance(net);
        // Net1 pipes 11 (11→12) and 12 (12→13) share node 12: the distance is half of each length (ft → m).
        var p11 = net.Pipes.Single(p => p.Id == "11");
        var p12 = net.Pipes.Single(p => p.Id == "12");
        Assert.Equal(0.0, d.BetweenLinks("11", "11"));
        Assert.Equal(((p11.Length / 2) + (p12.Length / 2)) * 0.3048, d.BetweenLinks("11", "12"), 6);
        Assert.Equal(d.BetweenLinks("11", "31"), d.BetweenLinks("31", "11"), 6);
    }
}
