using System.CommandLine;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;
using CivicGrid.Water.Operations;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid water pumps schedule</c>, <c>water sources allocate</c>, <c>water restrict plan</c>: water operations.</summary>
public static class WaterOperationsCommands
{
    public static Command BuildPumps()
    {
        var input = new Argument<FileInfo>("network") { Description = "EPANET .inp file with pumps and tanks" };
        var tariff = new Option<FileInfo>("--tariff") { Description = "Time-of-use tariff CSV (hour,price in EUR/kWh, 24 rows)", Required = true };
        var minPressure = new Option<double>("--min-pressure") { Description = "Lowest pressure at demand junctions, m", DefaultValueFactory = _ => 0 };
        var evaluations = new Option<int>("--max-simulations") { Description = "Budget of full hydraulic simulations for the search", DefaultValueFactory = _ => 600 };
        var schedule = new Command("schedule", "Minimise pump energy cost under a tariff, keeping tanks in band (every schedule checked by a full EPS)");
        schedule.Arguments.Add(input);
        schedule.Options.Add(tariff);
        schedule.Options.Add(minPressure);
        schedule.Options.Add(evaluations);
        schedule.SetAction((parse, ct) =>
        {
            var file = parse.GetValue(input)!;
            var tariffFile = parse.GetValue(tariff)!;
            if (!file.Exists)
            {
                return Task.FromResult(CliOutput.Error(parse, $"{file.FullName}: file not found"));
            }
            if (!tariffFile.Exists)
            {
                return Task.FromResult(CliOutput.Error(parse, $"{tariffFile.FullName}: file not found"));
            }
            WaterNetwork network;
            EnergyTariff prices;
            try
            {
                network = InpReader.ReadFile(file.FullName);
                prices = TariffCsvReader.ReadFile(tariffFile.FullName);
            }
            catch (InpFormatException e)
            {
                return Task.FromResult(CliOutput.Error(parse, e.Message));
            }
            catch (OperationsFormatException e)
            {
                return Task.FromResult(CliOutput.Error(parse, e.Message));
            }
            PumpScheduleResult result;
            try
            {
                var options = new PumpScheduleOptions { MinimumPressureMeters = parse.GetValue(minPressure), MaxEvaluations = parse.GetValue(evaluations) };
                result = PumpScheduler.Optimise(network, prices, options, ct);
            }
            catch (ArgumentException e)
            {
                return Task.FromResult(CliOutput.Error(parse, $"{file.Name}: {e.Message}"));
            }
            var o = result.Optimised;
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    Network = file.Name,
                    Feasible = o.Feasible,
                    CostEur = o.CostEur,
                    EnergyKwh = o.EnergyKwh,
                    OwnControlsCostEur = result.OwnControls.CostEur,
                    OwnControlsEnergyKwh = result.OwnControls.EnergyKwh,
                    OwnControlsFeasible = result.OwnControls.Feasible,
                    result.SavingsPercent,
                    Simulations = result.Evaluations,
                    result.SearchMilliseconds,
                    Pumps = result.Schedule.PumpIds.Select((id, p) => new { Id = id, On = result.Schedule.On[p], RunHours = result.Schedule.RunHours(p), EnergyKwh = o.PumpEnergyKwh[p] }),
                    Periods = o.Periods.Select(x => new { x.Index, x.StartSeconds, x.PriceEurPerKwh, x.PumpOn, x.TankLevelMeters }),
                    o.Tanks,
                    o.Violations,
                });
            }
            else
            {
                var console = CliOutput.Human(parse);
                console.MarkupLine($"[bold]{Markup.Escape(file.Name)}[/]: {o.CostEur:F2} EUR, {o.EnergyKwh:F0} kWh (own controls {result.OwnControls.CostEur:F2} EUR, {result.OwnControls.EnergyKwh:F0} kWh) — savings {result.SavingsPercent:F1} %, {result.Evaluations} simulations");
                var table = new Table().AddColumn("hour").AddColumn("price");
                foreach (var id in result.Schedule.PumpIds)
                {
                    table.AddColumn($"pump {Markup.Escape(id)}");
                }
                foreach (var t in o.Tanks)
                {
                    table.AddColumn($"tank {Markup.Escape(t.Id)} m");
                }
                foreach (var x in o.Periods)
                {
                    var row = new List<string> { (x.StartSeconds / 3600.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture), x.PriceEurPerKwh.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) };
                    row.AddRange(x.PumpOn.Select(on => on ? "[green]on[/]" : "off"));
                    row.AddRange(x.TankLevelMeters.Select(l => l.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));
                    table.AddRow([.. row]);
                }
                console.Write(table);
                foreach (var v in o.Violations)
                {
                    console.MarkupLine($"[red]violation[/] {Markup.Escape(v.Kind)} {Markup.Escape(v.ElementId)} at {v.TimeSeconds} s: {v.Amount:F3} {Markup.Escape(v.Unit)}");
                }
            }
            return Task.FromResult(o.Feasible ? CliOutput.Ok : 1);
        });
        var pumps = new Command("pumps", "Pump operations");
        pumps.Subcommands.Add(schedule);
        return pumps;
    }

    public static Command BuildSources()
    {
        var input = new Argument<FileInfo>("case") { Description = "Supply CSV: source and district lines" };
        var objective = new Option<string>("--objective") { Description = "cost (default) or energy", DefaultValueFactory = _ => "cost" };
        objective.AcceptOnlyFromAmong("cost", "energy");
        var allocate = new Command("allocate", "Allocate desalination, rainwater and groundwater sources to districts over a day (LP)");
        allocate.Arguments.Add(input);
        allocate.Options.Add(objective);
        allocate.SetAction(parse =>
        {
            if (!TryReadCase(parse, parse.GetValue(input)!, out var supply, out var exit))
            {
                return exit;
            }
            var a = SourceAllocator.Allocate(supply, parse.GetValue(objective) == "energy" ? AllocationObjective.Energy : AllocationObjective.Cost);
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new { a.Objective, a.Status, a.CostEur, a.EnergyKwh, a.ShortfallCubicMeters, a.Sources, Districts = a.Districts.Select(d => new { d.DistrictId, d.DemandCubicMeters, d.DeliveredCubicMeters, d.ShortfallCubicMeters }), Flows = a.Flows.Select(f => new { f.SourceId, f.DistrictId, f.DailyCubicMeters, f.CubicMetersPerHour }) });
            }
            else
            {
                var console = CliOutput.Human(parse);
                console.MarkupLine($"{a.Objective} objective: {a.CostEur:F2} EUR, {a.EnergyKwh:F0} kWh, shortfall {a.ShortfallCubicMeters:F1} m³ ({a.Status})");
                var table = new Table().AddColumn("source").AddColumn("kind").AddColumn("m³/day").AddColumn("EUR").AddColumn("kWh").AddColumn("use of daily capacity");
                foreach (var s in a.Sources)
                {
                    table.AddRow(Markup.Escape(s.SourceId), s.Kind.ToString(), s.CubicMeters.ToString("F1", System.Globalization.CultureInfo.InvariantCulture), s.CostEur.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), s.EnergyKwh.ToString("F0", System.Globalization.CultureInfo.InvariantCulture), s.DailyUtilisation.ToString("P0", System.Globalization.CultureInfo.InvariantCulture));
                }
                console.Write(table);
            }
            return CliOutput.Ok;
        });
        var sources = new Command("sources", "Water supply sources");
        sources.Subcommands.Add(allocate);
        return sources;
    }

    public static Command BuildRestrict()
    {
        var input = new Argument<FileInfo>("case") { Description = "Supply CSV: the shortfall of its least-cost allocation is what is restricted" };
        var sharing = new Option<string>("--sharing") { Description = "maxmin (default) or proportional", DefaultValueFactory = _ => "maxmin" };
        sharing.AcceptOnlyFromAmong("maxmin", "proportional");
        var pressure = new Option<double>("--service-pressure") { Description = "Districts' normal service pressure, m", DefaultValueFactory = _ => 40 };
        var minPressure = new Option<double>("--min-pressure") { Description = "Lowest pressure pressure management may set, m", DefaultValueFactory = _ => 15 };
        var rotationOnly = new Option<bool>("--rotation-only") { Description = "Use rotation only (no pressure management)" };
        var plan = new Command("plan", "Plan restrictions (pressure management, then rotation) that spread a supply shortage fairly");
        plan.Arguments.Add(input);
        plan.Options.Add(sharing);
        plan.Options.Add(pressure);
        plan.Options.Add(minPressure);
        plan.Options.Add(rotationOnly);
        plan.SetAction(parse =>
        {
            if (!TryReadCase(parse, parse.GetValue(input)!, out var supply, out var exit))
            {
                return exit;
            }
            var a = SourceAllocator.Allocate(supply);
            var available = a.Districts.Sum(d => d.DeliveredCubicMeters);
            var districts = supply.Districts.Select(d => new RestrictionDistrict(d.Id, d.DailyDemandCubicMeters, parse.GetValue(pressure), 0)).ToList();
            var options = new RestrictionOptions
            {
                Sharing = parse.GetValue(sharing) == "proportional" ? ShortageSharing.Proportional : ShortageSharing.MaxMinFair,
                MinimumServicePressureMeters = parse.GetValue(minPressure),
                PreferPressureManagement = !parse.GetValue(rotationOnly),
            };
            var p = RestrictionPlanner.Plan(districts, available, options);
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    p.Sharing,
                    p.AvailableCubicMeters,
                    p.DemandCubicMeters,
                    p.ShortageCubicMeters,
                    Districts = p.Districts.Select(d => new { d.DistrictId, d.DemandCubicMeters, d.AllocatedCubicMeters, d.ShortageCubicMeters, d.ShortageFraction, d.PressureReductionCubicMeters, d.RestrictedPressureMeters, d.Rotation, d.SupplyHours, Measures = d.Measures.Select(m => m.ToString()) }),
                });
            }
            else
            {
                var console = CliOutput.Human(parse);
                console.MarkupLine($"available {p.AvailableCubicMeters:F0} m³ of {p.DemandCubicMeters:F0} m³ demanded; shortage {p.ShortageCubicMeters:F0} m³ ({p.Sharing})");
                var table = new Table().AddColumn("district").AddColumn("demand m³").AddColumn("shortage").AddColumn("pressure m").AddColumn("rotation");
                foreach (var d in p.Districts)
                {
                    table.AddRow(Markup.Escape(d.DistrictId), d.DemandCubicMeters.ToString("F0", System.Globalization.CultureInfo.InvariantCulture), d.ShortageFraction.ToString("P1", System.Globalization.CultureInfo.InvariantCulture), d.RestrictedPressureMeters.ToString("F1", System.Globalization.CultureInfo.InvariantCulture), d.Rotation is { } r ? $"off {r.StartHour:D2}:00 for {r.Hours} h" : "-");
                }
                console.Write(table);
            }
            return CliOutput.Ok;
        });
        var restrict = new Command("restrict", "Water restrictions under supply shortage");
        restrict.Subcommands.Add(plan);
        return restrict;
    }

    private static bool TryReadCase(ParseResult parse, FileInfo file, out SupplyCase supply, out int exit)
    {
        supply = null!;
        exit = CliOutput.Ok;
        if (!file.Exists)
        {
            exit = CliOutput.Error(parse, $"{file.FullName}: file not found");
            return false;
        }
        try
        {
            supply = SupplyCaseReader.ReadFile(file.FullName);
            return true;
        }
        catch (OperationsFormatException e)
        {
            exit = CliOutput.Error(parse, e.Message);
            return false;
        }
    }
}
