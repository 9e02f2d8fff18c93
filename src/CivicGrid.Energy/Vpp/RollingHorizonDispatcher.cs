using System.Diagnostics;

namespace CivicGrid.Energy.Vpp;

/// <summary>
/// Forecast profiles for a look-ahead window, keyed by DER id: available kW for PV and wind, demand kW for fixed
/// loads, baseline kW for curtailable loads. A DER without an entry is forecast by its own profile in the portfolio.
/// </summary>
public sealed record VppForecast(IReadOnlyDictionary<string, double[]> ProfilesKw);

/// <summary>What actually happened when the schedule was applied interval by interval.</summary>
public sealed record RollingHorizonResult(
    DispatchCosts Costs,
    IReadOnlyList<double> ImportKw,
    IReadOnlyList<double> ExportKw,
    IReadOnlyList<DerSchedule> Realised,
    IReadOnlyList<ConstraintViolation> Violations,
    int Reschedules,
    double TotalSolveMilliseconds);

/// <summary>
/// Model-predictive (rolling-horizon) dispatch: at every interval, re-schedule the next <c>horizon</c> intervals from
/// the measured device states and the latest forecasts, apply the first interval to the actual inputs, and absorb
/// forecast errors with recourse (grid within its limits, then batteries, curtailment, and only then load shedding).
/// </summary>
public static class RollingHorizonDispatcher
{
    public static RollingHorizonResult Run(Portfolio actual, Func<int, int, VppForecast> forecast, int horizon, DispatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        options ??= new DispatchOptions();
        var T = actual.Intervals;
        var dt = actual.IntervalHours;
        var n = actual.Ders.Count;
        var state = new double[n];
        var delivered = new double[n];
        var power = new double[n][];
        var stateSeries = new double[n][];
        for (var d = 0; d < n; d++)
        {
            power[d] = new double[T];
            stateSeries[d] = new double[T];
            state[d] = actual.Ders[d] switch
            {
                Battery b => b.InitialSocKwh,
                ElectricVehicle ev => ev.InitialSocKwh,
                _ => 0,
            };
        }
        var available = actual.Ders.Select(d => d switch
        {
            PvArray pv => actual.AvailableKw(pv),
            WindTurbine w => actual.AvailableKw(w),
            _ => null,
        }).ToArray();
        var importKw = new double[T];
        var exportKw = new double[T];
        var violations = new List<ConstraintViolation>();
        double energy = 0, wear = 0, discomfort = 0, penalty = 0, solveMs = 0;
        var reschedules = 0;
        for (var k = 0; k < T; k++)
        {
            var h = Math.Min(horizon, T - k);
            var window = Window(actual, forecast(k, h), k, h, state, delivered);
            var plan = DispatchOptimizer.Solve(window, options);
            solveMs += plan.SolveMilliseconds;
            reschedules++;
            var setpoint = new Dictionary<string, double>(StringComparer.Ordinal);
            if (plan.Solved)
            {
                foreach (var s in plan.Schedules)
                {
                    setpoint[s.Id] = s.PowerKw[0];
                }
            }
            var step = ApplyInterval(actual, k, dt, setpoint, state, delivered, available, violations, options);
            importKw[k] = step.Import;
            exportKw[k] = step.Export;
            energy += (actual.Tariff.ImportEurPerKwh[k] * step.Import - actual.Tariff.ExportEurPerKwh[k] * step.Export) * dt;
            wear += step.Wear;
            discomfort += step.Discomfort;
            penalty += step.Penalty;
            for (var d = 0; d < n; d++)
            {
                power[d][k] = step.Power[d];
                stateSeries[d][k] = state[d];
            }
        }
        for (var d = 0; d < n; d++)
        {
            switch (actual.Ders[d])
            {
                case ShiftableLoad sl when sl.EnergyKwh - delivered[d] > 1e-6:
                    violations.Add(new ConstraintViolation("shiftable_energy_unserved", sl.Id, Math.Max(sl.LatestInterval - 1, 0), sl.EnergyKwh - delivered[d], "kWh"));
                    discomfort += (sl.EnergyKwh - delivered[d]) * sl.UnservedPenaltyEurPerKwh;
                    break;
                case ElectricVehicle ev when ev.InitialSocKwh + ev.EnergyNeededKwh - state[d] > 1e-6 && ev.DepartureInterval <= T:
                    violations.Add(new ConstraintViolation("ev_energy_at_departure", ev.Id, Math.Max(ev.DepartureInterval - 1, 0), ev.InitialSocKwh + ev.EnergyNeededKwh - state[d], "kWh"));
                    penalty += (ev.InitialSocKwh + ev.EnergyNeededKwh - state[d]) * ev.UnmetPenaltyEurPerKwh;
                    break;
            }
        }
        var realised = actual.Ders.Select((der, d) => new DerSchedule(der.Id, TypeName(der), power[d], der is Battery or ElectricVehicle ? stateSeries[d] : null)).ToArray();
        return new RollingHorizonResult(new DispatchCosts(energy, wear, discomfort, penalty), importKw, exportKw, realised, violations, reschedules, solveMs);
    }

