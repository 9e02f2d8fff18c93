using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CivicGrid.Water.Leaks;

/// <summary>The ground truth of a scenario as stored next to its sensor CSV.</summary>
public sealed record LeakGroundTruth(string Network, int Seed, long SampleStepSeconds, long TrainingSeconds, long DurationSeconds, IReadOnlyList<LeakEvent> Leaks)
{
    public static LeakGroundTruth From(string network, LeakScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var times = scenario.Data.TimesSeconds;
        return new LeakGroundTruth(network, scenario.Seed, scenario.Data.SampleStepSeconds, scenario.TrainingSeconds, times.Count == 0 ? 0 : times[^1], scenario.Leaks);
    }
}

/// <summary>
/// Reading and writing the leak files: ground truth (JSON with every leak, its profile, times, size and outflow
/// series at the sample times; and a one-line-per-leak CSV summary) and alarms (JSON). Property names are snake_case.
/// </summary>
public static class LeakFiles
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private sealed record LeakDto(string PipeId, LeakProfile Profile, long StartS, long PeakS, long EndS, double DiameterMm, double EmitterKSi, double PeakFlowLps, double VolumeM3, IReadOnlyList<double> FlowLps);

    private sealed record TruthDto(string Network, int Seed, long SampleStepS, long TrainingS, long DurationS, IReadOnlyList<LeakDto> Leaks);

    public static string WriteGroundTruth(LeakGroundTruth truth)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var dto = new TruthDto(truth.Network, truth.Seed, truth.SampleStepSeconds, truth.TrainingSeconds, truth.DurationSeconds, [.. truth.Leaks.Select(l => new LeakDto(
            l.PipeId, l.Profile, l.StartSeconds, l.PeakSeconds, l.EndSeconds, l.DiameterMillimetres, l.PeakEmitterCoefficientSi,
            Math.Round(l.PeakFlowLitersPerSecond, 4), Math.Round(l.VolumeCubicMeters, 3), [.. l.FlowLitersPerSecond.Select(v => Math.Round(v, 4))]))]);
        return JsonSerializer.Serialize(dto, Json);
    }

    /// <summary>One line per leak: <c>pipe_id,profile,start_s,peak_s,end_s,diameter_mm,peak_flow_lps,volume_m3</c>.</summary>
    public static string WriteGroundTruthCsv(LeakGroundTruth truth)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var sb = new StringBuilder("pipe_id,profile,start_s,peak_s,end_s,diameter_mm,peak_flow_lps,volume_m3\n");
        foreach (var l in truth.Leaks)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{l.PipeId},{l.Profile.ToString().ToLowerInvariant()},{l.StartSeconds},{l.PeakSeconds},{l.EndSeconds},{l.DiameterMillimetres},{l.PeakFlowLitersPerSecond:0.####},{l.VolumeCubicMeters:0.###}\n");
        }
        return sb.ToString();
    }

    public static LeakGroundTruth ReadGroundTruth(string text, string fileName = "<input>")
    {
        var dto = Deserialize<TruthDto>(text, fileName);
        if (dto.SampleStepS <= 0)
        {
            throw new LeakDataFormatException(fileName, 1, 0, "sample_step_s must be positive");
        }
        var leaks = (dto.Leaks ?? []).Select((l, i) => l.PipeId is null
            ? throw new LeakDataFormatException(fileName, 1, 0, $"leak {i + 1} has no pipe_id")
            : new LeakEvent(l.PipeId, l.Profile, l.StartS, l.PeakS, l.EndS, l.DiameterMm, l.EmitterKSi) { FlowLitersPerSecond = l.FlowLps ?? [], VolumeCubicMeters = l.VolumeM3 }).ToList();
        return new LeakGroundTruth(dto.Network ?? "", dto.Seed, dto.SampleStepS, dto.TrainingS, dto.DurationS, leaks);
    }

    private sealed record CandidateDto(string PipeId, double Score, double EstimatedLeakLps, double DistanceM);

    private sealed record AreaDto(double? CentreX, double? CentreY, double? Radius, IReadOnlyList<string> Pipes);

    private sealed record AlarmDto(string Method, long TimeS, long ChangeStartS, string? PipeId, string Sensor, double Statistic, double Threshold, AreaDto? Area, IReadOnlyList<CandidateDto>? Candidates);

    private sealed record DetectionDto(string Method, double Threshold, IReadOnlyList<AlarmDto> Alarms);

    /// <summary>JSON objects for a detection result (also what <c>civicgrid water leaks detect --json</c> prints).</summary>
    public static object ToJsonModel(LeakDetectionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new DetectionDto(result.Method, result.Threshold, [.. result.Alarms.Select(a => new AlarmDto(
            a.Method, a.TimeSeconds, a.ChangeStartSeconds, a.Localisation.BestPipeId, a.TriggerSensor, a.Statistic, a.Threshold,
            new AreaDto(a.Localisation.CentreX, a.Localisation.CentreY, a.Localisation.RadiusCoordinateUnits, a.Localisation.AreaPipes),
            [.. a.Localisation.Ranked.Take(10).Select(c => new CandidateDto(c.PipeId, c.Score, c.EstimatedLeakLitersPerSecond, c.DistanceMeters))]))]);
    }

    public static string WriteAlarms(IReadOnlyList<LeakDetectionResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return JsonSerializer.Serialize(results.Select(ToJsonModel).ToList(), Json);
    }

    /// <summary>Reads an alarms file (a list of detection results); only what scoring needs is kept in each alarm:
    /// time, best pipe and method.</summary>
    public static IReadOnlyList<LeakDetectionResult> ReadAlarms(string text, string fileName = "<input>")
    {
        var list = Deserialize<List<DetectionDto>>(text, fileName);
        return [.. list.Select(d => new LeakDetectionResult(d.Method ?? "unknown", d.Threshold, [.. (d.Alarms ?? []).Select(a => new LeakAlarm(
            a.Method ?? d.Method ?? "unknown", a.TimeS, a.ChangeStartS, a.Statistic, a.Threshold, a.Sensor ?? "",
            new LeakLocalisation(a.PipeId is null ? [] : [new PipeCandidate(a.PipeId, 1, 0, 0)], a.Area?.CentreX, a.Area?.CentreY, a.Area?.Radius, a.Area?.Pipes ?? [])))]))];
    }

    private static T Deserialize<T>(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return JsonSerializer.Deserialize<T>(text, Json) ?? throw new LeakDataFormatException(fileName, 1, 0, "empty JSON document");
        }
        catch (JsonException e)
        {
            throw new LeakDataFormatException(fileName, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, e.Message.Split(" Path:")[0]);
        }
    }
}
