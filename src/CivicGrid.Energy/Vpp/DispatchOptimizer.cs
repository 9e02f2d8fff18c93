using System.Diagnostics;
using Google.OrTools.LinearSolver;

namespace CivicGrid.Energy.Vpp;

/// <summary>
/// Day-ahead dispatch of a portfolio as one linear programme: minimise energy cost + battery wear + discomfort +
/// penalties of soft constraints, subject to device limits, the energy balance at the feeder and (optionally)
/// linearised line limits. Feeder limits, comfort bounds, EV departure energy, final battery energy, critical and
/// other load are all soft, so every input has a schedule; what could not be met is listed as violations.
/// </summary>
public static class DispatchOptimizer
{
    private const double Tolerance = 1e-6;

    public static DispatchResult Solve(Portfolio portfolio, DispatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(portfolio);
        options ??= new DispatchOptions();
        var sw = Stopwatch.StartNew();
        var T = portfolio.Intervals;
        var dt = portfolio.IntervalHours;
        using var solver = Solver.CreateSolver(options.Solver) ?? throw new InvalidOperationException($"OR-Tools solver {options.Solver} is not available.");
        solver.SuppressOutput();
        var objective = solver.Objective();
        objective.SetMinimization();
        var inf = double.PositiveInfinity;

        // Balance: imports − exports + Σ injections = 0 in every interval (fixed demand goes to the right-hand side).
        var balance = new Constraint[T];
        var imp = new Variable[T];
        var exp = new Variable[T];
        var impOver = new Variable[T];
        var expOver = new Variable[T];
        for (var t = 0; t < T; t++)
        {
            balance[t] = solver.MakeConstraint(0, 0, "");
            imp[t] = solver.MakeNumVar(0, inf, "");
            exp[t] = solver.MakeNumVar(0, inf, "");
            impOver[t] = solver.MakeNumVar(0, inf, "");
            expOver[t] = solver.MakeNumVar(0, inf, "");
            balance[t].SetCoefficient(imp[t], 1);
            balance[t].SetCoefficient(exp[t], -1);
            objective.SetCoefficient(imp[t], portfolio.Tariff.ImportEurPerKwh[t] * dt);
            objective.SetCoefficient(exp[t], -portfolio.Tariff.ExportEurPerKwh[t] * dt);
            objective.SetCoefficient(impOver[t], options.FeederViolationEurPerKwh * dt);
            objective.SetCoefficient(expOver[t], options.FeederViolationEurPerKwh * dt);
            var ic = solver.MakeConstraint(-inf, portfolio.Feeder.ImportLimitKw, "");
            ic.SetCoefficient(imp[t], 1);
            ic.SetCoefficient(impOver[t], -1);
            var ec = solver.MakeConstraint(-inf, portfolio.Feeder.ExportLimitKw, "");
            ec.SetCoefficient(exp[t], 1);
            ec.SetCoefficient(expOver[t], -1);
        }

        // Per-device injection terms per interval, kept only when grid constraints need them.
        var injections = options.Grid is null ? null : new List<(int Der, Variable Var, double Coef, double Constant)>[T];
        if (injections is not null)
        {
            for (var t = 0; t < T; t++)
            {
                injections[t] = [];
            }
        }
        void Inject(int der, int t, Variable? v, double coef, double constant = 0)
        {
            if (v is not null)
            {
                balance[t].SetCoefficient(v, coef);
            }
            if (constant != 0)
            {
                // A constant injection (a curtailable load's baseline) moves the balance's right-hand side.
                balance[t].SetBounds(balance[t].Lb() - constant, balance[t].Ub() - constant);
            }
            injections?[t].Add((der, v!, coef, constant));
        }

        var builders = new List<Func<DerOutcome>>();
        for (var d = 0; d < portfolio.Ders.Count; d++)
        {
            var der = portfolio.Ders[d];
            var di = d;
            switch (der)
            {
                case PvArray pv:
                    builders.Add(Generation(solver, portfolio.AvailableKw(pv), pv.Id, "pv", t => di, Inject));
                    break;
                case WindTurbine wt:
                    builders.Add(Generation(solver, portfolio.AvailableKw(wt), wt.Id, "wind", t => di, Inject));
                    break;
                case Battery b:
                    builders.Add(AddBattery(solver, objective, b, T, dt, options, di, Inject));
                    break;
                case ElectricVehicle ev:
                    builders.Add(AddVehicle(solver, objective, ev, T, dt, di, Inject));
                    break;
                case ShiftableLoad sl:
                    builders.Add(AddShiftable(solver, objective, sl, T, dt, di, Inject));
                    break;
                case CurtailableLoad cl:
                    builders.Add(AddCurtailable(solver, objective, cl, T, dt, options, di, Inject));
                    break;
                case FixedLoad fl:
                    builders.Add(AddFixed(solver, objective, fl, T, dt, portfolio.ValueOfLostLoadEurPerKwh, options, di, balance, injections));
                    break;
                default:
                    throw new NotSupportedException("unknown DER type " + der.GetType().Name);
            }
        }

        var lineOver = options.Grid is { } grid ? AddGridConstraints(solver, objective, portfolio, grid, injections!, dt, options) : null;

        var status = solver.Solve();
        var solved = status is Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE;
        var ms = sw.Elapsed.TotalMilliseconds;
        if (!solved)
        {
            return new DispatchResult(status.ToString().ToLowerInvariant(), false, new DispatchCosts(double.NaN, double.NaN, double.NaN, double.NaN),
                new double[T], new double[T], [], [new ConstraintViolation("solver", null, 0, 0, status.ToString().ToLowerInvariant())], ms);
        }

        var violations = new List<ConstraintViolation>();
        var energy = 0.0;
        var penalty = 0.0;
        var importKw = new double[T];
        var exportKw = new double[T];
        for (var t = 0; t < T; t++)
        {
            importKw[t] = imp[t].SolutionValue();
            exportKw[t] = exp[t].SolutionValue();
            energy += (portfolio.Tariff.ImportEurPerKwh[t] * importKw[t] - portfolio.Tariff.ExportEurPerKwh[t] * exportKw[t]) * dt;
            var io = impOver[t].SolutionValue();
            var eo = expOver[t].SolutionValue();
            if (io > Tolerance)
            {
                violations.Add(new ConstraintViolation("feeder_import_limit", null, t, io, "kW"));
                penalty += io * dt * options.FeederViolationEurPerKwh;
            }
            if (eo > Tolerance)
            {
                violations.Add(new ConstraintViolation("feeder_export_limit", null, t, eo, "kW"));
                penalty += eo * dt * options.FeederViolationEurPerKwh;
            }
        }
        if (lineOver is not null)
        {
            for (var l = 0; l < lineOver.GetLength(0); l++)
            {
                for (var t = 0; t < T; t++)
                {
                    var v = lineOver[l, t].SolutionValue();
                    if (v > Tolerance)
                    {
                        violations.Add(new ConstraintViolation("line_limit:" + options.Grid!.LineNames[l], null, t, v, "kW"));
                        penalty += v * dt * options.FeederViolationEurPerKwh;
                    }
                }
            }
        }
        var schedules = new List<DerSchedule>();
        double wear = 0, discomfort = 0;
        foreach (var build in builders)
        {
            var outcome = build();
            schedules.Add(outcome.Schedule);
            violations.AddRange(outcome.Violations);
            wear += outcome.WearEur;
            discomfort += outcome.DiscomfortEur;
            penalty += outcome.PenaltyEur;
        }
        return new DispatchResult(status.ToString().ToLowerInvariant(), true, new DispatchCosts(energy, wear, discomfort, penalty),
            importKw, exportKw, schedules, violations, sw.Elapsed.TotalMilliseconds);
    }

