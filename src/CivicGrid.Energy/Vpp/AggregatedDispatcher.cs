using System.Globalization;

namespace CivicGrid.Energy.Vpp;

/// <summary>A schedule from the aggregated LP, with the size reduction that made it fast.</summary>
public sealed record AggregatedDispatchResult(DispatchResult Dispatch, int Devices, int LpDevices, int Groups);

/// <summary>
/// Day-ahead dispatch of large portfolios through an exact aggregation of the monolithic LP of
/// <see cref="DispatchOptimizer"/>. Devices whose constraints do not link intervals and that share their costs are
/// one box per interval, and a sum of boxes is a box: all PV and wind (free curtailment), all non-critical loads
/// (shed at the value of lost load), all critical loads, and curtailable loads with the same comfort bound and
/// discomfort price each become one device with the summed profile. Batteries that are scaled copies of one another
/// (same efficiencies and wear, limits and energies in the same ratio to capacity) have scaled optimal schedules, so a
/// class of them is one battery of the summed capacity. EVs and shiftable loads keep their own variables. The reduced
/// LP has the same optimum; each device's schedule is its share of its group's schedule (its share of the available
/// power, demand or baseline in each interval, or of the capacity), which meets all of its own limits. With grid
/// constraints, devices are grouped per bus as well.
/// </summary>
public static class AggregatedDispatcher
{
    private const double Tolerance = 1e-6;

    public static AggregatedDispatchResult Solve(Portfolio portfolio, DispatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(portfolio);
        options ??= new DispatchOptions();
        var T = portfolio.Intervals;
        var perBus = options.Grid is not null;
        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        var memberOf = new Group?[portfolio.Ders.Count];
        var reduced = new List<Der>();
        for (var d = 0; d < portfolio.Ders.Count; d++)
        {
            var der = portfolio.Ders[d];
            var bus = perBus ? der.Bus?.ToString(CultureInfo.InvariantCulture) ?? "-" : "";
            var (key, weight) = der switch
            {
                PvArray pv => ("generation|" + bus, portfolio.AvailableKw(pv)),
                WindTurbine w => ("generation|" + bus, portfolio.AvailableKw(w)),
                FixedLoad fl => ((fl.Critical ? "critical|" : "load|") + bus, fl.DemandKw.ToArray()),
                CurtailableLoad cl => (string.Create(CultureInfo.InvariantCulture, $"curtailable|{cl.MaxCurtailFraction:R}|{cl.DiscomfortEurPerKwh:R}|{bus}"), cl.BaselineKw.ToArray()),
                Battery b when b.CapacityKwh > 0 => (BatteryKey(b) + "|" + bus, null),
                _ => ((string?)null, (double[]?)null),
            };
            if (key is null)
            {
                reduced.Add(der);
                continue;
            }
            if (!groups.TryGetValue(key, out var group))
            {
                group = new Group("aggregate-" + groups.Count.ToString(CultureInfo.InvariantCulture), der);
                groups[key] = group;
                reduced.Add(der);
            }
            group.Members.Add(d);
            group.Weights.Add(weight ?? [((Battery)der).CapacityKwh]);
            memberOf[d] = group;
        }
        // Replace each group's first member (a placeholder in the reduced list) by the aggregate device.
        foreach (var group in groups.Values)
        {
            var at = reduced.IndexOf(portfolio.Ders[group.Members[0]]);
            reduced[at] = group.Aggregate(portfolio);
        }

        var plan = DispatchOptimizer.Solve(portfolio with { Ders = reduced, Name = portfolio.Name + " (aggregated)" }, options);
        if (!plan.Solved)
        {
            return new AggregatedDispatchResult(plan, portfolio.Ders.Count, reduced.Count, groups.Count);
        }
        var byId = plan.Schedules.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var groupById = groups.Values.ToDictionary(g => g.Id, StringComparer.Ordinal);
        var schedules = new DerSchedule[portfolio.Ders.Count];
        for (var d = 0; d < portfolio.Ders.Count; d++)
        {
            var der = portfolio.Ders[d];
            if (memberOf[d] is not { } group)
            {
                schedules[d] = byId[der.Id];
                continue;
            }
            var aggregate = byId[group.Id];
            var k = group.Members.IndexOf(d);
            var power = new double[T];
            for (var t = 0; t < T; t++)
            {
                power[t] = aggregate.PowerKw[t] * group.Share(k, t);
            }
            var state = aggregate.StateKwh?.Select(x => x * group.Share(k, 0)).ToArray();
            schedules[d] = new DerSchedule(der.Id, RollingHorizonDispatcher.TypeName(der), power, state);
        }
        var violations = new List<ConstraintViolation>();
        foreach (var v in plan.Violations)
        {
            if (v.DerId is null || !groupById.TryGetValue(v.DerId, out var group))
            {
                violations.Add(v);
                continue;
            }
            for (var k = 0; k < group.Members.Count; k++)
            {
                var der = portfolio.Ders[group.Members[k]];
                if (v.Constraint == "battery_initial_soc_outside_bounds")
                {
                    continue;
                }
                var amount = v.Amount * group.Share(k, v.Interval);
                if (amount > Tolerance)
                {
                    violations.Add(v with { DerId = der.Id, Amount = amount });
                }
            }
        }
        foreach (var der in portfolio.Ders)
        {
            if (der is Battery b && (b.InitialSocKwh < b.MinSocKwh - Tolerance || b.InitialSocKwh > b.UpperSocKwh + Tolerance))
            {
                violations.Add(new ConstraintViolation("battery_initial_soc_outside_bounds", b.Id, 0, b.InitialSocKwh, "kWh"));
            }
        }
        var dispatch = plan with { Schedules = schedules, Violations = violations };
        return new AggregatedDispatchResult(dispatch, portfolio.Ders.Count, reduced.Count, groups.Count);
    }

