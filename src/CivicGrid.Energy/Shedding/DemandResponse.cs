using System.Globalization;

namespace CivicGrid.Energy.Shedding;

/// <summary>A flexible load enrolled in demand response: how much it can reduce and the lowest payment it accepts.</summary>
public sealed record FlexibleLoadEnrolment(string LoadId, string Participant, double MaxReductionKW, double MinPaymentEurPerKWh = 0);

/// <summary>A request to reduce consumption over consecutive intervals, paid per kWh delivered.</summary>
public sealed record DemandResponseEvent(string Id, int StartInterval, int Intervals, double RequestedReductionKW, double PaymentEurPerKWh);

/// <summary>What one load was asked to reduce.</summary>
public sealed record DemandResponseInstruction(string EventId, string LoadId, string Participant, double ReductionKW);

/// <summary>Settlement of one load for one event.</summary>
public sealed record DemandResponseSettlement(string EventId, string LoadId, string Participant, double CommittedKWh, double DeliveredKWh, double ShortfallKWh, double PaymentEur);

/// <summary>
/// Demand-response events to flexible loads: <see cref="Send"/> splits the requested reduction over the loads that
/// accept the event's payment, in proportion to their flexibility; <see cref="RecordReading"/> records baseline and
/// metered demand per interval; <see cref="Settle"/> pays the reduction delivered (baseline − metered, never more than
/// instructed) and reports any shortfall.
/// </summary>
public sealed class DemandResponseProgram
{
    private readonly Dictionary<string, FlexibleLoadEnrolment> _loads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DemandResponseEvent Event, List<DemandResponseInstruction> Instructions)> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<(string EventId, string LoadId, int Interval), (double BaselineKW, double MeteredKW)> _readings = [];

    public DemandResponseProgram(IEnumerable<FlexibleLoadEnrolment> loads, double intervalHours = 0.25)
    {
        ArgumentNullException.ThrowIfNull(loads);
        IntervalHours = intervalHours;
        foreach (var l in loads)
        {
            if (l.MaxReductionKW < 0 || !_loads.TryAdd(l.LoadId, l))
            {
                throw new ArgumentException($"load '{l.LoadId}' is duplicated or has a negative flexibility", nameof(loads));
            }
        }
    }

    public double IntervalHours { get; }

    /// <summary>Sends an event; returns the instructions (their sum is the request, or all available flexibility if less).</summary>
    public IReadOnlyList<DemandResponseInstruction> Send(DemandResponseEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        if (ev.Intervals <= 0 || ev.RequestedReductionKW < 0 || _events.ContainsKey(ev.Id))
        {
            throw new ArgumentException($"event '{ev.Id}' is a duplicate or has no intervals or a negative request", nameof(ev));
        }
        var willing = _loads.Values.Where(l => l.MinPaymentEurPerKWh <= ev.PaymentEurPerKWh && l.MaxReductionKW > 0).OrderBy(l => l.LoadId, StringComparer.Ordinal).ToList();
        var available = willing.Sum(l => l.MaxReductionKW);
        var factor = available > 0 ? Math.Min(1, ev.RequestedReductionKW / available) : 0;
        var instructions = willing.Select(l => new DemandResponseInstruction(ev.Id, l.LoadId, l.Participant, l.MaxReductionKW * factor)).Where(i => i.ReductionKW > 0).ToList();
        _events[ev.Id] = (ev, instructions);
        return instructions;
    }

    /// <summary>
    /// Registers an event whose instructions were sent earlier (e.g. read back from a decision record), so its readings can
    /// be recorded and settled again; the loads must be enrolled.
    /// </summary>
    public void Restore(DemandResponseEvent ev, IEnumerable<DemandResponseInstruction> instructions)
    {
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentNullException.ThrowIfNull(instructions);
        if (ev.Intervals <= 0 || _events.ContainsKey(ev.Id))
        {
            throw new ArgumentException($"event '{ev.Id}' is a duplicate or has no intervals", nameof(ev));
        }
        var list = instructions.ToList();
        foreach (var i in list)
        {
            if (i.EventId != ev.Id || i.ReductionKW < 0 || !_loads.ContainsKey(i.LoadId))
            {
                throw new ArgumentException($"instruction for load '{i.LoadId}' does not belong to event '{ev.Id}' or names a load that is not enrolled", nameof(instructions));
            }
        }
        _events[ev.Id] = (ev, list);
    }

    /// <summary>Records one interval's baseline and metered demand of an instructed load.</summary>
    public void RecordReading(string eventId, string loadId, int interval, double baselineKW, double meteredKW)
    {
        if (!_events.TryGetValue(eventId, out var e))
        {
            throw new ArgumentException($"unknown event '{eventId}'", nameof(eventId));
        }
        if (!e.Instructions.Exists(i => i.LoadId == loadId))
        {
            throw new ArgumentException($"load '{loadId}' was not instructed in event '{eventId}'", nameof(loadId));
        }
        if (interval < e.Event.StartInterval || interval >= e.Event.StartInterval + e.Event.Intervals)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), string.Create(CultureInfo.InvariantCulture, $"interval {interval} is outside event '{eventId}'"));
        }
        _readings[(eventId, loadId, interval)] = (baselineKW, meteredKW);
    }

    /// <summary>Settles an event: intervals without a reading count as nothing delivered.</summary>
    public IReadOnlyList<DemandResponseSettlement> Settle(string eventId)
    {
        if (!_events.TryGetValue(eventId, out var e))
        {
            throw new ArgumentException($"unknown event '{eventId}'", nameof(eventId));
        }
        var h = IntervalHours;
        return e.Instructions.Select(i =>
        {
            var committed = i.ReductionKW * h * e.Event.Intervals;
            var delivered = 0.0;
            for (var t = e.Event.StartInterval; t < e.Event.StartInterval + e.Event.Intervals; t++)
            {
                if (_readings.TryGetValue((eventId, i.LoadId, t), out var r))
                {
                    delivered += Math.Clamp(r.BaselineKW - r.MeteredKW, 0, i.ReductionKW) * h;
                }
            }
            return new DemandResponseSettlement(eventId, i.LoadId, i.Participant, committed, delivered, committed - delivered, delivered * e.Event.PaymentEurPerKWh);
        }).ToList();
    }
}