    private sealed record DerOutcome(DerSchedule Schedule, List<ConstraintViolation> Violations, double WearEur, double DiscomfortEur, double PenaltyEur);

    private delegate void InjectFn(int der, int t, Variable? v, double coef, double constant = 0);

    private static Func<DerOutcome> Generation(Solver solver, double[] available, string id, string type, Func<int, int> index, InjectFn inject)
    {
        var p = new Variable[available.Length];
        for (var t = 0; t < available.Length; t++)
        {
            p[t] = solver.MakeNumVar(0, available[t], "");
            inject(index(t), t, p[t], 1);
        }
        return () => new DerOutcome(new DerSchedule(id, type, p.Select(v => v.SolutionValue()).ToArray(), null), [], 0, 0, 0);
    }

    private static Func<DerOutcome> AddBattery(Solver solver, Objective objective, Battery b, int T, double dt, DispatchOptions options, int index, InjectFn inject)
    {
        var lower = Math.Min(b.MinSocKwh, b.InitialSocKwh);
        var upper = Math.Max(b.UpperSocKwh, b.InitialSocKwh);
        var ch = new Variable[T];
        var dis = new Variable[T];
        var soc = new Variable[T];
        var wear = b.DegradationEurPerKwh * dt / 2;
        for (var t = 0; t < T; t++)
        {
            ch[t] = solver.MakeNumVar(0, b.MaxChargeKw, "");
            dis[t] = solver.MakeNumVar(0, b.MaxDischargeKw, "");
            soc[t] = solver.MakeNumVar(lower, upper, "");
            inject(index, t, ch[t], -1);
            inject(index, t, dis[t], 1);
            if (wear > 0)
            {
                objective.SetCoefficient(ch[t], wear);
                objective.SetCoefficient(dis[t], wear);
            }
            // soc[t] is the energy at the END of interval t.
            var prevConst = t == 0 ? b.InitialSocKwh : 0;
            var row = solver.MakeConstraint(prevConst, prevConst, "");
            row.SetCoefficient(soc[t], 1);
            if (t > 0)
            {
                row.SetCoefficient(soc[t - 1], -1);
            }
            row.SetCoefficient(ch[t], -b.ChargeEfficiency * dt);
            row.SetCoefficient(dis[t], dt / b.DischargeEfficiency);
        }
        Variable? shortfall = null;
        if (b.FinalSocKwh is { } final && T > 0)
        {
            shortfall = solver.MakeNumVar(0, double.PositiveInfinity, "");
            objective.SetCoefficient(shortfall, options.FinalSocShortfallEurPerKwh);
            var row = solver.MakeConstraint(final, double.PositiveInfinity, "");
            row.SetCoefficient(soc[T - 1], 1);
            row.SetCoefficient(shortfall, 1);
        }
        return () =>
        {
            var violations = new List<ConstraintViolation>();
            if (b.InitialSocKwh < b.MinSocKwh - Tolerance || b.InitialSocKwh > b.UpperSocKwh + Tolerance)
            {
                violations.Add(new ConstraintViolation("battery_initial_soc_outside_bounds", b.Id, 0, b.InitialSocKwh, "kWh"));
            }
            var penalty = 0.0;
            if (shortfall is not null && shortfall.SolutionValue() > Tolerance)
            {
                violations.Add(new ConstraintViolation("battery_final_soc", b.Id, T - 1, shortfall.SolutionValue(), "kWh"));
                penalty = shortfall.SolutionValue() * options.FinalSocShortfallEurPerKwh;
            }
            var power = new double[T];
            var throughput = 0.0;
            for (var t = 0; t < T; t++)
            {
                power[t] = dis[t].SolutionValue() - ch[t].SolutionValue();
                throughput += (dis[t].SolutionValue() + ch[t].SolutionValue()) * dt;
            }
            return new DerOutcome(new DerSchedule(b.Id, "battery", power, soc.Select(v => v.SolutionValue()).ToArray()), violations, throughput * b.DegradationEurPerKwh / 2, 0, penalty);
        };
    }

