using System.CommandLine;
using System.Globalization;
using CivicGrid.Mobility;
using CivicGrid.Mobility.Charging;
using CivicGrid.Mobility.Inputs;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid mobility charge</c>: plan EV charging within feeder headroom (see <see cref="ChargingInputs"/>).</summary>
internal static class MobilityChargeCommand
{
    public static Command Build()
    {
        var trips = new Argument<FileInfo>("trips") { Description = "CSV vehicle,site,arrival_minute,leave_minute,distance_km,departure_soc,battery_kwh,consumption_kwh_per_km,target_soc,max_power_kw" };
        var sites = new Option<FileInfo>("--sites") { Description = "CSV site,feeder,power_limit_kw", Required = true };
        var feeders = new Option<FileInfo>("--feeders") { Description = "CSV feeder,slot,headroom_kw (power left for charging per slot)", Required = true };
        var prices = new Option<FileInfo?>("--prices") { Description = "CSV slot,price_per_kwh (default: every slot costs 1)" };
        var slotMinutes = new Option<int>("--slot-minutes") { Description = "Slot length in minutes", DefaultValueFactory = _ => 15 };
        var cmd = new Command("charge", "Schedule EV charging jointly with feeder limits: fair shortfall first, then cost");
        cmd.Arguments.Add(trips);
        cmd.Options.Add(sites);
        cmd.Options.Add(feeders);
        cmd.Options.Add(prices);
        cmd.Options.Add(slotMinutes);
        cmd.SetAction(parse =>
        {
            var minutes = parse.GetValue(slotMinutes);
            if (minutes <= 0)
            {
                return CliOutput.Error(parse, "--slot-minutes must be positive");
            }
            ChargingProblem problem;
            IReadOnlyList<EvTrip> tripList;
            try
            {
                (problem, tripList) = ChargingInputs.Read(parse.GetValue(trips)!.FullName, parse.GetValue(sites)!.FullName,
                    parse.GetValue(feeders)!.FullName, parse.GetValue(prices)?.FullName, minutes);
            }
            catch (Exception e) when (e is MobilityFormatException or IOException)
            {
                return CliOutput.Error(parse, e.Message);
            }
            var plan = SmartChargingScheduler.Solve(problem);
            var uncontrolled = SmartChargingScheduler.Uncontrolled(problem);
            var feederReport = problem.Feeders.Select(f => new
            {
                feeder = f.Id,
                peakKw = plan.PeakKilowatts(f.Id),
                uncontrolledPeakKw = uncontrolled.PeakKilowatts(f.Id),
                minHeadroomKw = f.HeadroomKilowatts.Min(),
                bindingSlots = plan.BindingFeederSlots.Count(b => b.Feeder == f.Id),
            }).ToList();
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    status = plan.Status,
                    vehicles = tripList.Count,
                    slots = problem.Slots,
                    slotMinutes = minutes,
                    energyCost = plan.EnergyCost,
                    deliveredKwh = plan.DeliveredKilowattHours.Sum(),
                    shortfallKwh = plan.TotalShortfallKilowattHours,
                    worstShortfallFraction = plan.WorstShortfallFraction,
                    feeders = feederReport,
                    sessions = problem.Sessions.Select((s, i) => new
                    {
                        vehicle = s.VehicleId,
                        site = s.SiteId,
                        neededKwh = s.EnergyNeededKilowattHours,
                        deliveredKwh = plan.DeliveredKilowattHours[i],
                        shortfallKwh = plan.ShortfallKilowattHours[i],
                        powerKw = plan.PowerKilowatts[i],
                    }),
                });
            }
            else
            {
                var console = CliOutput.Human(parse);
                console.MarkupLine($"{tripList.Count} vehicles, {problem.Slots} slots of {minutes} min: status [bold]{Markup.Escape(plan.Status)}[/], " +
                    $"delivered {plan.DeliveredKilowattHours.Sum().ToString("F1", CultureInfo.InvariantCulture)} kWh, shortfall {plan.TotalShortfallKilowattHours.ToString("F1", CultureInfo.InvariantCulture)} kWh " +
                    $"(worst vehicle {(100 * plan.WorstShortfallFraction).ToString("F1", CultureInfo.InvariantCulture)} %), cost {plan.EnergyCost.ToString("F2", CultureInfo.InvariantCulture)}");
                var table = new Table().AddColumn("feeder").AddColumn(new TableColumn("planned peak kW").RightAligned())
                    .AddColumn(new TableColumn("uncontrolled peak kW").RightAligned()).AddColumn(new TableColumn("lowest headroom kW").RightAligned())
                    .AddColumn(new TableColumn("binding slots").RightAligned());
                foreach (var f in feederReport)
                {
                    table.AddRow(Markup.Escape(f.feeder), f.peakKw.ToString("F1", CultureInfo.InvariantCulture), f.uncontrolledPeakKw.ToString("F1", CultureInfo.InvariantCulture),
                        f.minHeadroomKw.ToString("F1", CultureInfo.InvariantCulture), f.bindingSlots.ToString(CultureInfo.InvariantCulture));
                }
                console.Write(table);
            }
            return CliOutput.Ok;
        });
        return cmd;
    }
}
