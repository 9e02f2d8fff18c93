using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;
using CivicGrid.Water.Quality;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid water simulate|report|convert|generate</c>: EPANET-compatible hydraulics and water quality
/// on <c>.inp</c> files.</summary>
public sealed class WaterCommands : ICommandGroup
{
    public Command Build()
    {
        var water = new Command("water", "Water distribution networks: EPANET-compatible hydraulic simulation");
        water.Subcommands.Add(BuildSimulate());
        water.Subcommands.Add(BuildReport());
        water.Subcommands.Add(BuildConvert());
        water.Subcommands.Add(BuildGenerate());
        water.Subcommands.Add(WaterNgsiCommands.Build());
        water.Subcommands.Add(WaterOperationsCommands.BuildPumps());
        water.Subcommands.Add(WaterOperationsCommands.BuildSources());
        water.Subcommands.Add(WaterOperationsCommands.BuildRestrict());
        water.Subcommands.Add(WaterLeakCommands.Build());
        water.Subcommands.Add(WaterScenarioCommands.BuildFireFlow());
        water.Subcommands.Add(WaterScenarioCommands.BuildCriticality());
        return water;
    }

    /// <summary>Reads an .inp file for a water command; a missing or malformed file becomes the command's error and exit code.</summary>
    internal static bool TryLoad(ParseResult parse, FileInfo file, out WaterNetwork network, out int exit)
    {
        network = null!;
        exit = CliOutput.Ok;
        if (!file.Exists)
        {
            exit = CliOutput.Error(parse, $"{file.FullName}: file not found");
            return false;
        }
        try
        {
            network = InpReader.ReadFile(file.FullName);
            return true;
        }
        catch (InpFormatException e)
        {
            exit = CliOutput.Error(parse, e.Message);
            return false;
        }
    }

    private static bool TryCreate(ParseResult parse, WaterNetwork network, string file, out HydraulicSimulation sim, out int exit)
    {
        var ok = TryCreateWithQuality(parse, network, file, out var quality, out exit);
        sim = ok ? quality.Hydraulics : null!;
        return ok;
    }

    private static bool TryCreateWithQuality(ParseResult parse, WaterNetwork network, string file, out WaterQualitySimulation sim, out int exit)
    {
        sim = null!;
        exit = CliOutput.Ok;
        try
        {
            sim = new WaterQualitySimulation(network);
            return true;
        }
        catch (InpFormatException e)
        {
            exit = CliOutput.Error(parse, $"{file}: error {e.ErrorCode}: {e.Reason}");
            return false;
        }
    }