    internal static string TypeName(Der der) => der switch
    {
        PvArray => "pv",
        WindTurbine => "wind",
        Battery => "battery",
        ElectricVehicle => "ev",
        ShiftableLoad => "shiftable_load",
        CurtailableLoad => "curtailable_load",
        FixedLoad { Critical: true } => "critical_load",
        _ => "load",
    };

    /// <summary>The look-ahead problem at interval k: forecast profiles, measured states, windows shifted to start at 0.</summary>
    internal static Portfolio Window(Portfolio actual, VppForecast forecast, int k, int h, double[] state, double[] delivered)
    {
        double[] Slice(IReadOnlyList<double> p) => Enumerable.Range(k, h).Select(t => p[t]).ToArray();
        double[] Profile(Der der, IReadOnlyList<double> own) =>
            forecast.ProfilesKw.TryGetValue(der.Id, out var f) ? f.Take(h).ToArray() : Slice(own);
        var ders = new List<Der>();
        for (var d = 0; d < actual.Ders.Count; d++)
        {
            var der = actual.Ders[d];
            switch (der)
            {
                case PvArray pv:
                    ders.Add(pv with { AvailableKw = Profile(pv, actual.AvailableKw(pv)) });
                    break;
                case WindTurbine w:
                    ders.Add(w with { AvailableKw = Profile(w, actual.AvailableKw(w)) });
                    break;
                case Battery b:
                    ders.Add(b with { InitialSocKwh = state[d], FinalSocKwh = k + h == actual.Intervals ? b.FinalSocKwh : null });
                    break;
                case ElectricVehicle ev when ev.DepartureInterval > k:
                {
                    var present = k >= ev.ArrivalInterval;
                    var soc = present ? state[d] : ev.InitialSocKwh;
                    var target = ev.InitialSocKwh + ev.EnergyNeededKwh;
                    ders.Add(ev with
                    {
                        ArrivalInterval = Math.Max(ev.ArrivalInterval - k, 0),
                        DepartureInterval = Math.Min(ev.DepartureInterval - k, h),
                        InitialSocKwh = soc,
                        // Beyond the window the need is pro-rated so the LP does not leave it all for later.
                        EnergyNeededKwh = Math.Max(0, target - soc) * Math.Min(1.0, (double)(Math.Min(ev.DepartureInterval, k + h) - Math.Max(ev.ArrivalInterval, k)) / Math.Max(1, ev.DepartureInterval - Math.Max(ev.ArrivalInterval, k))),
                    });
                    break;
                }
                case ShiftableLoad sl when sl.LatestInterval > k:
                {
                    var remaining = Math.Max(0, sl.EnergyKwh - delivered[d]);
                    var span = sl.LatestInterval - Math.Max(sl.EarliestInterval, k);
                    var inWindow = Math.Min(sl.LatestInterval, k + h) - Math.Max(sl.EarliestInterval, k);
                    ders.Add(sl with
                    {
                        EarliestInterval = Math.Min(Math.Max(sl.EarliestInterval - k, 0), h),
                        LatestInterval = Math.Min(sl.LatestInterval - k, h),
                        // A window that ends before the deadline only has to deliver its pro-rata share.
                        EnergyKwh = inWindow <= 0 ? 0 : sl.LatestInterval <= k + h ? remaining : remaining * inWindow / Math.Max(1, span),
                    });
                    break;
                }
                case CurtailableLoad cl:
                    ders.Add(cl with { BaselineKw = Profile(cl, cl.BaselineKw) });
                    break;
                case FixedLoad fl:
                    ders.Add(fl with { DemandKw = Profile(fl, fl.DemandKw) });
                    break;
            }
        }
        return actual with
        {
            Start = actual.Start.AddMinutes(actual.IntervalMinutes * (double)k),
            Intervals = h,
            Tariff = new Tariff(Slice(actual.Tariff.ImportEurPerKwh), Slice(actual.Tariff.ExportEurPerKwh)),
            Ders = ders,
            Weather = null,
        };
    }

