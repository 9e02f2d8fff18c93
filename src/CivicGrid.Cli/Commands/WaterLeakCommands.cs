using System.CommandLine;
using System.Globalization;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Leaks;
using CivicGrid.Water.Model;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid water leaks generate|detect|score|place-sensors</c>: leak scenarios, detection and
/// localisation, BattLeDIM scoring and pressure-sensor placement.</summary>
public static class WaterLeakCommands
{
    public static Command Build()
    {
        var leaks = new Command("leaks", "Leak scenarios (LeakDB/BattLeDIM style), detection and localisation, scoring, sensor placement");
        leaks.Subcommands.Add(BuildGenerate());
        leaks.Subcommands.Add(BuildDetect());
        leaks.Subcommands.Add(BuildScore());
        leaks.Subcommands.Add(BuildPlace());
        return leaks;
    }

    private static Argument<FileInfo> NetworkArgument() => new("network") { Description = "EPANET .inp file" };

    private static Command BuildGenerate()
    {
        var input = NetworkArgument();
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for sensors.csv, leaks.json and leaks.csv", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same scenario)", DefaultValueFactory = _ => 1 };
        var days = new Option<double>("--days") { Description = "Scenario length, days", DefaultValueFactory = _ => 14 };
        var training = new Option<double>("--training-days") { Description = "Leak-free period at the start, days", DefaultValueFactory = _ => 5 };
        var step = new Option<int>("--step") { Description = "Sample interval, seconds", DefaultValueFactory = _ => 900 };
        var count = new Option<int>("--leaks") { Description = "Number of leaks (0 for leak-free data)", DefaultValueFactory = _ => 1 };
        var sensors = new Option<int>("--sensors") { Description = "Number of pressure sensors", DefaultValueFactory = _ => 6 };
        var placement = new Option<string>("--placement") { Description = "Where pressure sensors go: random or greedy (maximum detectability)", DefaultValueFactory = _ => "random" };
        var amr = new Option<int>("--amr") { Description = "Number of AMR meters reporting consumption", DefaultValueFactory = _ => 0 };
        var noise = new Option<double>("--pressure-noise") { Description = "Pressure sensor noise (standard deviation), m", DefaultValueFactory = _ => 0.02 };
        var cmd = new Command("generate", "Simulate sensor data with leaks and demand uncertainty; write the data and the ground truth");
        cmd.Arguments.Add(input);
        foreach (var o in new Option[] { outDir, seed, days, training, step, count, sensors, placement, amr, noise })
        {
            cmd.Options.Add(o);
        }
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(input)!;
            if (!WaterCommands.TryLoad(parse, file, out var network, out var exit))
            {
                return exit;
            }
            var place = parse.GetValue(placement)!;
            if (place is not ("random" or "greedy"))
            {
                return CliOutput.Error(parse, $"--placement must be random or greedy, not '{place}'");
            }
            LeakScenario scenario;
            try
            {
                var options = new LeakScenarioOptions
                {
                    DurationSeconds = (long)(parse.GetValue(days) * 86400),
                    TrainingSeconds = (long)(parse.GetValue(training) * 86400),
                    SampleStepSeconds = parse.GetValue(step),
                    LeakCount = parse.GetValue(count),
                    PressureSensorCount = parse.GetValue(sensors),
                    AmrMeterCount = parse.GetValue(amr),
                    PressureNoiseMeters = parse.GetValue(noise),
                };
                if (place == "greedy")
                {
                    options = options with { PressureSensorNodes = SensorPlacement.Greedy(network, options.PressureSensorCount).Nodes };
                }
                scenario = LeakScenarioGenerator.Generate(network, options, parse.GetValue(seed));
            }
            catch (ArgumentException e)
            {
                return CliOutput.Error(parse, $"{file.Name}: {e.Message}");
            }
            var dir = parse.GetValue(outDir)!;
            dir.Create();
            var truth = LeakGroundTruth.From(file.Name, scenario);
            var sensorsPath = Path.Combine(dir.FullName, "sensors.csv");
            SensorDataCsv.WriteFile(scenario.Data, sensorsPath);
            File.WriteAllText(Path.Combine(dir.FullName, "leaks.json"), LeakFiles.WriteGroundTruth(truth));
            File.WriteAllText(Path.Combine(dir.FullName, "leaks.csv"), LeakFiles.WriteGroundTruthCsv(truth));
            var summary = new
            {
                network = file.Name,
                seed = scenario.Seed,
                samples = scenario.Data.TimesSeconds.Count,
                sample_step_s = scenario.Data.SampleStepSeconds,
                training_s = scenario.TrainingSeconds,
                channels = scenario.Data.Channels.Select(c => c.Column).ToList(),
                files = new[] { sensorsPath, Path.Combine(dir.FullName, "leaks.json"), Path.Combine(dir.FullName, "leaks.csv") },
                leaks = scenario.Leaks.Select(l => new { pipe_id = l.PipeId, profile = l.Profile.ToString().ToLowerInvariant(), start_s = l.StartSeconds, peak_s = l.PeakSeconds, end_s = l.EndSeconds, diameter_mm = l.DiameterMillimetres, peak_flow_lps = Math.Round(l.PeakFlowLitersPerSecond, 3), volume_m3 = Math.Round(l.VolumeCubicMeters, 1) }).ToList(),
            };
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(summary);
                return CliOutput.Ok;
            }
            var console = CliOutput.Human(parse);
            console.MarkupLine($"[bold]{Markup.Escape(file.Name)}[/], seed {scenario.Seed}: {scenario.Data.TimesSeconds.Count} samples of {scenario.Data.Channels.Count} channels → {Markup.Escape(dir.FullName)}");
            var table = new Table().AddColumns("pipe", "profile", "start (h)", "end (h)", "peak L/s", "volume m³");
            foreach (var l in scenario.Leaks)
            {
                table.AddRow(Markup.Escape(l.PipeId), l.Profile.ToString(), (l.StartSeconds / 3600.0).ToString("F1", CultureInfo.InvariantCulture), (l.EndSeconds / 3600.0).ToString("F1", CultureInfo.InvariantCulture), l.PeakFlowLitersPerSecond.ToString("F2", CultureInfo.InvariantCulture), l.VolumeCubicMeters.ToString("F0", CultureInfo.InvariantCulture));
            }
            console.Write(table);
            return CliOutput.Ok;
        });
        return cmd;
    }

    private static Command BuildDetect()
    {
        var input = NetworkArgument();
        var data = new Argument<FileInfo>("sensors") { Description = "Sensor CSV (time_s,P:<node>…,Q:<link>…,L:<tank>…)" };
        var method = new Option<string>("--method") { Description = "threshold, model, data, combined or all", DefaultValueFactory = _ => "all" };
        var training = new Option<double>("--training-days") { Description = "Leak-free period at the start of the data used for training, days", DefaultValueFactory = _ => 5 };
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the alarms (JSON) to this file, for 'leaks score'" };
        var cmd = new Command("detect", "Detect and localise leaks in sensor data against the leak-free model");
        cmd.Arguments.Add(input);
        cmd.Arguments.Add(data);
        cmd.Options.Add(method);
        cmd.Options.Add(training);
        cmd.Options.Add(outFile);
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(input)!;
            if (!WaterCommands.TryLoad(parse, file, out var network, out var exit))
            {
                return exit;
            }
            var name = parse.GetValue(method)!;
            var methods = name == "all" ? Enum.GetValues<LeakDetectionMethod>().ToList() : LeakDetector.TryParse(name, out var m) ? [m] : null;
            if (methods is null)
            {
                return CliOutput.Error(parse, $"--method must be threshold, model, data, combined or all, not '{name}'");
            }
            var dataFile = parse.GetValue(data)!;
            if (!dataFile.Exists)
            {
                return CliOutput.Error(parse, $"{dataFile.FullName}: file not found");
            }
            List<LeakDetectionResult> results;
            try
            {
                var sensorData = SensorDataCsv.ReadFile(dataFile.FullName);
                var detector = new LeakDetector(network, sensorData, new LeakDetectorOptions { TrainingSeconds = (long)(parse.GetValue(training) * 86400) });
                results = [.. methods.Select(detector.Detect)];
            }
            catch (LeakDataFormatException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            catch (ArgumentException e)
            {
                return CliOutput.Error(parse, $"{dataFile.Name}: {e.Message}");
            }
            if (parse.GetValue(outFile) is { } o)
            {
                File.WriteAllText(o.FullName, LeakFiles.WriteAlarms(results));
            }
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(results.Select(LeakFiles.ToJsonModel).ToList());
                return CliOutput.Ok;
            }
            var console = CliOutput.Human(parse);
            var table = new Table().AddColumns("method", "alarm (h)", "change from (h)", "sensor", "best pipe", "area (pipes)");
            foreach (var r in results)
            {
                if (r.Alarms.Count == 0)
                {
                    table.AddRow(r.Method, "—", "", "", "", "");
                }
                foreach (var a in r.Alarms)
                {
                    table.AddRow(r.Method, (a.TimeSeconds / 3600.0).ToString("F2", CultureInfo.InvariantCulture), (a.ChangeStartSeconds / 3600.0).ToString("F2", CultureInfo.InvariantCulture), Markup.Escape(a.TriggerSensor), Markup.Escape(a.Localisation.BestPipeId ?? "?"), Markup.Escape(string.Join(" ", a.Localisation.AreaPipes)));
                }
            }
            console.Write(table);
            return CliOutput.Ok;
        });
        return cmd;
    }

    private static Command BuildScore()
    {
        var input = NetworkArgument();
        var truth = new Argument<FileInfo>("truth") { Description = "Ground truth (leaks.json from 'leaks generate')" };
        var alarms = new Argument<FileInfo>("alarms") { Description = "Alarms (from 'leaks detect --out')" };
        var cmd = new Command("score", "Score alarms as BattLeDIM does: within the leak's window and 300 m, water saved × 0.80 €/m³ − distance penalty − 500 € per false alarm");
        cmd.Arguments.Add(input);
        cmd.Arguments.Add(truth);
        cmd.Arguments.Add(alarms);
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(input)!;
            if (!WaterCommands.TryLoad(parse, file, out var network, out var exit))
            {
                return exit;
            }
            var truthFile = parse.GetValue(truth)!;
            var alarmFile = parse.GetValue(alarms)!;
            foreach (var f in new[] { truthFile, alarmFile })
            {
                if (!f.Exists)
                {
                    return CliOutput.Error(parse, $"{f.FullName}: file not found");
                }
            }
            List<LeakScore> scores;
            try
            {
                var groundTruth = LeakFiles.ReadGroundTruth(File.ReadAllText(truthFile.FullName), truthFile.Name);
                var results = LeakFiles.ReadAlarms(File.ReadAllText(alarmFile.FullName), alarmFile.Name);
                scores = [.. results.Select(r => LeakScoring.Score(network, groundTruth, r))];
            }
            catch (LeakDataFormatException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            catch (KeyNotFoundException e)
            {
                return CliOutput.Error(parse, $"{alarmFile.Name}: {e.Message}");
            }
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(scores.Select(s => new
                {
                    method = s.Method,
                    leaks = s.Leaks,
                    true_positives = s.TruePositives,
                    false_positives = s.FalsePositives,
                    detection_rate = Math.Round(s.DetectionRate, 4),
                    mean_time_to_detect_h = Math.Round(s.MeanTimeToDetectHours, 2),
                    water_saved_m3 = s.WaterSavedCubicMeters,
                    score_eur = s.ScoreEuro,
                    false_alarms_per_week = Math.Round(s.FalseAlarmsPerWeek, 3),
                    alarms = s.Alarms,
                }).ToList());
                return CliOutput.Ok;
            }
            var table = new Table().AddColumns("method", "leaks", "TP", "FP", "time to detect (h)", "water saved m³", "score €");
            foreach (var s in scores)
            {
                table.AddRow(s.Method, s.Leaks.ToString(CultureInfo.InvariantCulture), s.TruePositives.ToString(CultureInfo.InvariantCulture), s.FalsePositives.ToString(CultureInfo.InvariantCulture), s.MeanTimeToDetectHours.ToString("F1", CultureInfo.InvariantCulture), s.WaterSavedCubicMeters.ToString("F0", CultureInfo.InvariantCulture), s.ScoreEuro.ToString("F0", CultureInfo.InvariantCulture));
            }
            CliOutput.Human(parse).Write(table);
            return CliOutput.Ok;
        });
        return cmd;
    }

    private static Command BuildPlace()
    {
        var input = NetworkArgument();
        var count = new Option<int>("--count") { Description = "Number of pressure sensors", Required = true };
        var leak = new Option<double>("--leak-lps") { Description = "Nominal leak flow for detectability, L/s", DefaultValueFactory = _ => 5 };
        var drop = new Option<double>("--min-drop") { Description = "Pressure drop a sensor can tell from noise, m", DefaultValueFactory = _ => 0.1 };
        var cmd = new Command("place-sensors", "Choose pressure-sensor junctions maximising leak detectability (lazy greedy), compared with random placement");
        cmd.Arguments.Add(input);
        cmd.Options.Add(count);
        cmd.Options.Add(leak);
        cmd.Options.Add(drop);
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(input)!;
            if (!WaterCommands.TryLoad(parse, file, out var network, out var exit))
            {
                return exit;
            }
            var k = parse.GetValue(count);
            if (k <= 0 || k > network.Junctions.Count)
            {
                return CliOutput.Error(parse, $"--count must be between 1 and {network.Junctions.Count}");
            }
            var options = new SensorPlacementOptions { NominalLeakLitersPerSecond = parse.GetValue(leak), DetectableDropMeters = parse.GetValue(drop) };
            var greedy = SensorPlacement.Greedy(network, k, options);
            var rng = new Random(1);
            var ids = network.Junctions.Select(j => j.Id).ToList();
            var random = Enumerable.Range(0, 20).Select(_ => SensorPlacement.Evaluate(network, [.. ids.OrderBy(_ => rng.Next()).Take(k)], options)).ToList();
            var result = new
            {
                network = file.Name,
                nodes = greedy.Nodes,
                candidate_leaks = greedy.CandidateLeaks,
                detectable_leaks = greedy.DetectableLeaks,
                objective = greedy.Objective,
                random_mean_detectable_leaks = Math.Round(random.Average(r => r.DetectableLeaks), 2),
                random_mean_objective = Math.Round(random.Average(r => r.Objective), 2),
            };
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(result);
                return CliOutput.Ok;
            }
            CliOutput.Human(parse).MarkupLine($"{k} sensors at [bold]{Markup.Escape(string.Join(", ", greedy.Nodes))}[/] see {greedy.DetectableLeaks} of {greedy.CandidateLeaks} candidate leaks (random placement: {result.random_mean_detectable_leaks} on average)");
            return CliOutput.Ok;
        });
        return cmd;
    }
}