    private static Command BuildSimulate()
    {
        var input = new Argument<FileInfo>("network") { Description = "EPANET .inp file" };
        var series = new Option<FileInfo?>("--series") { Description = "Write pressure and flow at every hydraulic step to this CSV (file's units)" };
        var qualityOut = new Option<FileInfo?>("--quality") { Description = "Write node water quality (chemical, age in hours or trace in %) at every hydraulic step to this CSV" };
        var repeat = new Option<int>("--repeat") { Description = "Run the simulation (hydraulics and any quality analysis) this many times and report the fastest (benchmarking)", DefaultValueFactory = _ => 1 };
        var cmd = new Command("simulate", "Run an extended-period hydraulic and water-quality simulation");
        cmd.Aliases.Add("run");
        cmd.Arguments.Add(input);
        cmd.Options.Add(series);
        cmd.Options.Add(qualityOut);
        cmd.Options.Add(repeat);
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(input)!;
            if (!TryLoad(parse, file, out var network, out var exit) || !TryCreateWithQuality(parse, network, file.Name, out var quality, out exit))
            {
                return exit;
            }
            var sim = quality.Hydraulics;
            var seriesFile = parse.GetValue(series);
            var qualityFile = parse.GetValue(qualityOut);
            if (qualityFile is not null && quality.Kind == QualityType.None)
            {
                return CliOutput.Error(parse, $"{file.Name}: the network asks for no water quality analysis (set QUALITY in [OPTIONS] and a duration > 0)");
            }
            StreamWriter? csv = null;
            var net = sim.Network;
            var line = new StringBuilder();
            if (seriesFile is not null)
            {
                csv = new StreamWriter(seriesFile.FullName, false, new UTF8Encoding(false));
                line.Append("time_s");
                foreach (var id in net.NodeIdList)
                {
                    line.Append(",P:").Append(id);
                }
                foreach (var id in net.LinkIdList)
                {
                    line.Append(",Q:").Append(id);
                }
                csv.Write(line.Append('\n').ToString());
            }
            StreamWriter? qcsv = null;
            var qline = new StringBuilder();
            if (qualityFile is not null)
            {
                qcsv = new StreamWriter(qualityFile.FullName, false, new UTF8Encoding(false));
                qline.Append("time_s");
                foreach (var id in net.NodeIdList)
                {
                    qline.Append(",C:").Append(id);
                }
                qcsv.Write(qline.Append('\n').ToString());
            }
            var qualityMin = double.MaxValue;
            var qualityMax = double.MinValue;
            var watch = Stopwatch.StartNew();
            IReadOnlyList<HydraulicStepInfo> steps;
            try
            {
                steps = quality.Run(info =>
                {
                    if (quality.Kind != QualityType.None)
                    {
                        qline.Clear();
                        qline.Append(info.TimeSeconds.ToString(CultureInfo.InvariantCulture));
                        for (var n = 0; n < net.NodeCount; n++)
                        {
                            var c = quality.NodeQuality(n);
                            qualityMin = Math.Min(qualityMin, c);
                            qualityMax = Math.Max(qualityMax, c);
                            qline.Append(',').Append(c.ToString("G9", CultureInfo.InvariantCulture));
                        }
                        qcsv?.Write(qline.Append('\n').ToString());
                    }
                    if (csv is null)
                    {
                        return;
                    }
                    line.Clear();
                    line.Append(info.TimeSeconds.ToString(CultureInfo.InvariantCulture));
                    for (var n = 0; n < net.NodeCount; n++)
                    {
                        line.Append(',').Append(sim.PressureFileUnits(n).ToString("G9", CultureInfo.InvariantCulture));
                    }
                    for (var k = 0; k < net.LinkCount; k++)
                    {
                        line.Append(',').Append(sim.FlowFileUnits(k).ToString("G9", CultureInfo.InvariantCulture));
                    }
                    csv.Write(line.Append('\n').ToString());
                });
            }
            finally
            {
                csv?.Dispose();
                qcsv?.Dispose();
            }
            watch.Stop();
            var best = watch.Elapsed.TotalMilliseconds;
            for (var r = 1; r < parse.GetValue(repeat); r++)
            {
                var again = Stopwatch.StartNew();
                var rerun = new WaterQualitySimulation(network);
                rerun.Run();
                best = Math.Min(best, again.Elapsed.TotalMilliseconds);
            }
            var converged = steps.All(s => s.Converged);
            var summary = new
            {
                File = file.Name,
                Status = converged ? "converged" : "unbalanced",
                Nodes = net.NodeCount,
                Links = net.LinkCount,
                Steps = steps.Count,
                Iterations = sim.TotalIterations,
                MaxIterations = steps.Max(s => s.Iterations),
                DurationS = sim.DurationSeconds,
                ElapsedMs = best,
                FlowUnits = net.Units.FlowUnitName,
                PressureUnits = net.Units.PressureUnitName,
                Warnings = sim.Warnings.Select(w => new { TimeS = w.TimeSeconds, w.Code, w.Message, Elements = w.ElementIds.Take(20).ToArray() }).ToArray(),
                Series = seriesFile?.FullName,
                Quality = quality.Kind == QualityType.None ? null : new
                {
                    Kind = quality.Kind.ToString().ToLowerInvariant(),
                    quality.Units,
                    StepS = quality.QualityStepSeconds,
                    Min = qualityMin,
                    Max = qualityMax,
                    MassBalanceRatio = quality.MassBalance.Ratio,
                    Series = qualityFile?.FullName,
                },
            };
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(summary);
            }
            else
            {
                var console = CliOutput.Human(parse);
                var table = new Table().AddColumn("").AddColumn("");
                table.AddRow("file", Markup.Escape(file.Name));
                table.AddRow("status", converged ? "[green]converged[/]" : "[red]unbalanced[/]");
                table.AddRow("nodes / links", $"{net.NodeCount} / {net.LinkCount}");
                table.AddRow("steps / iterations", $"{steps.Count} / {sim.TotalIterations}");
                table.AddRow("elapsed", $"{best:F1} ms");
                table.AddRow("warnings", sim.Warnings.Count.ToString(CultureInfo.InvariantCulture));
                if (quality.Kind != QualityType.None)
                {
                    table.AddRow("quality", Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"{quality.Kind.ToString().ToLowerInvariant()} {qualityMin:G4}–{qualityMax:G4} {quality.Units}, mass balance {quality.MassBalance.Ratio:F4}")));
                }
                console.Write(table);
                foreach (var w in sim.Warnings.Take(10))
                {
                    console.MarkupLineInterpolated($"[yellow]t={w.TimeSeconds} s warning {w.Code}:[/] {w.Message}");
                }
            }
            return converged ? CliOutput.Ok : CliOutput.Failed;
        });
        return cmd;
    }

    private static Command BuildReport()
    {
        var input = new Argument<FileInfo>("network") { Description = "EPANET .inp file" };
        var top = new Option<int>("--top") { Description = "How many lowest-pressure junctions to list", DefaultValueFactory = _ => 10 };
        var cmd = new Command("report", "Summarise a network and its simulated pressures, flows and warnings");
        cmd.Arguments.Add(input);
        cmd.Options.Add(top);
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(input)!;
            if (!TryLoad(parse, file, out var network, out var exit) || !TryCreate(parse, network, file.Name, out var sim, out exit))
            {
                return exit;
            }
            var net = sim.Network;
            var minP = Enumerable.Repeat(double.MaxValue, net.JunctionCount).ToArray();
            var maxP = Enumerable.Repeat(double.MinValue, net.JunctionCount).ToArray();
            var maxQ = new double[net.LinkCount];
            var steps = sim.Run(_ =>
            {
                for (var n = 0; n < net.JunctionCount; n++)
                {
                    var p = sim.PressureFileUnits(n);
                    minP[n] = Math.Min(minP[n], p);
                    maxP[n] = Math.Max(maxP[n], p);
                }
                for (var k = 0; k < net.LinkCount; k++)
                {
                    maxQ[k] = Math.Max(maxQ[k], Math.Abs(sim.FlowFileUnits(k)));
                }
            });
            var energy = sim.EnergyReport();
            var lowest = Enumerable.Range(0, net.JunctionCount).OrderBy(n => minP[n]).Take(Math.Max(0, parse.GetValue(top)))
                .Select(n => new { Node = net.NodeIdList[n], MinPressure = minP[n], MaxPressure = maxP[n] }).ToArray();
            var report = new
            {
                File = file.Name,
                Title = network.Title.FirstOrDefault(),
                Junctions = network.Junctions.Count,
                Reservoirs = network.Reservoirs.Count,
                Tanks = network.Tanks.Count,
                Pipes = network.Pipes.Count,
                Pumps = network.Pumps.Count,
                Valves = network.Valves.Count,
                Controls = network.Controls.Count,
                Rules = network.Rules.Count,
                FlowUnits = net.Units.FlowUnitName,
                PressureUnits = net.Units.PressureUnitName,
                Headloss = network.Options.Headloss.ToString(),
                Steps = steps.Count,
                Iterations = sim.TotalIterations,
                Converged = steps.All(s => s.Converged),
                LowestPressures = lowest,
                Warnings = sim.Warnings.GroupBy(w => w.Code).Select(g => new { Code = g.Key, Count = g.Count(), First = g.First().Message }).ToArray(),
                Energy = energy,
            };
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(report);
                return CliOutput.Ok;
            }
            var console = CliOutput.Human(parse);
            console.MarkupLineInterpolated($"[bold]{file.Name}[/] {report.Title}");
            var t = new Table().AddColumns("junctions", "reservoirs", "tanks", "pipes", "pumps", "valves", "controls", "rules", "steps", "iterations");
            t.AddRow(report.Junctions.ToString(CultureInfo.InvariantCulture), report.Reservoirs.ToString(CultureInfo.InvariantCulture), report.Tanks.ToString(CultureInfo.InvariantCulture),
                report.Pipes.ToString(CultureInfo.InvariantCulture), report.Pumps.ToString(CultureInfo.InvariantCulture), report.Valves.ToString(CultureInfo.InvariantCulture),
                report.Controls.ToString(CultureInfo.InvariantCulture), report.Rules.ToString(CultureInfo.InvariantCulture), report.Steps.ToString(CultureInfo.InvariantCulture), report.Iterations.ToString(CultureInfo.InvariantCulture));
            console.Write(t);
            var p = new Table().AddColumns("junction", $"min pressure ({net.Units.PressureUnitName})", $"max pressure ({net.Units.PressureUnitName})");
            foreach (var row in lowest)
            {
                p.AddRow(Markup.Escape(row.Node), row.MinPressure.ToString("F2", CultureInfo.InvariantCulture), row.MaxPressure.ToString("F2", CultureInfo.InvariantCulture));
            }
            console.Write(p);
            if (energy.Pumps.Count > 0)
            {
                static string F(double x) => x.ToString("F2", CultureInfo.InvariantCulture);
                var e = new Table().AddColumns("pump", "util. %", "eff. %", $"kWh/{energy.VolumeUnit}", "avg kW", "peak kW", "cost/day");
                foreach (var pump in energy.Pumps)
                {
                    e.AddRow(Markup.Escape(pump.PumpId), F(pump.UtilizationPercent), F(pump.AverageEfficiencyPercent), F(pump.KilowattHoursPerVolume), F(pump.AverageKilowatts), F(pump.PeakKilowatts), F(pump.CostPerDay));
                }
                e.Caption($"demand charge {F(energy.DemandCharge)} · total cost/day {F(energy.TotalCostPerDay)}");
                console.Write(e);
            }
            foreach (var w in report.Warnings)
            {
                console.MarkupLineInterpolated($"[yellow]warning {w.Code}[/] ×{w.Count}: {w.First}");
            }
            return CliOutput.Ok;
        });
        return cmd;
    }

    private static Command BuildGenerate()
    {
        var kind = new Argument<string>("kind") { Description = "realistic (looped trunk + branched streets) or mesh (full grid)" };
        var size = new Argument<int>("size") { Description = "junctions (realistic) or grid side (mesh)" };
        var output = new Argument<FileInfo>("output") { Description = ".inp file to write" };
        var cmd = new Command("generate", "Write a synthetic benchmark network (24 h, GPM, Hazen-Williams)");
        cmd.Arguments.Add(kind);
        cmd.Arguments.Add(size);
        cmd.Arguments.Add(output);
        cmd.SetAction(parse =>
        {
            var n = parse.GetValue(size);
            if (n < 2)
            {
                return CliOutput.Error(parse, "size must be at least 2");
            }
            var network = parse.GetValue(kind)?.ToUpperInvariant() switch
            {
                "REALISTIC" => CivicGrid.Water.Synthetic.SyntheticNetworkGenerator.Realistic(n),
                "MESH" => CivicGrid.Water.Synthetic.SyntheticNetworkGenerator.FullMesh(n),
                _ => null,
            };
            if (network is null)
            {
                return CliOutput.Error(parse, "kind must be realistic or mesh");
            }
            var target = parse.GetValue(output)!;
            InpWriter.WriteFile(network, target.FullName);
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new { Output = target.FullName, Nodes = network.Nodes.Count(), Links = network.Links.Count });
            }
            return CliOutput.Ok;
        });
        return cmd;
    }

    private static Command BuildConvert()
    {
        var input = new Argument<FileInfo>("network") { Description = "EPANET .inp file to read" };
        var output = new Argument<FileInfo>("output") { Description = ".inp file to write (a normalised EPANET 2.3 file)" };
        var cmd = new Command("convert", "Read an .inp file and write it back in normalised EPANET 2.3 form");
        cmd.Arguments.Add(input);
        cmd.Arguments.Add(output);
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(input)!;
            if (!TryLoad(parse, file, out var network, out var exit))
            {
                return exit;
            }
            var target = parse.GetValue(output)!;
            InpWriter.WriteFile(network, target.FullName);
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new { Input = file.FullName, Output = target.FullName, Nodes = network.Nodes.Count(), Links = network.Links.Count });
            }
            else
            {
                CliOutput.Human(parse).MarkupLineInterpolated($"wrote [bold]{target.FullName}[/] ({network.Nodes.Count()} nodes, {network.Links.Count} links)");
            }
            return CliOutput.Ok;
        });
        return cmd;
    }
}