    private sealed record StepOutcome(double Import, double Export, double[] Power, double Wear, double Discomfort, double Penalty);

    private static StepOutcome ApplyInterval(Portfolio actual, int k, double dt, Dictionary<string, double> setpoint, double[] state, double[] delivered,
        double[]?[] available, List<ConstraintViolation> violations, DispatchOptions options)
    {
        var n = actual.Ders.Count;
        var p = new double[n];
        double wear = 0, discomfort = 0, penalty = 0;
        for (var d = 0; d < n; d++)
        {
            var der = actual.Ders[d];
            var sp = setpoint.GetValueOrDefault(der.Id);
            switch (der)
            {
                case PvArray or WindTurbine:
                    p[d] = available[d]![k];
                    break;
                case Battery b:
                    p[d] = ClampStorage(sp, state[d], Math.Min(b.MinSocKwh, state[d]), Math.Max(b.UpperSocKwh, state[d]), b.MaxChargeKw, b.MaxDischargeKw, b.ChargeEfficiency, b.DischargeEfficiency, dt);
                    break;
                case ElectricVehicle ev:
                    var present = k >= ev.ArrivalInterval && k < ev.DepartureInterval;
                    p[d] = present ? ClampStorage(sp, state[d], 0, ev.BatteryKwh, ev.MaxChargeKw, ev.VehicleToGrid ? ev.MaxDischargeKw : 0, ev.ChargeEfficiency, ev.DischargeEfficiency, dt) : 0;
                    break;
                case ShiftableLoad sl:
                    var allowed = k >= sl.EarliestInterval && k < sl.LatestInterval ? Math.Min(sl.MaxKw, Math.Max(0, sl.EnergyKwh - delivered[d]) / dt) : 0;
                    p[d] = -Math.Clamp(-sp, 0, allowed);
                    break;
                case CurtailableLoad cl:
                {
                    var fc = setpoint.ContainsKey(cl.Id) ? -sp : cl.BaselineKw[k];
                    var planned = Math.Max(0, cl.BaselineKw[k] - fc);
                    p[d] = -(cl.BaselineKw[k] - Math.Min(planned, cl.BaselineKw[k] * cl.MaxCurtailFraction));
                    break;
                }
                case FixedLoad fl:
                    p[d] = -fl.DemandKw[k];
                    break;
            }
        }
        var net = -p.Sum(); // import needed
        if (net > actual.Feeder.ImportLimitKw)
        {
            net = Recourse(actual, k, dt, p, state, net - actual.Feeder.ImportLimitKw, violations) + actual.Feeder.ImportLimitKw;
        }
        else if (net < -actual.Feeder.ExportLimitKw)
        {
            var surplus = -actual.Feeder.ExportLimitKw - net;
            // Store what storage can take before wasting renewable output.
            for (var d = 0; d < n && surplus > 1e-12; d++)
            {
                if (actual.Ders[d] is Battery b)
                {
                    var maxCharge = Math.Max(0, Math.Min(b.MaxChargeKw, (Math.Max(b.UpperSocKwh, state[d]) - state[d]) / (b.ChargeEfficiency * dt)));
                    var x = Math.Max(0, Math.Min(surplus, p[d] + maxCharge));
                    p[d] -= x;
                    surplus -= x;
                }
            }
            for (var d = 0; d < n && surplus > 1e-12; d++)
            {
                if (actual.Ders[d] is PvArray or WindTurbine)
                {
                    var cut = Math.Min(surplus, p[d]);
                    p[d] -= cut;
                    surplus -= cut;
                }
            }
            net = -p.Sum();
            if (net < -actual.Feeder.ExportLimitKw - 1e-9)
            {
                violations.Add(new ConstraintViolation("feeder_export_limit", null, k, -actual.Feeder.ExportLimitKw - net, "kW"));
                penalty += (-actual.Feeder.ExportLimitKw - net) * dt * options.FeederViolationEurPerKwh;
            }
        }
        if (net > actual.Feeder.ImportLimitKw + 1e-9)
        {
            violations.Add(new ConstraintViolation("feeder_import_limit", null, k, net - actual.Feeder.ImportLimitKw, "kW"));
            penalty += (net - actual.Feeder.ImportLimitKw) * dt * options.FeederViolationEurPerKwh;
        }
        for (var d = 0; d < n; d++)
        {
            switch (actual.Ders[d])
            {
                case Battery b:
                    state[d] += p[d] < 0 ? -p[d] * b.ChargeEfficiency * dt : -p[d] * dt / b.DischargeEfficiency;
                    wear += Math.Abs(p[d]) * dt * b.DegradationEurPerKwh / 2;
                    break;
                case ElectricVehicle ev:
                    state[d] += p[d] < 0 ? -p[d] * ev.ChargeEfficiency * dt : -p[d] * dt / ev.DischargeEfficiency;
                    wear += Math.Abs(p[d]) * dt * ev.DegradationEurPerKwh / 2;
                    break;
                case ShiftableLoad:
                    delivered[d] += -p[d] * dt;
                    break;
                case CurtailableLoad cl:
                    discomfort += (cl.BaselineKw[k] + p[d]) * dt * cl.DiscomfortEurPerKwh;
                    break;
                case FixedLoad fl when fl.DemandKw[k] + p[d] > 1e-9:
                    var shed = fl.DemandKw[k] + p[d];
                    violations.Add(new ConstraintViolation(fl.Critical ? "critical_load_shed" : "load_shed", fl.Id, k, shed, "kW"));
                    penalty += shed * dt * (fl.Critical ? options.CriticalShedEurPerKwh : actual.ValueOfLostLoadEurPerKwh);
                    break;
            }
        }
        return new StepOutcome(Math.Max(net, 0), Math.Max(-net, 0), p, wear, discomfort, penalty);
    }

