using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CivicGrid.Energy.Shedding;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.DemoCity;

namespace CivicGrid.Platform.Energy;

/// <summary>
/// Demand response in the demo city. Every household is enrolled with a flexible share of its load (water heater,
/// heat pump, deferrable appliances: 35 % of its mean demand) and a lowest payment it accepts (0.05–0.35 EUR/kWh, fixed
/// per household). An operator — or the VPP, when its plan needs more import than the feeder allows — issues an event
/// for a region; <see cref="DemandResponseProgram"/> splits the request over the willing loads in proportion to their
/// flexibility. The metered response comes from the simulated telemetry on the simulated clock: the baseline is the
/// household's <see cref="VppTelemetry.HouseholdLoadKw"/>, and each household follows its instruction with a
/// compliance of its own (15 % of households ignore events). Settlement pays delivered kWh at the event's price and
/// reports shortfalls.
/// <para>
/// Persistence: the decision log is the store. The issuing decision holds the whole event (start, duration, request,
/// price and every instruction) and the settlement decision holds the per-load statement, so the events and
/// settlements of a region are rebuilt from its records after a restart; no table of its own is needed.
/// </para>
/// </summary>
public sealed class DemandResponseOperations(VppService vpp, IDecisionLog log, TimeProvider time)
{
    public const string EventDecision = "energy.dr-event";
    public const string SettlementDecision = "energy.dr-settlement";
    public const string EventAlgorithm = "demand-response-proportional";
    public const string SettlementAlgorithm = "demand-response-settlement";
    public const double FlexibleShare = 0.35;
    public const double NonResponderShare = 0.15;
    public const int MaxIntervals = 96;
    public const int MaxDaysAhead = 7;
    private const int ScanPage = 500;
    private const int MaxScannedRecords = 20_000;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(VppTelemetry.IntervalMinutes);
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    /// <summary>The region's flexible loads (one per household) with their flexibility and lowest accepted payment.</summary>
    public IReadOnlyList<FlexibleLoadEnrolment> Enrolment(string regionId)
    {
        var region = Region(regionId);
        var seed = vpp.City.Seed;
        return [.. vpp.City.Households.Where(h => h.RegionId == region.Id).OrderBy(h => h.Id, StringComparer.Ordinal)
            .Select(h => new FlexibleLoadEnrolment(h.Id, h.Id, FlexibleShare * h.AnnualElectricityKilowattHours / 8760.0,
                Math.Round(0.05 + (0.30 * VppTelemetry.Unit(seed, h.Id, 0, -11)), 3)))];
    }

    /// <summary>The index of the 15-minute interval holding <paramref name="t"/>, counted from the Unix epoch.</summary>
    public static int GlobalInterval(DateTimeOffset t) => (int)Math.Floor((t - DateTimeOffset.UnixEpoch) / Interval);

