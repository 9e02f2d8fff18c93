using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Operations;

/// <summary>
/// Runs a full extended-period simulation of a pump schedule and prices it. The scheduled pumps lose their own
/// controls, rule actions and speed patterns and get one timer control per period instead; everything else
/// (other links' controls, demands, tanks) is as in the file. Energy is EPANET's: ρ·g·Q·h/η with the pump's
/// efficiency curve or the global efficiency (constant-power pumps use their rated power), integrated over each
/// hydraulic step and split at price boundaries.
/// </summary>
public sealed class PumpScheduleEvaluator
{
    private const double Gravity = 9.80665;
    private readonly WaterNetwork _original;
    private readonly WaterNetwork _scheduled;
    private readonly List<SimpleControl> _baseControls;
    private readonly EnergyTariff _tariff;
    private readonly PumpScheduleOptions _options;
    private readonly double _lengthToMeters;

    public PumpScheduleEvaluator(WaterNetwork network, EnergyTariff tariff, PumpScheduleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(tariff);
        _options = options ?? new PumpScheduleOptions();
        _tariff = tariff;
        _original = network;
        if (network.Times.Duration <= 0)
        {
            throw new ArgumentException("pump scheduling needs an extended-period network (Duration > 0)", nameof(network));
        }
        var pumps = (_options.Pumps ?? network.Pumps.Select(p => p.Id).ToList()).ToList();
        foreach (var id in pumps)
        {
            if (network.Pumps.All(p => !string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"no pump '{id}' in the network", nameof(options));
            }
        }
        if (pumps.Count == 0)
        {
            throw new ArgumentException("the network has no pump to schedule", nameof(network));
        }
        if (network.Tanks.Count == 0)
        {
            throw new ArgumentException("the network has no tank: there is no storage to shift pumping with", nameof(network));
        }
        PumpIds = pumps;
        Periods = (int)((network.Times.Duration + _options.PeriodSeconds - 1) / _options.PeriodSeconds);
        _lengthToMeters = network.Options.IsSi ? 1.0 : UnitSystem.MetersPerFoot;

        // A private copy without the scheduled pumps' own controls.
        _scheduled = InpReader.Read(InpWriter.Write(network), "scheduled.inp");
        var set = new HashSet<string>(pumps, StringComparer.OrdinalIgnoreCase);
        _baseControls = [.. _scheduled.Controls.Where(c => !set.Contains(c.LinkId))];
        foreach (var rule in _scheduled.Rules)
        {
            rule.ThenActions.RemoveAll(a => set.Contains(a.LinkId));
            rule.ElseActions.RemoveAll(a => set.Contains(a.LinkId));
        }
        _scheduled.Rules.RemoveAll(r => r.ThenActions.Count == 0 && r.ElseActions.Count == 0);
        foreach (var p in _scheduled.Pumps.Where(p => set.Contains(p.Id)))
        {
            p.PatternId = null;
            p.SettingOverride = null;
        }
    }

    public IReadOnlyList<string> PumpIds { get; }

    public int Periods { get; }

    public long PeriodSeconds => _options.PeriodSeconds;

    public PumpScheduleOptions Options => _options;

    public EnergyTariff Tariff => _tariff;

    /// <summary>Price at the start of each period.</summary>
    public IReadOnlyList<double> PeriodPrices() =>
        [.. Enumerable.Range(0, Periods).Select(h => _tariff.PriceAt(h * _options.PeriodSeconds, _original.Times.StartClockTime))];

    /// <summary>Simulates the network as the file runs it (its own controls, rules and patterns).</summary>
    public PumpScheduleEvaluation EvaluateOwnControls() => Simulate(_original, "own controls");