    /// <summary>Covers an import excess: less charging, more discharging, deeper curtailment, then non-critical shedding. Returns what is left.</summary>
    private static double Recourse(Portfolio actual, int k, double dt, double[] p, double[] state, double excess, List<ConstraintViolation> violations)
    {
        _ = violations;
        var n = actual.Ders.Count;
        for (var pass = 0; pass < 5 && excess > 1e-12; pass++)
        {
            for (var d = 0; d < n && excess > 1e-12; d++)
            {
                var der = actual.Ders[d];
                var room = (pass, der) switch
                {
                    (0, Battery) when p[d] < 0 => -p[d],
                    (1, ElectricVehicle) when p[d] < 0 => -p[d],
                    (2, Battery b) => Math.Max(0, Math.Min(b.MaxDischargeKw, (state[d] - Math.Min(b.MinSocKwh, state[d])) * b.DischargeEfficiency / dt) - Math.Max(p[d], 0)),
                    (3, CurtailableLoad cl) => Math.Max(0, -p[d] - (cl.BaselineKw[k] * (1 - cl.MaxCurtailFraction))),
                    (4, FixedLoad { Critical: false }) => -p[d],
                    _ => 0,
                };
                var use = Math.Min(room, excess);
                p[d] += use;
                excess -= use;
            }
        }
        return excess;
    }

    private static double ClampStorage(double setpoint, double soc, double min, double max, double maxCharge, double maxDischarge, double etaC, double etaD, double dt)
    {
        if (setpoint >= 0)
        {
            return Math.Min(Math.Min(setpoint, maxDischarge), Math.Max(0, (soc - min) * etaD / dt));
        }
        return -Math.Min(Math.Min(-setpoint, maxCharge), Math.Max(0, (max - soc) / (etaC * dt)));
    }
}
