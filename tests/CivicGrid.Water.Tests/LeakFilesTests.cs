using CivicGrid.Water.Leaks;
using Xunit;

namespace CivicGrid.Water.Tests;

/// <summary>The sensor CSV, ground-truth and alarm files: round trips and malformed input.</summary>
public class LeakFilesTests
{
    private static LeakScenario Small() => LeakScenarioGenerator.Generate(LeakScenarioTests.Net("Net1.inp"), LeakScenarioTests.Short with { AmrMeterCount = 2 }, 4);

    [Fact]
    public void Sensor_csv_round_trips_every_channel()
    {
        var s = Small();
        using var w = new StringWriter();
        SensorDataCsv.Write(s.Data, w);
        var back = SensorDataCsv.Read(w.ToString(), "x.csv");
        Assert.Equal(s.Data.TimesSeconds, back.TimesSeconds);
        Assert.Equal(s.Data.Channels.Select(c => c.Column), back.Channels.Select(c => c.Column));
        Assert.Contains(back.Channels, c => c.Kind == SensorKind.Demand);
        Assert.Contains(back.Channels, c => c.Kind == SensorKind.Level);
        for (var i = 0; i < back.Channels.Count; i++)
        {
            for (var t = 0; t < back.TimesSeconds.Count; t++)
            {
                Assert.Equal(s.Data.Channels[i].Values[t], back.Channels[i].Values[t], 4);
            }
        }
    }

    [Theory]
    [InlineData("", 1, 0, "empty file")]
    [InlineData("time,P:1\n0,1\n", 1, 1, "first column")]
    [InlineData("time_s,X:1\n0,1\n", 1, 2, "not P:")]
    [InlineData("time_s,P:1,P:1\n0,1,2\n", 1, 3, "duplicate column")]
    [InlineData("time_s,P:1\n0,1\n900,1,2\n", 3, 0, "3 fields")]
    [InlineData("time_s,P:1\n0,1\n900,abc\n", 3, 2, "'abc' is not a number")]
    [InlineData("time_s,P:1\n0,1\n0,2\n", 3, 1, "does not increase")]
    [InlineData("time_s,P:1\n-5,1\n", 2, 1, "non-negative")]
    [InlineData("time_s,P:1\n", 1, 0, "no data rows")]
    public void Malformed_sensor_csv_names_file_line_column_and_reason(string text, int line, int column, string reason)
    {
        var e = Assert.Throws<LeakDataFormatException>(() => SensorDataCsv.Read(text, "bad.csv"));
        Assert.Equal("bad.csv", e.FileName);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"bad.csv:{line}:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ground_truth_json_round_trips_and_the_csv_has_one_line_per_leak()
    {
        var s = LeakScenarioGenerator.Generate(LeakScenarioTests.Net("Net1.inp"), LeakScenarioTests.Short with { LeakCount = 2 }, 9);
        var truth = LeakGroundTruth.From("Net1.inp", s);
        var back = LeakFiles.ReadGroundTruth(LeakFiles.WriteGroundTruth(truth), "truth.json");
        Assert.Equal(truth.Leaks.Select(l => (l.PipeId, l.Profile, l.StartSeconds, l.PeakSeconds, l.EndSeconds)), back.Leaks.Select(l => (l.PipeId, l.Profile, l.StartSeconds, l.PeakSeconds, l.EndSeconds)));
        Assert.Equal(truth.SampleStepSeconds, back.SampleStepSeconds);
        Assert.Equal(truth.Leaks[0].FlowLitersPerSecond.Count, back.Leaks[0].FlowLitersPerSecond.Count);
        var csv = LeakFiles.WriteGroundTruthCsv(truth).Trim().Split('\n');
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("pipe_id,profile,start_s", csv[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        var e = Assert.Throws<LeakDataFormatException>(() => LeakFiles.ReadGroundTruth("{\n  \"seed\": 1,\n  \"sample_step_s\": oops\n}", "t.json"));
        Assert.Equal("t.json", e.FileName);
        Assert.Equal(3, e.Line);
        var e2 = Assert.Throws<LeakDataFormatException>(() => LeakFiles.ReadGroundTruth("{\"sample_step_s\": 0, \"leaks\": []}", "t.json"));
        Assert.Contains("sample_step_s", e2.Reason, StringComparison.Ordinal);
        Assert.Throws<LeakDataFormatException>(() => LeakFiles.ReadAlarms("[{\"alarms\": 3}]", "a.json"));
    }

    [Fact]
    public void Alarms_file_keeps_time_pipe_and_method()
    {
        var result = new LeakDetectionResult("combined", 9, [new LeakAlarm("combined", 3600, 1800, 12, 9, "15", new LeakLocalisation([new PipeCandidate("20", 0.9, 3, 0)], 1, 2, 3, ["20"]))]);
        var back = LeakFiles.ReadAlarms(LeakFiles.WriteAlarms([result]), "a.json");
        var alarm = Assert.Single(Assert.Single(back).Alarms);
        Assert.Equal(3600, alarm.TimeSeconds);
        Assert.Equal("20", alarm.Localisation.BestPipeId);
        Assert.Equal("combined", back[0].Method);
    }
}
