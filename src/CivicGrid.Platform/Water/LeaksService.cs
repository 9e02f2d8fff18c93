using System.Globalization;
using System.Text.Json;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Storage;
using CivicGrid.Water.Leaks;
using CivicGrid.Water.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CivicGrid.Platform.Water;

/// <summary>A leak alarm as recorded in the ledger: when, where (best pipe, map area, candidates) and its receipt.</summary>
public sealed record LeakAlarmView(
    string Method,
    long TimeSeconds,
    string? PipeId,
    string TriggerSensor,
    double? CentreX,
    double? CentreY,
    double? Radius,
    IReadOnlyList<string> AreaPipes,
    double EstimatedLeakLitersPerSecond,
    DecisionReceipt Receipt);

/// <summary>The demo scenario's true leak, shown next to the alarms.</summary>
public sealed record LeakTruthView(string PipeId, string Profile, long StartSeconds, long EndSeconds, double PeakLitersPerSecond);

/// <summary>A detection run: the scenario (when simulated), the alarms recorded and how they score against the truth.</summary>
public sealed record LeakRunView(string Source, int Seed, int Samples, IReadOnlyList<string> Sensors, IReadOnlyList<LeakTruthView> Leaks, IReadOnlyList<LeakAlarmView> Alarms, double? ScoreEuro, int? TruePositives);

/// <summary>
/// Leak monitoring of the demo city's water network: a replay simulates sensor data (demand uncertainty, noisy
/// pressure sensors at greedily placed junctions, inlet flows, tank levels) with a leak, the combined detector
/// (model residuals + data-driven regression, CUSUM) raises alarms, and each alarm is appended to the ledger as a
/// <see cref="DecisionKind.LeakAlarm"/> decision — a crew dispatch is an allocation of the utility's repair capacity
/// and the alarm may lead to a supply interruption, so it is published. Uploaded sensor CSVs for the demo network are
/// handled the same way. Alarms are read back from the ledger; the decision's outcome holds the alarm as JSON.
/// </summary>
public sealed class LeaksService(CityRepository city, IDecisionLog log)
{
    /// <summary>Algorithm name in the decision records.</summary>
    public const string AlgorithmName = "civicgrid.water.leaks.combined-cusum";

    /// <summary>Largest accepted sensor CSV, characters.</summary>
    public const int MaxCsvCharacters = 8 * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly Lazy<(WaterNetwork Network, IReadOnlyList<string> Sensors)> Demo = new(() =>
    {
        var network = WaterNetworkRunner.DemoNetwork();
        return (network, SensorPlacement.Greedy(network, 10).Nodes);
    });

    /// <summary>The demo network (shared, read-only).</summary>
    public static WaterNetwork DemoNetwork => Demo.Value.Network;

    /// <summary>Scenario settings of the replay: 6 days at 30-min samples, the first 3 leak-free.</summary>
    public static LeakScenarioOptions ReplayOptions => new()
    {
        DurationSeconds = 6 * 86400,
        TrainingSeconds = 3 * 86400,
        SampleStepSeconds = 1800,
        LeakCount = 1,
        MinLeakDiameterMillimetres = 15,
        MaxLeakDiameterMillimetres = 25,
        IncipientProbability = 0.3,
        RepairProbability = 0,
        PressureSensorNodes = Demo.Value.Sensors,
    };

    /// <summary>Simulates a scenario with a leak on the demo network, detects, records every alarm.</summary>
    public async Task<LeakRunView> ReplayAsync(int seed, DecisionActor actor, CancellationToken cancellationToken)
    {
        var options = ReplayOptions;
        var scenario = LeakScenarioGenerator.Generate(DemoNetwork, options, seed);
        using var csv = new StringWriter(CultureInfo.InvariantCulture);
        SensorDataCsv.Write(scenario.Data, csv);
        var result = new LeakDetector(DemoNetwork, scenario.Data, new LeakDetectorOptions { TrainingSeconds = options.TrainingSeconds }).Detect(LeakDetectionMethod.Combined);
        var alarms = await RecordAsync(result, csv.ToString(), $"replay seed {seed}", actor, cancellationToken).ConfigureAwait(false);
        var score = LeakScoring.Score(DemoNetwork, scenario, result);
        return new LeakRunView("replay", seed, scenario.Data.TimesSeconds.Count, [.. scenario.Data.Pressures.Select(p => p.ElementId)],
            [.. scenario.Leaks.Select(l => new LeakTruthView(l.PipeId, l.Profile.ToString().ToLowerInvariant(), l.StartSeconds, l.EndSeconds, Math.Round(l.PeakFlowLitersPerSecond, 3)))],
            alarms, score.ScoreEuro, score.TruePositives);
    }

