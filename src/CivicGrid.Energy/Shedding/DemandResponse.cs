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