/// <summary>One metered interval of an instructed load during an event (kW).</summary>
public sealed record DemandResponseReading(string EventId, string LoadId, int Interval, double BaselineKW, double MeteredKW, int Line);

/// <summary>
/// Reads the demand-response CSV files (header first, columns in any order, blank lines and <c>#</c> comments skipped):
/// loads <c>load, max_reduction_kw</c> [<c>participant</c>, <c>min_payment_eur_per_kwh</c>]; events <c>id, start_interval,
/// intervals, requested_kw, payment_eur_per_kwh</c>; readings <c>event, load, interval, baseline_kw, metered_kw</c>.
/// Errors are <see cref="SheddingFormatException"/>s naming the file, line, column and reason.
/// </summary>
public static class DemandResponseCsv
{
    public static IReadOnlyList<FlexibleLoadEnrolment> ParseLoads(string text, string fileName = "<text>")
    {
        var t = Table.Parse(text, fileName, ["load", "max_reduction_kw"], ["participant", "min_payment_eur_per_kwh"]);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<FlexibleLoadEnrolment>();
        foreach (var row in t.Rows)
        {
            var id = t.Id(row, "load");
            if (!ids.Add(id))
            {
                throw t.Error(row, "load", $"duplicate load '{id}'");
            }
            var participant = t.Get(row, "participant");
            list.Add(new FlexibleLoadEnrolment(id, participant.Length == 0 ? id : participant, t.Number(row, "max_reduction_kw", 0),
                t.Has("min_payment_eur_per_kwh") && t.Get(row, "min_payment_eur_per_kwh").Length > 0 ? t.Number(row, "min_payment_eur_per_kwh", 0) : 0));
        }
        return list;
    }

    public static IReadOnlyList<DemandResponseEvent> ParseEvents(string text, string fileName = "<text>")
    {
        var t = Table.Parse(text, fileName, ["id", "start_interval", "intervals", "requested_kw", "payment_eur_per_kwh"], []);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<DemandResponseEvent>();
        foreach (var row in t.Rows)
        {
            var id = t.Id(row, "id");
            if (!ids.Add(id))
            {
                throw t.Error(row, "id", $"duplicate event '{id}'");
            }
            var start = t.Integer(row, "start_interval", 0);
            var intervals = t.Integer(row, "intervals", 1);
            list.Add(new DemandResponseEvent(id, start, intervals, t.Number(row, "requested_kw", 0), t.Number(row, "payment_eur_per_kwh", 0)));
        }
        return list;
    }