    /// <summary>Issues an event (validated), sends its instructions and records it as a decision.</summary>
    public async Task<DemandResponseEventView> IssueAsync(string regionId, DateTimeOffset start, int intervals, double requestedKw, double paymentEurPerKwh,
        string? reason, DecisionActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var region = Region(regionId);
        var now = time.GetUtcNow();
        if ((start - DateTimeOffset.UnixEpoch).Ticks % Interval.Ticks != 0)
        {
            throw new EnergyOperationException("the start must be on a 15-minute boundary (e.g. 14:00, 14:15)");
        }
        if (GlobalInterval(start) < GlobalInterval(now))
        {
            throw new EnergyOperationException("the start must not lie before the current 15-minute interval");
        }
        if (start > now.AddDays(MaxDaysAhead))
        {
            throw new EnergyOperationException($"the start must be within {MaxDaysAhead} days");
        }
        if (intervals is < 1 or > MaxIntervals)
        {
            throw new EnergyOperationException($"intervals must be between 1 and {MaxIntervals}");
        }
        if (!double.IsFinite(requestedKw) || requestedKw <= 0 || requestedKw > 1e6)
        {
            throw new EnergyOperationException("the requested reduction must be a positive number of kW (at most 1,000,000)");
        }
        if (!double.IsFinite(paymentEurPerKwh) || paymentEurPerKwh <= 0 || paymentEurPerKwh > 100)
        {
            throw new EnergyOperationException("the payment must be a positive price in EUR/kWh (at most 100)");
        }
        var id = "dr-" + Guid.NewGuid().ToString("N")[..12];
        var enrolment = Enrolment(region.Id);
        var program = new DemandResponseProgram(enrolment, VppTelemetry.IntervalMinutes / 60.0);
        var ev = new DemandResponseEvent(id, GlobalInterval(start), intervals, requestedKw, paymentEurPerKwh);
        var instructions = program.Send(ev);
        if (instructions.Count == 0)
        {
            throw new EnergyOperationException(string.Create(CultureInfo.InvariantCulture,
                $"no flexible load of the region accepts {paymentEurPerKwh:0.###} EUR/kWh (the lowest accepted payment is {enrolment.Min(l => l.MinPaymentEurPerKWh):0.###})"));
        }
        var instructed = instructions.Sum(i => i.ReductionKW);
        var inputs = new StringBuilder();
        inputs.Append(CultureInfo.InvariantCulture, $"{start:O};{intervals};{requestedKw:R};{paymentEurPerKwh:R}\n");
        foreach (var l in enrolment)
        {
            inputs.Append(CultureInfo.InvariantCulture, $"{l.LoadId}:{l.MaxReductionKW:R},{l.MinPaymentEurPerKWh:R}\n");
        }
        var request = new DecisionRequest(
            DecisionKind.DemandResponse,
            region.Id,
            [.. instructions.Select(i => i.LoadId)],
            actor,
            new DecisionAlgorithm(EventAlgorithm, "1", new Dictionary<string, string>
            {
                ["decision"] = EventDecision,
                ["event_id"] = id,
                ["start"] = start.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                ["intervals"] = intervals.ToString(CultureInfo.InvariantCulture),
                ["interval_minutes"] = VppTelemetry.IntervalMinutes.ToString(CultureInfo.InvariantCulture),
                ["requested_kw"] = requestedKw.ToString("R", CultureInfo.InvariantCulture),
                ["payment_eur_per_kwh"] = paymentEurPerKwh.ToString("R", CultureInfo.InvariantCulture),
                ["instructed_kw"] = instructed.ToString("R", CultureInfo.InvariantCulture),
                ["instructions"] = string.Join(';', instructions.Select(i => i.LoadId + "=" + i.ReductionKW.ToString("R", CultureInfo.InvariantCulture))),
            }),
            DecisionRequest.DigestOf(inputs.ToString()),
            string.Create(CultureInfo.InvariantCulture,
                $"event {id}: {instructed:0.###} of {requestedKw:0.###} kW requested from {instructions.Count} flexible loads, {start:yyyy-MM-dd HH:mm} UTC for {intervals} × 15 min at {paymentEurPerKwh:0.###} EUR/kWh"),
            string.IsNullOrWhiteSpace(reason) ? "reduce demand in the region during the event" : reason.Trim());
        var receipt = await log.AppendAsync(request, cancellationToken).ConfigureAwait(false);
        return ToView(Parse(receipt) ?? throw new InvalidOperationException("the recorded event cannot be read back"), null, now);
    }

