using System.CommandLine;
using System.Globalization;
using CivicGrid.Energy.Shedding;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary>
/// <c>civicgrid energy dr EVENTS.csv --loads LOADS.csv [--readings READINGS.csv]</c>: sends demand-response events to
/// enrolled flexible loads, records their metered readings and settles each event offline.
/// </summary>
public static class EnergyDrCommands
{
    public static Command Build()
    {
        var eventsArg = new Argument<FileInfo>("events") { Description = "Events CSV: id, start_interval, intervals, requested_kw, payment_eur_per_kwh" };
        var loadsOpt = new Option<FileInfo>("--loads") { Description = "Flexible loads CSV: load, max_reduction_kw [, participant, min_payment_eur_per_kwh]", Required = true };
        var readingsOpt = new Option<FileInfo?>("--readings") { Description = "Metered readings CSV: event, load, interval, baseline_kw, metered_kw (without it nothing is delivered)" };
        var hoursOpt = new Option<double>("--interval-hours") { Description = "Length of one interval in hours", DefaultValueFactory = _ => 0.25 };
        var cmd = new Command("dr", "Demand response: send events to flexible loads, record metered readings and settle (delivered kWh × price, shortfall)");
        cmd.Arguments.Add(eventsArg);
        cmd.Options.Add(loadsOpt);
        cmd.Options.Add(readingsOpt);
        cmd.Options.Add(hoursOpt);
        cmd.SetAction(parse =>
        {
            var eventsFile = parse.GetValue(eventsArg)!;
            var loadsFile = parse.GetValue(loadsOpt)!;
            var readingsFile = parse.GetValue(readingsOpt);
            var hours = parse.GetValue(hoursOpt);
            foreach (var f in new[] { eventsFile, loadsFile, readingsFile })
            {
                if (f is not null && !f.Exists)
                {
                    return CliOutput.Error(parse, $"file not found: {f.FullName}");
                }
            }
            if (!double.IsFinite(hours) || hours <= 0)
            {
                return CliOutput.Error(parse, "--interval-hours must be positive");
            }
            IReadOnlyList<FlexibleLoadEnrolment> loads;
            IReadOnlyList<DemandResponseEvent> events;
            IReadOnlyList<DemandResponseReading> readings;
            try
            {
                loads = DemandResponseCsv.ParseLoads(File.ReadAllText(loadsFile.FullName), loadsFile.Name);
                events = DemandResponseCsv.ParseEvents(File.ReadAllText(eventsFile.FullName), eventsFile.Name);
                readings = readingsFile is null ? [] : DemandResponseCsv.ParseReadings(File.ReadAllText(readingsFile.FullName), readingsFile.Name);
            }
            catch (SheddingFormatException ex)
            {
                return CliOutput.Error(parse, ex.Message);
            }
            var program = new DemandResponseProgram(loads, hours);
            var instructions = events.ToDictionary(e => e.Id, e => program.Send(e), StringComparer.Ordinal);
            var ignored = 0;
            foreach (var r in readings)
            {
                var ev = events.FirstOrDefault(e => e.Id == r.EventId);
                if (ev is null)
                {
                    return CliOutput.Error(parse, $"{readingsFile!.Name}:{r.Line}:1: unknown event '{r.EventId}'");
                }
                if (r.Interval < ev.StartInterval || r.Interval >= ev.StartInterval + ev.Intervals)
                {
                    return CliOutput.Error(parse, string.Create(CultureInfo.InvariantCulture,
                        $"{readingsFile!.Name}:{r.Line}:1: interval {r.Interval} is outside event '{ev.Id}' ({ev.StartInterval}–{ev.StartInterval + ev.Intervals - 1})"));
                }
                if (!instructions[ev.Id].Any(i => i.LoadId == r.LoadId))
                {
                    ignored++; // a meter of a load the event did not instruct (not enrolled or not willing at this price)
                    continue;
                }
                program.RecordReading(r.EventId, r.LoadId, r.Interval, r.BaselineKW, r.MeteredKW);
            }
            var results = events.Select(e =>
            {
                var lines = program.Settle(e.Id);
                var committed = lines.Sum(l => l.CommittedKWh);
                var delivered = lines.Sum(l => l.DeliveredKWh);
                return new DrEventResult(e.Id, e.StartInterval, e.Intervals, e.RequestedReductionKW, e.PaymentEurPerKWh, instructions[e.Id].Sum(i => i.ReductionKW),
                    [.. instructions[e.Id].Select(i => new DrInstructionResult(i.LoadId, i.Participant, i.ReductionKW))],
                    [.. lines.Select(l => new DrLoadResult(l.LoadId, l.Participant, l.CommittedKWh, l.DeliveredKWh, l.ShortfallKWh, l.PaymentEur))],
                    committed, delivered, committed - delivered, lines.Sum(l => l.PaymentEur));
            }).ToList();
            var report = new DrReport(results, results.Sum(r => r.PaymentEur), results.Sum(r => r.DeliveredKwh), results.Sum(r => r.ShortfallKwh), readings.Count - ignored, ignored);
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(report);
                return 0;
            }
            var console = CliOutput.Human(parse);
            var table = new Table().AddColumns("Event", "Intervals", "Requested kW", "Instructed kW", "Loads", "EUR/kWh", "Committed kWh", "Delivered kWh", "Shortfall kWh", "Paid EUR");
            foreach (var r in results)
            {
                table.AddRow(Markup.Escape(r.Id), $"{r.StartInterval}+{r.Intervals}", N(r.RequestedKw), N(r.InstructedKw), r.Instructions.Count.ToString(CultureInfo.InvariantCulture),
                    N(r.PaymentEurPerKwh), N(r.CommittedKwh), N(r.DeliveredKwh), N(r.ShortfallKwh), N(r.PaymentEur));
            }
            console.Write(table);
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"[bold]{report.TotalPaymentEur:0.00} EUR[/] paid for {report.TotalDeliveredKwh:0.###} kWh delivered; shortfall {report.TotalShortfallKwh:0.###} kWh; {report.RecordedReadings} readings recorded, {report.IgnoredReadings} of loads not instructed ignored"));
            return 0;
        });
        return cmd;
    }

    private static string N(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private sealed record DrInstructionResult(string Load, string Participant, double ReductionKw);

    private sealed record DrLoadResult(string Load, string Participant, double CommittedKwh, double DeliveredKwh, double ShortfallKwh, double PaymentEur);

    private sealed record DrEventResult(string Id, int StartInterval, int Intervals, double RequestedKw, double PaymentEurPerKwh, double InstructedKw,
        IReadOnlyList<DrInstructionResult> Instructions, IReadOnlyList<DrLoadResult> Settlements, double CommittedKwh, double DeliveredKwh, double ShortfallKwh, double PaymentEur);

    private sealed record DrReport(IReadOnlyList<DrEventResult> Events, double TotalPaymentEur, double TotalDeliveredKwh, double TotalShortfallKwh, int RecordedReadings, int IgnoredReadings);
}