    /// <summary>Detects leaks in an uploaded sensor CSV of the demo network and records every alarm.</summary>
    /// <exception cref="LeakDataFormatException">The CSV cannot be read (file, line, column, reason).</exception>
    /// <exception cref="ArgumentException">The data does not fit the demo network (unknown sensor, too short).</exception>
    public async Task<LeakRunView> DetectAsync(string csvText, string fileName, double trainingDays, DecisionActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(csvText);
        var name = string.IsNullOrWhiteSpace(fileName) ? "sensors.csv" : Path.GetFileName(fileName);
        if (csvText.Length > MaxCsvCharacters)
        {
            throw new LeakDataFormatException(name, 0, 0, $"the file is larger than {MaxCsvCharacters / (1024 * 1024)} MB");
        }
        var data = SensorDataCsv.Read(csvText, name);
        var result = new LeakDetector(DemoNetwork, data, new LeakDetectorOptions { TrainingSeconds = (long)(trainingDays * 86400) }).Detect(LeakDetectionMethod.Combined);
        var alarms = await RecordAsync(result, csvText, $"upload {name}", actor, cancellationToken).ConfigureAwait(false);
        return new LeakRunView("upload", 0, data.TimesSeconds.Count, [.. data.Pressures.Select(p => p.ElementId)], [], alarms, null, null);
    }

    /// <summary>Recorded leak alarms, newest first (read from the decision log).</summary>
    public async Task<IReadOnlyList<LeakAlarmView>> ListAlarmsAsync(int take, CancellationToken cancellationToken)
    {
        var found = new List<LeakAlarmView>();
        var skip = 0;
        const int page = 200;
        while (found.Count < take)
        {
            var batch = await log.ListAsync(null, skip, page, cancellationToken).ConfigureAwait(false);
            foreach (var receipt in batch.Where(r => r.Record.Kind == DecisionKind.LeakAlarm && r.Record.Algorithm.Name == AlgorithmName))
            {
                if (Parse(receipt) is { } view)
                {
                    found.Add(view);
                }
            }
            if (batch.Count < page)
            {
                break;
            }
            skip += page;
        }
        return [.. found.Take(take)];
    }

    private sealed record AlarmOutcome(string Method, long TimeS, string? PipeId, string Sensor, double? CentreX, double? CentreY, double? Radius, IReadOnlyList<string> AreaPipes, double EstimatedLeakLps);

    private async Task<IReadOnlyList<LeakAlarmView>> RecordAsync(LeakDetectionResult result, string input, string source, DecisionActor actor, CancellationToken cancellationToken)
    {
        if (result.Alarms.Count == 0)
        {
            return [];
        }
        var regions = await city.ListRegionsAsync(cancellationToken).ConfigureAwait(false);
        if (regions.Count == 0)
        {
            throw new InvalidDecisionException("the city has no region to record leak alarms in");
        }
        var region = regions[0].Id;
        var digest = DecisionRequest.DigestOf(input);
        var requests = result.Alarms.Select(a =>
        {
            var l = a.Localisation;
            var outcome = new AlarmOutcome(a.Method, a.TimeSeconds, l.BestPipeId, a.TriggerSensor, Round(l.CentreX), Round(l.CentreY), Round(l.RadiusCoordinateUnits), l.AreaPipes,
                l.Ranked.Count > 0 ? l.Ranked[0].EstimatedLeakLitersPerSecond : 0);
            var parameters = new Dictionary<string, string>
            {
                ["source"] = source,
                ["threshold"] = a.Threshold.ToString("R", CultureInfo.InvariantCulture),
                ["statistic"] = a.Statistic.ToString("R", CultureInfo.InvariantCulture),
            };
            return new DecisionRequest(DecisionKind.LeakAlarm, region, [.. l.AreaPipes.Select(p => "water-pipe:" + p)], actor,
                new DecisionAlgorithm(AlgorithmName, "1", parameters), digest, JsonSerializer.Serialize(outcome, Json),
                string.Create(CultureInfo.InvariantCulture, $"pressure/supply residual CUSUM {a.Statistic:F1} over threshold {a.Threshold:F1} at {a.TriggerSensor}, t = {a.TimeSeconds / 3600.0:F1} h; suspected pipe {l.BestPipeId}: send a crew to the area"));
        }).ToList();
        var receipts = await log.AppendBatchAsync(requests, cancellationToken).ConfigureAwait(false);
        return [.. receipts.Select(Parse).OfType<LeakAlarmView>()];
    }

    private static double? Round(double? v) => v is null ? null : Math.Round(v.Value, 3);

    private static LeakAlarmView? Parse(DecisionReceipt receipt)
    {
        try
        {
            var o = JsonSerializer.Deserialize<AlarmOutcome>(receipt.Record.Outcome, Json);
            return o is null ? null : new LeakAlarmView(o.Method, o.TimeS, o.PipeId, o.Sensor, o.CentreX, o.CentreY, o.Radius, o.AreaPipes ?? [], o.EstimatedLeakLps, receipt);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Registers <see cref="LeaksService"/>.</summary>
public static class LeaksPlatformExtensions
{
    /// <summary>Adds the scoped <see cref="LeaksService"/>. Call after <c>AddCivicGridPlatform</c>.</summary>
    public static IServiceCollection AddWaterLeaksPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddScoped<LeaksService>();
        return services;
    }
}