    private static Func<DerOutcome> AddVehicle(Solver solver, Objective objective, ElectricVehicle ev, int T, double dt, int index, InjectFn inject)
    {
        var start = Math.Min(ev.ArrivalInterval, T);
        var end = Math.Min(ev.DepartureInterval, T);
        var n = end - start;
        var ch = new Variable[n];
        var dis = new Variable[n];
        var soc = new Variable[n];
        var wear = ev.DegradationEurPerKwh * dt / 2;
        for (var k = 0; k < n; k++)
        {
            var t = start + k;
            ch[k] = solver.MakeNumVar(0, ev.MaxChargeKw, "");
            dis[k] = solver.MakeNumVar(0, ev.VehicleToGrid ? ev.MaxDischargeKw : 0, "");
            soc[k] = solver.MakeNumVar(0, ev.BatteryKwh, "");
            inject(index, t, ch[k], -1);
            inject(index, t, dis[k], 1);
            if (wear > 0)
            {
                objective.SetCoefficient(ch[k], wear);
                objective.SetCoefficient(dis[k], wear);
            }
            var c = k == 0 ? ev.InitialSocKwh : 0;
            var row = solver.MakeConstraint(c, c, "");
            row.SetCoefficient(soc[k], 1);
            if (k > 0)
            {
                row.SetCoefficient(soc[k - 1], -1);
            }
            row.SetCoefficient(ch[k], -ev.ChargeEfficiency * dt);
            row.SetCoefficient(dis[k], dt / ev.DischargeEfficiency);
        }
        var target = ev.InitialSocKwh + ev.EnergyNeededKwh;
        var shortfall = solver.MakeNumVar(0, double.PositiveInfinity, "");
        objective.SetCoefficient(shortfall, ev.UnmetPenaltyEurPerKwh);
        var need = solver.MakeConstraint(target, double.PositiveInfinity, "");
        need.SetCoefficient(shortfall, 1);
        if (n > 0)
        {
            need.SetCoefficient(soc[n - 1], 1);
        }
        else
        {
            need.SetBounds(target - ev.InitialSocKwh, double.PositiveInfinity);
        }
        return () =>
        {
            var power = new double[T];
            var state = new double[T];
            var throughput = 0.0;
            for (var t = 0; t < T; t++)
            {
                state[t] = t < start ? ev.InitialSocKwh : double.NaN;
            }
            for (var k = 0; k < n; k++)
            {
                power[start + k] = dis[k].SolutionValue() - ch[k].SolutionValue();
                state[start + k] = soc[k].SolutionValue();
                throughput += (dis[k].SolutionValue() + ch[k].SolutionValue()) * dt;
            }
            var violations = new List<ConstraintViolation>();
            var s = shortfall.SolutionValue();
            if (s > Tolerance)
            {
                violations.Add(new ConstraintViolation("ev_energy_at_departure", ev.Id, Math.Max(end - 1, 0), s, "kWh"));
            }
            return new DerOutcome(new DerSchedule(ev.Id, "ev", power, state), violations, throughput * ev.DegradationEurPerKwh / 2, 0, s * ev.UnmetPenaltyEurPerKwh);
        };
    }