    public static IReadOnlyList<DemandResponseReading> ParseReadings(string text, string fileName = "<text>")
    {
        var t = Table.Parse(text, fileName, ["event", "load", "interval", "baseline_kw", "metered_kw"], []);
        var seen = new HashSet<(string, string, int)>();
        var list = new List<DemandResponseReading>();
        foreach (var row in t.Rows)
        {
            var ev = t.Id(row, "event");
            var load = t.Id(row, "load");
            var interval = t.Integer(row, "interval", 0);
            if (!seen.Add((ev, load, interval)))
            {
                throw t.Error(row, "interval", $"a second reading of load '{load}' in interval {interval} of event '{ev}'");
            }
            list.Add(new DemandResponseReading(ev, load, interval, t.Number(row, "baseline_kw", 0), t.Number(row, "metered_kw", 0), row.Line));
        }
        return list;
    }

    private sealed class Table
    {
        private readonly string _file;
        private readonly Dictionary<string, int> _col = new(StringComparer.Ordinal);

        private Table(string file) => _file = file;

        public List<(int Line, List<string> Fields, List<int> Starts)> Rows { get; } = [];

        public static Table Parse(string text, string file, string[] required, string[] optional)
        {
            ArgumentNullException.ThrowIfNull(text);
            var t = new Table(file);
            var header = false;
            foreach (var (line, fields, starts) in HouseholdCsvReader.CsvRows(text))
            {
                if (!header)
                {
                    header = true;
                    for (var c = 0; c < fields.Count; c++)
                    {
                        var name = fields[c].ToLowerInvariant();
                        if (!required.Contains(name) && !optional.Contains(name))
                        {
                            throw new SheddingFormatException(file, line, starts[c], $"unknown column '{fields[c]}'");
                        }
                        if (!t._col.TryAdd(name, c))
                        {
                            throw new SheddingFormatException(file, line, starts[c], $"duplicate column '{fields[c]}'");
                        }
                    }
                    foreach (var r in required.Where(r => !t._col.ContainsKey(r)))
                    {
                        throw new SheddingFormatException(file, line, 1, $"missing column '{r}'");
                    }
                    continue;
                }
                if (fields.Count != t._col.Count)
                {
                    throw new SheddingFormatException(file, line, 1, $"expected {t._col.Count} fields as in the header, found {fields.Count}");
                }
                t.Rows.Add((line, fields, starts));
            }
            if (!header)
            {
                throw new SheddingFormatException(file, 1, 1, "the file has no header line");
            }
            return t;
        }

        public bool Has(string name) => _col.ContainsKey(name);

        public string Get((int Line, List<string> Fields, List<int> Starts) row, string name) => _col.TryGetValue(name, out var i) ? row.Fields[i] : "";

        public SheddingFormatException Error((int Line, List<string> Fields, List<int> Starts) row, string name, string reason) =>
            new(_file, row.Line, _col.TryGetValue(name, out var i) ? row.Starts[i] : 1, reason);

        public string Id((int Line, List<string> Fields, List<int> Starts) row, string name)
        {
            var v = Get(row, name);
            return v.Length > 0 ? v : throw Error(row, name, $"empty {name}");
        }

        public double Number((int Line, List<string> Fields, List<int> Starts) row, string name, double min)
        {
            var v = Get(row, name);
            return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) && x >= min
                ? x
                : throw Error(row, name, string.Create(CultureInfo.InvariantCulture, $"{name} must be a number ≥ {min}, not '{v}'"));
        }

        public int Integer((int Line, List<string> Fields, List<int> Starts) row, string name, int min)
        {
            var v = Get(row, name);
            return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) && x >= min
                ? x
                : throw Error(row, name, string.Create(CultureInfo.InvariantCulture, $"{name} must be an integer ≥ {min}, not '{v}'"));
        }
    }
}
