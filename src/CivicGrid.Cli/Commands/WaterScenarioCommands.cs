using System.CommandLine;
using System.Globalization;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;
using CivicGrid.Water.Scenarios;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid water fireflow</c> and <c>water criticality</c>: what-if scenarios run in parallel.</summary>
public static class WaterScenarioCommands
{
    public static Command BuildFireFlow()
    {
        var input = new Argument<FileInfo>("network") { Description = "EPANET .inp file" };
        var nodes = new Option<string>("--nodes") { Description = "Comma-separated hydrant junction ids", Required = true };
        var minPressure = new Option<double>("--min-pressure") { Description = "Lowest acceptable pressure at every junction, m", DefaultValueFactory = _ => 14.0 };
        var time = new Option<double>("--time") { Description = "Hour at which the fire flow is drawn", DefaultValueFactory = _ => 0.0 };
        var workers = new Option<int>("--workers") { Description = "Parallel workers (0 = one per core)", DefaultValueFactory = _ => 0 };
        var cmd = new Command("fireflow", "Available fire flow at hydrant nodes (bisection over steady-state solves)");
        cmd.Arguments.Add(input);
        cmd.Options.Add(nodes);
        cmd.Options.Add(minPressure);
        cmd.Options.Add(time);
        cmd.Options.Add(workers);
        cmd.SetAction((parse, ct) =>
        {
            var file = parse.GetValue(input)!;
            if (!WaterCommands.TryLoad(parse, file, out var network, out var exit))
            {
                return Task.FromResult(exit);
            }
            var ids = parse.GetValue(nodes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            FireFlowReport report;
            try
            {
                var options = new FireFlowOptions { MinimumPressureMeters = parse.GetValue(minPressure), TimeSeconds = (long)Math.Round(parse.GetValue(time) * 3600), Workers = parse.GetValue(workers) };
                report = FireFlowAnalysis.Run(network, ids, options, cancellationToken: ct);
            }
            catch (ArgumentException e)
            {
                return Task.FromResult(CliOutput.Error(parse, $"{file.Name}: {e.Message}"));
            }
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    Network = file.Name,
                    report.Options.MinimumPressureMeters,
                    report.Options.TimeSeconds,
                    report.BaseBelowMinimum,
                    Nodes = report.Nodes.Select(r => new { r.NodeId, r.FireFlowLitersPerSecond, r.Capped, r.LimitingNodeId, r.LimitingPressureMeters, r.Solves }),
                });
            }
            else
            {
                var console = CliOutput.Human(parse);
                console.MarkupLine($"[bold]{Markup.Escape(file.Name)}[/]: fire flow keeping every junction ≥ {report.Options.MinimumPressureMeters.ToString("F1", CultureInfo.InvariantCulture)} m ({report.BaseBelowMinimum.Count} junctions already below it are not checked)");
                var table = new Table().AddColumn("node").AddColumn("fire flow L/s").AddColumn("limiting node").AddColumn("its pressure m").AddColumn("solves");
                foreach (var r in report.Nodes)
                {
                    table.AddRow(Markup.Escape(r.NodeId), (r.Capped ? "≥ " : "") + r.FireFlowLitersPerSecond.ToString("F1", CultureInfo.InvariantCulture), Markup.Escape(r.LimitingNodeId ?? "-"), r.LimitingPressureMeters.ToString("F2", CultureInfo.InvariantCulture), r.Solves.ToString(CultureInfo.InvariantCulture));
                }
                console.Write(table);
            }
            return Task.FromResult(CliOutput.Ok);
        });
        return cmd;
    }

    public static Command BuildCriticality()
    {
        var input = new Argument<FileInfo>("network") { Description = "EPANET .inp file" };
        var minPressure = new Option<double>("--min-pressure") { Description = "Pressure below which a junction counts as affected, m", DefaultValueFactory = _ => 14.0 };
        var time = new Option<double>("--time") { Description = "Hour at which each pipe is closed", DefaultValueFactory = _ => 0.0 };
        var workers = new Option<int>("--workers") { Description = "Parallel workers (0 = one per core)", DefaultValueFactory = _ => 0 };
        var top = new Option<int>("--top") { Description = "Pipes to list (human output)", DefaultValueFactory = _ => 20 };
        var cmd = new Command("criticality", "Close each pipe in turn and rank pipes by demand not served and junctions below the minimum pressure");
        cmd.Arguments.Add(input);
        cmd.Options.Add(minPressure);
        cmd.Options.Add(time);
        cmd.Options.Add(workers);
        cmd.Options.Add(top);
        cmd.SetAction((parse, ct) =>
        {
            var file = parse.GetValue(input)!;
            if (!WaterCommands.TryLoad(parse, file, out var network, out var exit))
            {
                return Task.FromResult(exit);
            }
            var options = new CriticalityOptions { MinimumPressureMeters = parse.GetValue(minPressure), TimeSeconds = (long)Math.Round(parse.GetValue(time) * 3600), Workers = parse.GetValue(workers) };
            var report = CriticalityAnalysis.Run(network, options, cancellationToken: ct);
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    Network = file.Name,
                    report.Options.MinimumPressureMeters,
                    report.Options.TimeSeconds,
                    report.BaseBelowMinimum,
                    Pipes = report.Ranked.Select(r => new { r.LinkId, r.DemandNotServedLitersPerSecond, r.NodesBelowMinimum, r.DisconnectedNodes, LowestPressureMeters = double.IsNaN(r.LowestPressureMeters) ? (double?)null : r.LowestPressureMeters, r.Converged }),
                });
            }
            else
            {
                var console = CliOutput.Human(parse);
                console.MarkupLine($"[bold]{Markup.Escape(file.Name)}[/]: {report.Ranked.Count} pipes closed one at a time; {report.Ranked.Count(r => r.DemandNotServedLitersPerSecond > 0 || r.NodesBelowMinimum.Count > 0)} affect supply");
                var table = new Table().AddColumn("pipe").AddColumn("demand not served L/s").AddColumn("junctions below min").AddColumn("cut off").AddColumn("lowest pressure m");
                foreach (var r in report.Ranked.Take(Math.Max(0, parse.GetValue(top))))
                {
                    table.AddRow(Markup.Escape(r.LinkId), r.DemandNotServedLitersPerSecond.ToString("F2", CultureInfo.InvariantCulture), r.NodesBelowMinimum.Count.ToString(CultureInfo.InvariantCulture), r.DisconnectedNodes.Count.ToString(CultureInfo.InvariantCulture), r.LowestPressureMeters.ToString("F2", CultureInfo.InvariantCulture));
                }
                console.Write(table);
            }
            return Task.FromResult(CliOutput.Ok);
        });
        return cmd;
    }
}