    private static Func<DerOutcome> AddShiftable(Solver solver, Objective objective, ShiftableLoad sl, int T, double dt, int index, InjectFn inject)
    {
        var start = Math.Min(sl.EarliestInterval, T);
        var end = Math.Min(sl.LatestInterval, T);
        var p = new Variable[end - start];
        var total = solver.MakeConstraint(sl.EnergyKwh, sl.EnergyKwh, "");
        var unserved = solver.MakeNumVar(0, sl.EnergyKwh, "");
        objective.SetCoefficient(unserved, sl.UnservedPenaltyEurPerKwh);
        total.SetCoefficient(unserved, 1);
        for (var k = 0; k < p.Length; k++)
        {
            p[k] = solver.MakeNumVar(0, sl.MaxKw, "");
            inject(index, start + k, p[k], -1);
            total.SetCoefficient(p[k], dt);
        }
        return () =>
        {
            var power = new double[T];
            for (var k = 0; k < p.Length; k++)
            {
                power[start + k] = -p[k].SolutionValue();
            }
            var u = unserved.SolutionValue();
            List<ConstraintViolation> violations = u > Tolerance ? [new ConstraintViolation("shiftable_energy_unserved", sl.Id, Math.Max(end - 1, 0), u, "kWh")] : [];
            return new DerOutcome(new DerSchedule(sl.Id, "shiftable_load", power, null), violations, 0, u * sl.UnservedPenaltyEurPerKwh, 0);
        };
    }

    private static Func<DerOutcome> AddCurtailable(Solver solver, Objective objective, CurtailableLoad cl, int T, double dt, DispatchOptions options, int index, InjectFn inject)
    {
        var curtail = new Variable[T];
        var beyond = new Variable[T];
        for (var t = 0; t < T; t++)
        {
            var baseKw = cl.BaselineKw[t];
            // Curtailment within the comfort bound costs discomfort; beyond it is a violation.
            curtail[t] = solver.MakeNumVar(0, baseKw * cl.MaxCurtailFraction, "");
            beyond[t] = solver.MakeNumVar(0, baseKw * (1 - cl.MaxCurtailFraction), "");
            objective.SetCoefficient(curtail[t], cl.DiscomfortEurPerKwh * dt);
            objective.SetCoefficient(beyond[t], (cl.DiscomfortEurPerKwh + options.ComfortViolationEurPerKwh) * dt);
            inject(index, t, curtail[t], 1, -baseKw);
            inject(index, t, beyond[t], 1);
        }
        return () =>
        {
            var power = new double[T];
            var violations = new List<ConstraintViolation>();
            double discomfort = 0, penalty = 0;
            for (var t = 0; t < T; t++)
            {
                var c = curtail[t].SolutionValue();
                var x = beyond[t].SolutionValue();
                power[t] = -(cl.BaselineKw[t] - c - x);
                discomfort += (c + x) * dt * cl.DiscomfortEurPerKwh;
                if (x > Tolerance)
                {
                    violations.Add(new ConstraintViolation("comfort_bound", cl.Id, t, x, "kW"));
                    penalty += x * dt * options.ComfortViolationEurPerKwh;
                }
            }
            return new DerOutcome(new DerSchedule(cl.Id, "curtailable_load", power, null), violations, 0, discomfort, penalty);
        };
    }