    private static string BatteryKey(Battery b)
    {
        var cap = b.CapacityKwh;
        double[] ratios = [b.MaxChargeKw / cap, b.MaxDischargeKw / cap, b.InitialSocKwh / cap, b.MinSocKwh / cap, b.UpperSocKwh / cap,
            b.FinalSocKwh is { } f ? f / cap : -1, b.ChargeEfficiency, b.DischargeEfficiency, b.DegradationEurPerKwh];
        return "battery|" + string.Join('|', ratios.Select(x => Math.Round(x, 9).ToString("R", CultureInfo.InvariantCulture)));
    }

    /// <summary>Devices pooled into one: members and their weights (per-interval profile, or capacity for batteries).</summary>
    private sealed class Group(string id, Der first)
    {
        private double[]? _totals;

        public string Id { get; } = id;
        public Der First { get; } = first;
        public List<int> Members { get; } = [];
        public List<double[]> Weights { get; } = [];

        /// <summary>Member k's share of the group in interval t (batteries: of the capacity, every interval).</summary>
        public double Share(int k, int t)
        {
            _totals ??= Totals();
            var w = Weights[k];
            var i = w.Length == 1 ? 0 : Math.Clamp(t, 0, w.Length - 1);
            return _totals[i] > 0 ? w[i] / _totals[i] : 1.0 / Members.Count;
        }

        private double[] Totals()
        {
            var n = Weights[0].Length;
            var totals = new double[n];
            foreach (var w in Weights)
            {
                for (var i = 0; i < n; i++)
                {
                    totals[i] += w[i];
                }
            }
            return totals;
        }

        public Der Aggregate(Portfolio portfolio)
        {
            _ = portfolio;
            _totals = Totals();
            var sum = _totals;
            return First switch
            {
                PvArray or WindTurbine => new PvArray(Id, sum.DefaultIfEmpty(0).Max()) { AvailableKw = sum, Bus = First.Bus },
                FixedLoad fl => new FixedLoad(Id, sum) { Critical = fl.Critical, Bus = First.Bus },
                CurtailableLoad cl => new CurtailableLoad(Id, sum) { MaxCurtailFraction = cl.MaxCurtailFraction, DiscomfortEurPerKwh = cl.DiscomfortEurPerKwh, Bus = First.Bus },
                Battery b => Scale(b, sum[0] / b.CapacityKwh),
                _ => throw new InvalidOperationException("not an aggregable device"),
            };
        }

        private Battery Scale(Battery b, double factor) => b with
        {
            Id = Id,
            CapacityKwh = b.CapacityKwh * factor,
            MaxChargeKw = b.MaxChargeKw * factor,
            MaxDischargeKw = b.MaxDischargeKw * factor,
            InitialSocKwh = b.InitialSocKwh * factor,
            MinSocKwh = b.MinSocKwh * factor,
            MaxSocKwh = b.UpperSocKwh * factor,
            FinalSocKwh = b.FinalSocKwh * factor,
        };
    }
}
