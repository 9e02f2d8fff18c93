using System.CommandLine;
using System.Globalization;
using CivicGrid.Mobility;
using CivicGrid.Mobility.Assignment;
using CivicGrid.Mobility.Inputs;
using CivicGrid.Mobility.Networks;
using CivicGrid.Mobility.RidePooling;
using CivicGrid.Mobility.Signals;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid mobility …</c>: traffic assignment on TNTP networks.</summary>
public sealed class MobilityCommands : ICommandGroup
{
    public Command Build()
    {
        var command = new Command("mobility", "Road traffic: equilibrium assignment and signal control");
        command.Subcommands.Add(BuildAssign());
        command.Subcommands.Add(BuildSignals());
        command.Subcommands.Add(BuildDarp());
        command.Subcommands.Add(MobilityChargeCommand.Build());
        return command;
    }

    private static Command BuildDarp()
    {
        var file = new Argument<FileInfo>("instance") { Description = "Cordeau (2006) dial-a-ride instance (a*.txt)" };
        var iterations = new Option<int>("--iterations") { Description = "Remove-and-reinsert improvement iterations", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Random seed of the improvement search", DefaultValueFactory = _ => 1 };
        var cmd = new Command("darp", "Solve a dial-a-ride instance by insertion and improvement, and check the solution");
        cmd.Arguments.Add(file);
        cmd.Options.Add(iterations);
        cmd.Options.Add(seed);
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (parse.GetValue(iterations) < 0)
            {
                return CliOutput.Error(parse, "--iterations must not be negative");
            }
            DarpInstance instance;
            try
            {
                instance = DarpReader.Read(path.FullName);
            }
            catch (DarpFormatException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            catch (IOException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            var result = new DarpInsertionHeuristic(instance).Solve(parse.GetValue(iterations), parse.GetValue(seed));
            var check = DarpChecker.Check(instance, result.Solution);
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    instance = instance.Name,
                    cost = check.Cost,
                    vehiclesUsed = check.VehiclesUsed,
                    vehicles = instance.Vehicles,
                    servedRequests = check.ServedRequests,
                    requests = instance.Requests,
                    feasible = check.Feasible,
                    violations = check.Violations,
                    routes = result.Solution.Routes,
                });
            }
            else
            {
                var table = new Table().AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
                table.AddRow("instance", Markup.Escape(instance.Name));
                table.AddRow("cost", check.Cost.ToString("F2", CultureInfo.InvariantCulture));
                table.AddRow("vehicles used", string.Create(CultureInfo.InvariantCulture, $"{check.VehiclesUsed} of {instance.Vehicles}"));
                table.AddRow("served requests", string.Create(CultureInfo.InvariantCulture, $"{check.ServedRequests} of {instance.Requests}"));
                table.AddRow("feasible", check.Feasible ? "yes" : "no");
                var console = CliOutput.Human(parse);
                console.Write(table);
                foreach (var v in check.Violations)
                {
                    console.MarkupLine($"[yellow]{Markup.Escape(v)}[/]");
                }
            }
            return check.Feasible ? CliOutput.Ok : CliOutput.Failed;
        });
        return cmd;
    }

    private static Command BuildSignals()
    {
        var horizon = new Option<double>("--horizon") { Description = "Simulated seconds per run", DefaultValueFactory = _ => 3600 };
        var cmd = new Command("signals", "Compare fixed-time, Webster and max-pressure control on a 1x5 corridor and a 3x3 grid (cell transmission model)");
        cmd.Options.Add(horizon);
        cmd.SetAction(parse =>
        {
            var seconds = parse.GetValue(horizon);
            if (!(seconds > 0))
            {
                return CliOutput.Error(parse, "--horizon must be positive");
            }
            var results = SignalScenario.CompareControllers(seconds);
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(results.Select(r => new
                {
                    network = r.Network,
                    demand = r.Demand,
                    controller = r.Controller,
                    averageDelaySeconds = r.AverageDelaySeconds,
                    vehiclesEntered = r.VehiclesEntered,
                    vehiclesExited = r.VehiclesExited,
                }));
                return CliOutput.Ok;
            }
            var table = new Table().AddColumns("network", "demand", "controller", "avg delay (s/veh)", "entered", "exited");
            foreach (var r in results)
            {
                table.AddRow(r.Network, r.Demand, r.Controller,
                    r.AverageDelaySeconds.ToString("F1", CultureInfo.InvariantCulture),
                    r.VehiclesEntered.ToString("F0", CultureInfo.InvariantCulture),
                    r.VehiclesExited.ToString("F0", CultureInfo.InvariantCulture));
            }
            CliOutput.Human(parse).Write(table);
            return CliOutput.Ok;
        });
        return cmd;
    }

    private static Command BuildAssign()
    {
        var folder = new Argument<DirectoryInfo>("network") { Description = "TNTP folder with *_net.tntp and *_trips.tntp (and optionally README.md with generalised cost weights)" };
        var gap = new Option<double>("--gap") { Description = "Target relative gap", DefaultValueFactory = _ => 1e-10 };
        var flows = new Option<FileInfo?>("--flows") { Description = "Write link flows to this TNTP _flow file (From To Volume Cost)" };
        var algorithm = new Option<string>("--algorithm") { Description = "b (Algorithm B), bfw (bi-conjugate Frank-Wolfe) or fw", DefaultValueFactory = _ => "b" };
        algorithm.AcceptOnlyFromAmong("b", "bfw", "fw");
        var maxIterations = new Option<int>("--max-iterations") { Description = "Iteration limit", DefaultValueFactory = _ => 1000 };
        var toll = new Option<double?>("--toll-factor") { Description = "Minutes per toll unit (default: the folder README's value, else 0)" };
        var distance = new Option<double?>("--distance-factor") { Description = "Minutes per length unit (default: the folder README's value, else 0)" };
        var classesFile = new Option<FileInfo?>("--classes") { Description = "Multi-class assignment: CSV name,pce,toll_factor,distance_factor,trips[,prohibited_links] (Algorithm B only)" };
        var turnsFile = new Option<FileInfo?>("--turns") { Description = "Turn penalties and prohibitions: CSV from_node,via_node,to_node,penalty|prohibited" };
        var cmd = new Command("assign", "Static user-equilibrium assignment of a TNTP network");
        cmd.Arguments.Add(folder);
        cmd.Options.Add(classesFile);
        cmd.Options.Add(turnsFile);
        cmd.Options.Add(gap);
        cmd.Options.Add(flows);
        cmd.Options.Add(algorithm);
        cmd.Options.Add(maxIterations);
        cmd.Options.Add(toll);
        cmd.Options.Add(distance);
        cmd.SetAction(parse =>
        {
            var dir = parse.GetValue(folder)!;
            var target = parse.GetValue(gap);
            if (!(target > 0))
            {
                return CliOutput.Error(parse, "--gap must be positive");
            }
            TntpCase tntp;
            try
            {
                tntp = TntpCase.Load(dir.FullName);
            }
            catch (TntpFormatException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            var readme = tntp.ReadmeWeights ?? GeneralisedCostWeights.TimeOnly;
            var weights = new GeneralisedCostWeights(parse.GetValue(toll) ?? readme.TollFactor, parse.GetValue(distance) ?? readme.DistanceFactor);
            var baseNet = AssignmentNetwork.FromTntp(tntp.Network, tntp.Trips, weights);
            IReadOnlyList<VehicleClassInput>? classes = null;
            IReadOnlyList<TurnRule>? turns = null;
            try
            {
                if (parse.GetValue(classesFile) is { } cf)
                {
                    if (parse.GetValue(algorithm) != "b")
                    {
                        return CliOutput.Error(parse, "--classes needs --algorithm b");
                    }
                    classes = AssignmentInputs.ReadClasses(cf.FullName, tntp.Network);
                }
                if (parse.GetValue(turnsFile) is { } tf)
                {
                    turns = AssignmentInputs.ReadTurns(tf.FullName, tntp.Network);
                }
            }
            catch (MobilityFormatException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            catch (IOException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            var expanded = turns is null ? null : TurnExpandedNetwork.Build(baseNet, turns);
            var net = expanded?.Network ?? baseNet;
            var options = new AssignmentOptions { TargetRelativeGap = target, MaxIterations = parse.GetValue(maxIterations) };
            AssignmentResult result;
            try
            {
                result = parse.GetValue(algorithm) switch
                {
                    "bfw" => new FrankWolfe(net).Solve(options),
                    "fw" => new FrankWolfe(net, FrankWolfeVariant.Plain).Solve(options),
                    _ => new AlgorithmB(net, classes?.Select(c => c.Class).ToList()).Solve(options),
                };
            }
            catch (AssignmentException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            var classReport = classes?.Select((c, k) => new
            {
                name = c.Class.Name,
                pce = c.Class.PassengerCarEquivalent,
                trips = c.TotalDemand,
                vehicleMinutes = VehicleMinutes(result.ClassLinkFlows![k], result.ClassLinkCosts![k], baseNet.LinkCount),
            }).ToList();
            var turnReport = expanded is null ? null : turns!.Select(r => new
            {
                from = baseNet.Tail[r.FromLink] + 1,
                via = baseNet.Head[r.FromLink] + 1,
                to = baseNet.Head[r.ToLink] + 1,
                prohibited = r.Prohibited,
                penalty = r.Penalty,
                flow = r.Prohibited ? 0 : expanded.TurnFlow(result.LinkFlows, r.FromLink, r.ToLink),
            }).ToList();
            var solveMs = result.History.Count > 0 ? result.History[^1].ElapsedMilliseconds : 0;
            var flowFile = parse.GetValue(flows);
            if (flowFile is not null)
            {
                var rows = new List<TntpLinkFlow>(baseNet.LinkCount);
                for (var a = 0; a < baseNet.LinkCount; a++)
                {
                    rows.Add(new TntpLinkFlow(tntp.Network.Links[a].Tail, tntp.Network.Links[a].Head, result.LinkFlows[a], result.LinkCosts[a]));
                }
                using var writer = new StreamWriter(flowFile.FullName);
                TntpWriter.WriteFlows(rows, writer);
            }
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    network = dir.Name,
                    algorithm = parse.GetValue(algorithm),
                    objective = result.Objective,
                    relativeGap = result.RelativeGap,
                    averageExcessCost = result.AverageExcessCost,
                    iterations = result.Iterations,
                    converged = result.Converged,
                    solveMs,
                    tollFactor = weights.TollFactor,
                    distanceFactor = weights.DistanceFactor,
                    flows = flowFile?.FullName,
                    classes = classReport,
                    turns = turnReport,
                });
            }
            else
            {
                var console = CliOutput.Human(parse);
                var table = new Table().AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
                table.AddRow("network", Markup.Escape(dir.Name));
                table.AddRow("objective", result.Objective.ToString("R", CultureInfo.InvariantCulture));
                table.AddRow("relative gap", result.RelativeGap.ToString("E3", CultureInfo.InvariantCulture));
                table.AddRow("average excess cost", result.AverageExcessCost.ToString("E3", CultureInfo.InvariantCulture));
                table.AddRow("iterations", result.Iterations.ToString(CultureInfo.InvariantCulture));
                table.AddRow("solve ms", solveMs.ToString("F0", CultureInfo.InvariantCulture));
                console.Write(table);
                if (classReport is not null)
                {
                    var ct = new Table().AddColumn("class").AddColumn(new TableColumn("pce").RightAligned()).AddColumn(new TableColumn("trips").RightAligned()).AddColumn(new TableColumn("vehicle minutes").RightAligned());
                    foreach (var c in classReport)
                    {
                        ct.AddRow(Markup.Escape(c.name), c.pce.ToString("G4", CultureInfo.InvariantCulture), c.trips.ToString("F0", CultureInfo.InvariantCulture), c.vehicleMinutes.ToString("F0", CultureInfo.InvariantCulture));
                    }
                    console.Write(ct);
                }
                if (turnReport is not null)
                {
                    var tt = new Table().AddColumn("movement").AddColumn("rule").AddColumn(new TableColumn("flow").RightAligned());
                    foreach (var t in turnReport)
                    {
                        tt.AddRow($"{t.from}→{t.via}→{t.to}", t.prohibited ? "prohibited" : "+" + t.penalty.ToString("G4", CultureInfo.InvariantCulture), t.flow.ToString("F2", CultureInfo.InvariantCulture));
                    }
                    console.Write(tt);
                }
                if (!result.Converged)
                {
                    console.MarkupLine("[yellow]target gap not reached within the iteration limit[/]");
                }
            }
            return result.Converged ? CliOutput.Ok : CliOutput.Failed;
        });
        return cmd;
    }

    private static double VehicleMinutes(double[] flows, double[] costs, int baseLinks)
    {
        var total = 0.0;
        for (var a = 0; a < baseLinks; a++)
        {
            if (flows[a] > 0)
            {
                total += flows[a] * costs[a];
            }
        }
        return total;
    }
}