    private static Func<DerOutcome> AddFixed(Solver solver, Objective objective, FixedLoad fl, int T, double dt, double voll, DispatchOptions options, int index,
        Constraint[] balance, List<(int Der, Variable Var, double Coef, double Constant)>[]? injections)
    {
        var shed = new Variable[T];
        var price = fl.Critical ? options.CriticalShedEurPerKwh : voll;
        for (var t = 0; t < T; t++)
        {
            var demand = fl.DemandKw[t];
            shed[t] = solver.MakeNumVar(0, demand, "");
            objective.SetCoefficient(shed[t], price * dt);
            balance[t].SetCoefficient(shed[t], 1);
            balance[t].SetBounds(balance[t].Lb() + demand, balance[t].Ub() + demand);
            injections?[t].Add((index, shed[t], 1, -demand));
        }
        return () =>
        {
            var power = new double[T];
            var violations = new List<ConstraintViolation>();
            var cost = 0.0;
            for (var t = 0; t < T; t++)
            {
                var s = shed[t].SolutionValue();
                power[t] = -(fl.DemandKw[t] - s);
                if (s > Tolerance)
                {
                    violations.Add(new ConstraintViolation(fl.Critical ? "critical_load_shed" : "load_shed", fl.Id, t, s, "kW"));
                    cost += s * dt * price;
                }
            }
            return new DerOutcome(new DerSchedule(fl.Id, fl.Critical ? "critical_load" : "load", power, null), violations, 0, 0, cost);
        };
    }

    private static Variable[,] AddGridConstraints(Solver solver, Objective objective, Portfolio portfolio, GridConstraints grid,
        List<(int Der, Variable Var, double Coef, double Constant)>[] injections, double dt, DispatchOptions options)
    {
        var busColumn = new Dictionary<int, int>();
        for (var i = 0; i < grid.BusNumbers.Count; i++)
        {
            busColumn[grid.BusNumbers[i]] = i;
        }
        var derColumn = portfolio.Ders.Select(d => d.Bus is { } b && busColumn.TryGetValue(b, out var c) ? c : -1).ToArray();
        var lines = grid.LineNames.Count;
        var over = new Variable[lines, portfolio.Intervals];
        for (var l = 0; l < lines; l++)
        {
            for (var t = 0; t < portfolio.Intervals; t++)
            {
                var upper = solver.MakeConstraint(double.NegativeInfinity, grid.LimitKw[l], "");
                var lower = solver.MakeConstraint(-grid.LimitKw[l], double.PositiveInfinity, "");
                over[l, t] = solver.MakeNumVar(0, double.PositiveInfinity, "");
                objective.SetCoefficient(over[l, t], options.FeederViolationEurPerKwh * dt);
                upper.SetCoefficient(over[l, t], -1);
                lower.SetCoefficient(over[l, t], 1);
                var constant = 0.0;
                var coefficients = new Dictionary<Variable, double>();
                foreach (var (der, v, coef, c) in injections[t])
                {
                    var col = derColumn[der];
                    if (col < 0)
                    {
                        continue;
                    }
                    var f = grid.Ptdf[l, col];
                    constant += f * c;
                    if (v is not null)
                    {
                        coefficients[v] = coefficients.GetValueOrDefault(v) + f * coef;
                    }
                }
                foreach (var (v, c) in coefficients)
                {
                    upper.SetCoefficient(v, c);
                    lower.SetCoefficient(v, c);
                }
                upper.SetUb(grid.LimitKw[l] - constant);
                lower.SetLb(-grid.LimitKw[l] - constant);
            }
        }
        return over;
    }
}