    /// <summary>Simulates a schedule of the scheduled pumps.</summary>
    public PumpScheduleEvaluation Evaluate(PumpSchedule schedule, string label = "schedule")
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.PumpIds.Count != PumpIds.Count || schedule.On.Any(r => r.Count != Periods))
        {
            throw new ArgumentException($"schedule must have {PumpIds.Count} pumps × {Periods} periods", nameof(schedule));
        }
        _scheduled.Controls.Clear();
        _scheduled.Controls.AddRange(_baseControls);
        for (var p = 0; p < PumpIds.Count; p++)
        {
            var pump = _scheduled.Pumps.First(x => string.Equals(x.Id, PumpIds[p], StringComparison.OrdinalIgnoreCase));
            pump.StatusOverride = schedule.On[p][0] ? InitialLinkStatus.Open : InitialLinkStatus.Closed;
            for (var h = 0; h < Periods; h++)
            {
                if (h > 0 && schedule.On[p][h] == schedule.On[p][h - 1])
                {
                    continue;
                }
                _scheduled.Controls.Add(new SimpleControl
                {
                    LinkId = pump.Id,
                    Status = schedule.On[p][h] ? InitialLinkStatus.Open : InitialLinkStatus.Closed,
                    Type = ControlType.Timer,
                    TimeSeconds = h * _options.PeriodSeconds,
                });
            }
        }
        return Simulate(_scheduled, label);
    }

    /// <summary>The on/off schedule the network's own controls produce: a pump is on in a period when it runs at least half of it.</summary>
    public PumpSchedule ScheduleOf(PumpScheduleEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var on = new List<IReadOnlyList<bool>>();
        for (var p = 0; p < PumpIds.Count; p++)
        {
            on.Add([.. evaluation.Periods.Select(x => x.PumpOn[p])]);
        }
        return new PumpSchedule(PumpIds, _options.PeriodSeconds, on);
    }

    private PumpScheduleEvaluation Simulate(WaterNetwork model, string label)
    {
        var sim = new HydraulicSimulation(model);
        var np = PumpIds.Count;
        var pumpLink = new int[np];
        var pumpFrom = new int[np];
        var pumpTo = new int[np];
        var pumps = new Pump[np];
        for (var p = 0; p < np; p++)
        {
            pumps[p] = model.Pumps.First(x => string.Equals(x.Id, PumpIds[p], StringComparison.OrdinalIgnoreCase));
            pumpLink[p] = sim.LinkIndexOf(pumps[p].Id);
            pumpFrom[p] = sim.NodeIndexOf(pumps[p].FromNode);
            pumpTo[p] = sim.NodeIndexOf(pumps[p].ToNode);
        }
        var tanks = model.Tanks;
        var tankNode = tanks.Select(t => sim.NodeIndexOf(t.Id)).ToArray();
        var lower = new double[tanks.Count];
        var upper = new double[tanks.Count];
        for (var t = 0; t < tanks.Count; t++)
        {
            var min = tanks[t].MinimumLevel * _lengthToMeters;
            var max = tanks[t].MaximumLevel * _lengthToMeters;
            var init = tanks[t].InitialLevel * _lengthToMeters;
            var margin = _options.TankMarginFraction * (max - min);
            lower[t] = Math.Min(min + margin, init);
            upper[t] = Math.Max(max - margin, init);
        }
        var nj = model.Junctions.Count;
        var clock = model.Times.StartClockTime;
        var duration = model.Times.Duration;
        var period = _options.PeriodSeconds;

        var periodEnergy = new double[Periods, np];
        var periodOnSeconds = new double[Periods, np];
        var periodTank = new double[Periods, tanks.Count];
        var periodMinP = Enumerable.Repeat(double.PositiveInfinity, Periods).ToArray();
        var pumpEnergy = new double[np];
        var pumpOnSeconds = new double[np];
        var pumpVolume = new double[np];
        var flow = new double[np];
        var lowest = Enumerable.Repeat(double.PositiveInfinity, tanks.Count).ToArray();
        var highest = Enumerable.Repeat(double.NegativeInfinity, tanks.Count).ToArray();
        var initial = new double[tanks.Count];
        var final = new double[tanks.Count];
        var cost = 0.0;
        var score = 0.0;
        var worst = new Dictionary<(string Kind, string Id), ScheduleViolation>();
        void Violate(string kind, string id, long time, double amount, string unit, double weight)
        {
            score += amount * weight;
            if (!worst.TryGetValue((kind, id), out var v) || v.Amount < amount)
            {
                worst[(kind, id)] = new ScheduleViolation(kind, id, time, amount, unit);
            }
        }

        var converged = true;
        var steps = 0;
        sim.Reset();
        var power = new double[np];
        var filledPeriod = -1;
        while (true)
        {
            var info = sim.SolveCurrent();
            steps++;
            var time = info.TimeSeconds;
            if (!info.Converged)
            {
                converged = false;
                Violate("convergence", "network", time, 1, "step", 10);
            }
            for (var t = 0; t < tanks.Count; t++)
            {
                var level = sim.PressureMeters(tankNode[t]);
                if (time == 0)
                {
                    initial[t] = level;
                }
                final[t] = level;
                lowest[t] = Math.Min(lowest[t], level);
                highest[t] = Math.Max(highest[t], level);
                if (level < lower[t] - 1e-6)
                {
                    Violate("tank-low", tanks[t].Id, time, lower[t] - level, "m", 1);
                }
                if (level > upper[t] + 1e-6)
                {
                    Violate("tank-high", tanks[t].Id, time, level - upper[t], "m", 1);
                }
            }
            var minP = double.PositiveInfinity;
            var minNode = "";
            for (var j = 0; j < nj; j++)
            {
                if (sim.RequiredDemandFileUnits(j) <= 0)
                {
                    continue;
                }
                var pj = sim.PressureMeters(j);
                if (pj < minP)
                {
                    minP = pj;
                    minNode = model.Junctions[j].Id;
                }
            }
            if (minP < _options.MinimumPressureMeters - 1e-6)
            {
                Violate("pressure", minNode, time, _options.MinimumPressureMeters - minP, "m", 1);
            }
            for (var p = 0; p < np; p++)
            {
                power[p] = PumpPowerKw(model, sim, pumps[p], pumpLink[p], pumpFrom[p], pumpTo[p]);
                flow[p] = power[p] > 0 ? sim.FlowCubicMetersPerSecond(pumpLink[p]) : 0;
            }
            var h0 = (int)Math.Min(time / period, Periods - 1);
            while (filledPeriod < h0 && time < duration)
            {
                filledPeriod++;
                for (var t = 0; t < tanks.Count; t++)
                {
                    periodTank[filledPeriod, t] = sim.PressureMeters(tankNode[t]);
                }
            }
            if (time < duration)
            {
                periodMinP[h0] = Math.Min(periodMinP[h0], minP);
            }
            if (sim.Advance() <= 0)
            {
                break;
            }
            var next = Math.Min(sim.TimeSeconds, duration);
            // Integrate the step's constant power, split where the price or the period changes.
            var a = time;
            while (a < next)
            {
                var b = Math.Min(next, Math.Min(_tariff.NextBoundary(a, clock), (a / period + 1) * period));
                var hours = (b - a) / 3600.0;
                var price = _tariff.PriceAt(a, clock);
                var h = (int)Math.Min(a / period, Periods - 1);
                for (var p = 0; p < np; p++)
                {
                    var e = power[p] * hours;
                    pumpEnergy[p] += e;
                    periodEnergy[h, p] += e;
                    cost += e * price;
                    if (power[p] > 0)
                    {
                        pumpOnSeconds[p] += b - a;
                        pumpVolume[p] += flow[p] * (b - a);
                        periodOnSeconds[h, p] += b - a;
                    }
                }
                a = b;
            }
        }
        var summaries = new List<TankSummary>();
        for (var t = 0; t < tanks.Count; t++)
        {
            var min = tanks[t].MinimumLevel * _lengthToMeters;
            var max = tanks[t].MaximumLevel * _lengthToMeters;
            if (_options.RequireFinalLevelAtLeastInitial && final[t] < initial[t] - _options.FinalLevelToleranceMeters)
            {
                Violate("final-level", tanks[t].Id, duration, initial[t] - final[t], "m", 5);
            }
            var area = tanks[t].VolumeCurveId is null ? Math.PI * Math.Pow(tanks[t].Diameter * _lengthToMeters, 2) / 4 : 0;
            summaries.Add(new TankSummary(tanks[t].Id, min, max, lower[t], upper[t], initial[t], final[t], lowest[t], highest[t], area * (upper[t] - lower[t])));
        }
        var periods = new List<SchedulePeriod>(Periods);
        for (var h = 0; h < Periods; h++)
        {
            var len = Math.Min(period, duration - h * period);
            periods.Add(new SchedulePeriod(
                h,
                h * period,
                _tariff.PriceAt(h * period, clock),
                [.. Enumerable.Range(0, np).Select(p => periodOnSeconds[h, p] * 2 >= len)],
                [.. Enumerable.Range(0, np).Select(p => periodEnergy[h, p])],
                [.. Enumerable.Range(0, tanks.Count).Select(t => periodTank[h, t])],
                double.IsPositiveInfinity(periodMinP[h]) ? 0 : periodMinP[h]));
        }
        return new PumpScheduleEvaluation(
            label,
            pumpEnergy.Sum(),
            cost,
            pumpEnergy,
            [.. Enumerable.Range(0, np).Select(p => pumpOnSeconds[p] > 0 ? pumpEnergy[p] / (pumpOnSeconds[p] / 3600.0) : 0)],
            pumpVolume,
            periods,
            summaries,
            [.. worst.Values.OrderBy(v => v.TimeSeconds)],
            score,
            steps,
            converged);
    }

    private double PumpPowerKw(WaterNetwork model, HydraulicSimulation sim, Pump pump, int link, int from, int to)
    {
        if (sim.LinkStatusOf(link) <= LinkStatus.Closed)
        {
            return 0;
        }
        var q = sim.FlowCubicMetersPerSecond(link);
        if (q <= 0)
        {
            return 0;
        }
        if (pump.Power is double rated && pump.HeadCurveId is null)
        {
            return model.Options.IsSi ? rated : rated * 0.745699872;
        }
        var head = Math.Max(0, sim.HeadMeters(to) - sim.HeadMeters(from));
        var efficiency = model.Energy.GlobalEfficiency;
        if (pump.EfficiencyCurveId is string cid && model.Curves.FirstOrDefault(c => string.Equals(c.Id, cid, StringComparison.OrdinalIgnoreCase)) is { Points.Count: > 0 } curve)
        {
            efficiency = Interpolate(curve.Points, sim.FlowFileUnits(link));
        }
        efficiency = Math.Clamp(efficiency, 1, 100) / 100.0;
        return 1000 * model.Options.SpecificGravity * Gravity * q * head / efficiency / 1000.0;
    }

    private static double Interpolate(List<(double X, double Y)> points, double x)
    {
        if (x <= points[0].X)
        {
            return points[0].Y;
        }
        for (var i = 1; i < points.Count; i++)
        {
            if (x <= points[i].X)
            {
                var (x0, y0) = points[i - 1];
                var (x1, y1) = points[i];
                return x1 == x0 ? y1 : y0 + (y1 - y0) * (x - x0) / (x1 - x0);
            }
        }
        return points[^1].Y;
    }
}