    /// <summary>The region's events, newest first, rebuilt from its decision records.</summary>
    public async Task<IReadOnlyList<DemandResponseEventView>> ListAsync(string regionId, CancellationToken cancellationToken)
    {
        var region = Region(regionId);
        var (events, settlements) = await LoadAsync(region.Id, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return [.. events.Select(e => ToView(e, settlements.GetValueOrDefault(e.Id), now))];
    }

    /// <summary>
    /// The event's settlement: the recorded one if settled; a final settlement recorded now if the event has ended on the
    /// clock (or <paramref name="endNow"/> ends it early at the current interval); else a provisional statement of the
    /// intervals metered so far. Unknown events raise <see cref="KeyNotFoundException"/>.
    /// </summary>
    public async Task<DemandResponseSettlementView> SettlementAsync(string regionId, string eventId, bool endNow, DecisionActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var region = Region(regionId);
        var gate = Locks.GetOrAdd(region.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (events, settlements) = await LoadAsync(region.Id, cancellationToken).ConfigureAwait(false);
            var ev = events.FirstOrDefault(e => e.Id == eventId) ?? throw new KeyNotFoundException($"no demand-response event '{eventId}' in region '{region.Id}'");
            if (settlements.TryGetValue(ev.Id, out var recorded))
            {
                return recorded;
            }
            var current = GlobalInterval(time.GetUtcNow());
            var ended = current >= ev.StartInterval + ev.Intervals;
            if (endNow && !ended && current < ev.StartInterval)
            {
                throw new EnergyOperationException("the event has not started yet: nothing can be settled");
            }
            var settled = Math.Clamp(current - ev.StartInterval + 1, 0, ev.Intervals);
            var statement = Settle(ev, settled);
            if (!ended && !endNow)
            {
                return Statement(ev, settled, statement, false, null, null);
            }
            return await RecordSettlementAsync(region.Id, ev, settled, statement, actor, ended, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Settles every event of the region that has ended on the clock and is not settled yet; returns how many.</summary>
    public async Task<int> SettleEndedAsync(string regionId, CancellationToken cancellationToken)
    {
        var region = Region(regionId);
        var (events, settlements) = await LoadAsync(region.Id, cancellationToken).ConfigureAwait(false);
        var current = GlobalInterval(time.GetUtcNow());
        var count = 0;
        foreach (var ev in events.Where(e => !settlements.ContainsKey(e.Id) && current >= e.StartInterval + e.Intervals))
        {
            var s = await SettlementAsync(region.Id, ev.Id, false, DecisionActor.Automatic, cancellationToken).ConfigureAwait(false);
            count += s.Final ? 1 : 0;
        }
        return count;
    }

    /// <summary>
    /// When the VPP's adopted plan still imports more than the feeder allows in the intervals ahead (a
    /// <c>feeder_import_limit</c> violation: the devices do not offer enough flexibility), the VPP issues an event itself
    /// over the violated span for the largest excess, unless an event of the region already covers it.
    /// </summary>
    public async Task<DemandResponseEventView?> CoverPlanShortfallAsync(VppSnapshot snapshot, double paymentEurPerKwh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var excess = snapshot.Violations.Where(v => v.Constraint == "feeder_import_limit" && v.Interval > snapshot.CurrentInterval && v.Amount > 1e-6).ToList();
        if (excess.Count == 0)
        {
            return null;
        }
        var first = excess.Min(v => v.Interval);
        var last = excess.Max(v => v.Interval);
        var dayStart = new DateTimeOffset(snapshot.Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var start = dayStart.AddMinutes(first * VppTelemetry.IntervalMinutes);
        var (events, _) = await LoadAsync(snapshot.RegionId, cancellationToken).ConfigureAwait(false);
        var startG = GlobalInterval(start);
        var endG = startG + (last - first) + 1;
        if (events.Any(e => e.StartInterval < endG && startG < e.StartInterval + e.Intervals))
        {
            return null;
        }
        return await IssueAsync(snapshot.RegionId, start, last - first + 1, excess.Max(v => v.Amount), paymentEurPerKwh,
            string.Create(CultureInfo.InvariantCulture, $"the VPP's plan imports up to {excess.Max(v => v.Amount):0.###} kW above the feeder limit: the devices do not offer enough flexibility"),
            DecisionActor.Automatic, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The metered demand of an instructed household in a global interval: the baseline from the simulated telemetry
    /// minus its response (its instruction × a compliance between 0.6 and 1.1; none for non-responders), never below 0.
    /// </summary>
    public static (double BaselineKw, double MeteredKw) Reading(int seed, DemoHousehold household, int globalInterval, double instructionKw)
    {
        ArgumentNullException.ThrowIfNull(household);
        var day = Math.DivRem(globalInterval, VppTelemetry.IntervalsPerDay, out var t);
        var baseline = VppTelemetry.HouseholdLoadKw(seed, household, day, t);
        var responds = VppTelemetry.Unit(seed, household.Id, 0, -12) >= NonResponderShare;
        var compliance = responds ? 0.6 + (0.5 * VppTelemetry.Unit(seed, household.Id + "/dr", day, t)) : 0;
        return (baseline, Math.Max(0, baseline - (instructionKw * compliance)));
    }

    private IReadOnlyList<DemandResponseSettlement> Settle(RecordedEvent ev, int settledIntervals)
    {
        if (settledIntervals == 0)
        {
            return [.. ev.Instructions.Select(i => new DemandResponseSettlement(ev.Id, i.LoadId, i.Participant, 0, 0, 0, 0))];
        }
        var households = vpp.City.Households.ToDictionary(h => h.Id, StringComparer.Ordinal);
        var enrolled = ev.Instructions.Select(i => new FlexibleLoadEnrolment(i.LoadId, i.Participant, i.ReductionKW)).ToList();
        var program = new DemandResponseProgram(enrolled, VppTelemetry.IntervalMinutes / 60.0);
        var settledEvent = new DemandResponseEvent(ev.Id, ev.StartInterval, settledIntervals, ev.RequestedKw, ev.PaymentEurPerKwh);
        program.Restore(settledEvent, ev.Instructions);
        foreach (var i in ev.Instructions)
        {
            if (!households.TryGetValue(i.LoadId, out var household))
            {
                continue; // a load the city no longer has delivers nothing
            }
            for (var g = ev.StartInterval; g < ev.StartInterval + settledIntervals; g++)
            {
                var (baseline, metered) = Reading(vpp.City.Seed, household, g, i.ReductionKW);
                program.RecordReading(ev.Id, i.LoadId, g, baseline, metered);
            }
        }
        return program.Settle(ev.Id);
    }

    private async Task<DemandResponseSettlementView> RecordSettlementAsync(string regionId, RecordedEvent ev, int settled, IReadOnlyList<DemandResponseSettlement> lines,
        DecisionActor actor, bool ended, CancellationToken cancellationToken)
    {
        var committed = lines.Sum(l => l.CommittedKWh);
        var delivered = lines.Sum(l => l.DeliveredKWh);
        var payment = lines.Sum(l => l.PaymentEur);
        var statement = string.Join(';', lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.LoadId}={l.CommittedKWh:R}/{l.DeliveredKWh:R}/{l.PaymentEur:R}")));
        var request = new DecisionRequest(
            DecisionKind.DemandResponse,
            regionId,
            [.. lines.Select(l => l.LoadId)],
            actor,
            new DecisionAlgorithm(SettlementAlgorithm, "1", new Dictionary<string, string>
            {
                ["decision"] = SettlementDecision,
                ["event_id"] = ev.Id,
                ["event_decision"] = ev.DecisionId.ToString(),
                ["settled_intervals"] = settled.ToString(CultureInfo.InvariantCulture),
                ["payment_eur_per_kwh"] = ev.PaymentEurPerKwh.ToString("R", CultureInfo.InvariantCulture),
                ["committed_kwh"] = committed.ToString("R", CultureInfo.InvariantCulture),
                ["delivered_kwh"] = delivered.ToString("R", CultureInfo.InvariantCulture),
                ["shortfall_kwh"] = (committed - delivered).ToString("R", CultureInfo.InvariantCulture),
                ["payment_eur"] = payment.ToString("R", CultureInfo.InvariantCulture),
                ["telemetry"] = "simulated smart-meter telemetry (VppTelemetry), baseline = household load",
                ["statement"] = statement,
            }),
            DecisionRequest.DigestOf(ev.InputDigest + "\n" + statement),
            string.Create(CultureInfo.InvariantCulture,
                $"event {ev.Id} settled over {settled} of {ev.Intervals} intervals: delivered {delivered:0.###} of {committed:0.###} kWh committed (shortfall {committed - delivered:0.###} kWh), paid {payment:0.##} EUR at {ev.PaymentEurPerKwh:0.###} EUR/kWh"),
            ended ? "the event has ended: pay the delivered reduction (baseline − metered, capped at the instruction)"
                : "ended early by the operator: pay the reduction delivered so far");
        var receipt = await log.AppendAsync(request, cancellationToken).ConfigureAwait(false);
        return ParseSettlement(receipt)!;
    }

    private static DemandResponseSettlementView Statement(RecordedEvent ev, int settled, IReadOnlyList<DemandResponseSettlement> lines, bool final,
        DecisionReceipt? receipt, DateTimeOffset? at)
    {
        var committed = lines.Sum(l => l.CommittedKWh);
        var delivered = lines.Sum(l => l.DeliveredKWh);
        return new DemandResponseSettlementView(ev.Id, final, settled, ev.PaymentEurPerKwh, committed, delivered, committed - delivered, lines.Sum(l => l.PaymentEur),
            [.. lines.Select(l => new DemandResponseLoadSettlement(l.LoadId, l.Participant, l.CommittedKWh, l.DeliveredKWh, l.ShortfallKWh, l.PaymentEur))],
            at, receipt?.Record.Id, receipt?.LogIndex, receipt?.Receipt);
    }

    private DemoRegion Region(string regionId) =>
        vpp.Regions.FirstOrDefault(r => r.Id == regionId) ?? throw new KeyNotFoundException($"no region '{regionId}'");

    private async Task<(List<RecordedEvent> Events, Dictionary<string, DemandResponseSettlementView> Settlements)> LoadAsync(string regionId, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        var settlements = new Dictionary<string, DemandResponseSettlementView>(StringComparer.Ordinal);
        for (var skip = 0; skip < MaxScannedRecords; skip += ScanPage)
        {
            var page = await log.ListAsync(regionId, skip, ScanPage, cancellationToken).ConfigureAwait(false);
            foreach (var r in page.Where(r => r.Record.Kind == DecisionKind.DemandResponse))
            {
                if (Parse(r) is { } e)
                {
                    events.Add(e);
                }
                else if (ParseSettlement(r) is { } s)
                {
                    settlements.TryAdd(s.EventId, s);
                }
            }
            if (page.Count < ScanPage)
            {
                break;
            }
        }
        return (events, settlements);
    }

    private DemandResponseEventView ToView(RecordedEvent e, DemandResponseSettlementView? settlement, DateTimeOffset now)
    {
        var current = GlobalInterval(now);
        var status = settlement is not null ? "settled" : current < e.StartInterval ? "scheduled" : current < e.StartInterval + e.Intervals ? "active" : "ended";
        return new DemandResponseEventView(e.Id, e.Receipt.Record.RegionId, e.Start, e.Intervals, VppTelemetry.IntervalMinutes, e.RequestedKw, e.PaymentEurPerKwh,
            e.Instructions.Sum(i => i.ReductionKW), status, e.Receipt.Record.Actor.OperatorId ?? e.Receipt.Record.Actor.Kind, e.Receipt.Record.Reason,
            [.. e.Instructions.Select(i => new DemandResponseInstructionView(i.LoadId, i.Participant, i.ReductionKW))],
            e.DecisionId, e.Receipt.LogIndex, e.Receipt.Receipt, settlement);
    }

    private static RecordedEvent? Parse(DecisionReceipt receipt)
    {
        var p = receipt.Record.Algorithm.Parameters;
        if (receipt.Record.Kind != DecisionKind.DemandResponse || p.GetValueOrDefault("decision") != EventDecision
            || !p.TryGetValue("event_id", out var id)
            || !DateTimeOffset.TryParse(p.GetValueOrDefault("start"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
            || !int.TryParse(p.GetValueOrDefault("intervals"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var intervals)
            || !double.TryParse(p.GetValueOrDefault("requested_kw"), NumberStyles.Float, CultureInfo.InvariantCulture, out var requested)
            || !double.TryParse(p.GetValueOrDefault("payment_eur_per_kwh"), NumberStyles.Float, CultureInfo.InvariantCulture, out var price))
        {
            return null;
        }
        var instructions = new List<DemandResponseInstruction>();
        foreach (var part in (p.GetValueOrDefault("instructions") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.LastIndexOf('=');
            if (eq > 0 && double.TryParse(part.AsSpan(eq + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var kw))
            {
                instructions.Add(new DemandResponseInstruction(id, part[..eq], part[..eq], kw));
            }
        }
        return new RecordedEvent(id, start, GlobalInterval(start), intervals, requested, price, instructions, receipt.Record.Id, receipt.Record.InputDigest, receipt);
    }

    private static DemandResponseSettlementView? ParseSettlement(DecisionReceipt receipt)
    {
        var p = receipt.Record.Algorithm.Parameters;
        if (receipt.Record.Kind != DecisionKind.DemandResponse || p.GetValueOrDefault("decision") != SettlementDecision || !p.TryGetValue("event_id", out var id)
            || !int.TryParse(p.GetValueOrDefault("settled_intervals"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var settled)
            || !double.TryParse(p.GetValueOrDefault("payment_eur_per_kwh"), NumberStyles.Float, CultureInfo.InvariantCulture, out var price))
        {
            return null;
        }
        var lines = new List<DemandResponseLoadSettlement>();
        foreach (var part in (p.GetValueOrDefault("statement") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.LastIndexOf('=');
            var numbers = eq > 0 ? part[(eq + 1)..].Split('/') : [];
            if (numbers.Length == 3
                && double.TryParse(numbers[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var committed)
                && double.TryParse(numbers[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var delivered)
                && double.TryParse(numbers[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var paid))
            {
                lines.Add(new DemandResponseLoadSettlement(part[..eq], part[..eq], committed, delivered, committed - delivered, paid));
            }
        }
        var c = lines.Sum(l => l.CommittedKwh);
        var d = lines.Sum(l => l.DeliveredKwh);
        return new DemandResponseSettlementView(id, true, settled, price, c, d, c - d, lines.Sum(l => l.PaymentEur), lines,
            receipt.Record.DecidedAt, receipt.Record.Id, receipt.LogIndex, receipt.Receipt);
    }

    private sealed record RecordedEvent(string Id, DateTimeOffset Start, int StartInterval, int Intervals, double RequestedKw, double PaymentEurPerKwh,
        IReadOnlyList<DemandResponseInstruction> Instructions, Guid DecisionId, string InputDigest, DecisionReceipt Receipt);
}
