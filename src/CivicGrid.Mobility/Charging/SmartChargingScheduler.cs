using System.Globalization;
using Google.OrTools.LinearSolver;

namespace CivicGrid.Mobility.Charging;

/// <summary>A charging site: its connection limit and the feeder (grid region) it hangs on.</summary>
public sealed record ChargingSite(string Id, string FeederId, double PowerLimitKilowatts);

/// <summary>Power a feeder can give to charging in each slot (its limit minus the other load), from the energy side.</summary>
public sealed record FeederHeadroom(string Id, double[] HeadroomKilowatts);

/// <summary>
/// A day (or any horizon) of charging to plan: slot length, energy price per slot, sites, feeders and sessions.
/// Above <see cref="TaperStartStateOfCharge"/> a vehicle's charge power falls linearly to zero at full charge
/// (constant-current/constant-voltage charging).
/// </summary>
public sealed record ChargingProblem(
    int SlotMinutes,
    double[] PricePerKilowattHour,
    IReadOnlyList<ChargingSite> Sites,
    IReadOnlyList<FeederHeadroom> Feeders,
    IReadOnlyList<ChargingSession> Sessions)
{
    public double TaperStartStateOfCharge { get; init; } = 0.8;

    public int Slots => PricePerKilowattHour.Length;
}

/// <summary>A plan: power per session and slot, energy delivered and missed, site and feeder loads.</summary>
public sealed record ChargingSchedule(
    string Status,
    double[][] PowerKilowatts,
    double[] DeliveredKilowattHours,
    double[] ShortfallKilowattHours,
    IReadOnlyDictionary<string, double[]> SiteLoadKilowatts,
    IReadOnlyDictionary<string, double[]> FeederLoadKilowatts,
    double EnergyCost)
{
    /// <summary>Largest share of a session's need that was not delivered (0 = everyone fully charged).</summary>
    public double WorstShortfallFraction { get; init; }

    /// <summary>Feeder slots where the feeder limit held charging back (the limit's shadow price is not zero).</summary>
    public IReadOnlyList<(string Feeder, int Slot)> BindingFeederSlots { get; init; } = [];

    public double TotalShortfallKilowattHours => ShortfallKilowattHours.Sum();

    public double PeakKilowatts(string feederId) => FeederLoadKilowatts.TryGetValue(feederId, out var l) && l.Length > 0 ? l.Max() : 0;
}

/// <summary>
/// Smart charging as a linear program solved with OR-Tools CLP. Per session and slot a power
/// <c>0 ≤ p ≤ P_max</c>, with the SoC taper <c>p_t (1 − s_taper) ≤ P_max (1 − soc_t)</c> where
/// <c>soc_t</c> is the arrival SoC plus the energy charged before slot t; per site and per feeder the summed power
/// stays within the limit in every slot. Each session's energy is delivered or recorded as shortfall
/// <c>u_s ≤ z · E_s</c>. Objective, in order of weight: the largest shortfall fraction z (so when the grid cannot
/// serve everyone, every vehicle misses the same share — max-min fairness), then total shortfall, then energy cost.
/// </summary>
public static class SmartChargingScheduler
{
    private const double FairnessWeight = 1e6;
    private const double ShortfallWeightPerKilowattHour = 1e3;

    public static ChargingSchedule Solve(ChargingProblem problem)
    {
        var (siteIndex, feederOfSite) = Validate(problem);
        var slots = problem.Slots;
        var hours = problem.SlotMinutes / 60.0;
        var taper = 1 - problem.TaperStartStateOfCharge;
        using var solver = Solver.CreateSolver("CLP") ?? throw new InvalidOperationException("OR-Tools CLP is not available in this build.");
        solver.SuppressOutput();
        var objective = solver.Objective();
        var z = solver.MakeNumVar(0, 1, "z");
        objective.SetCoefficient(z, FairnessWeight);
        var n = problem.Sessions.Count;
        var power = new Variable?[n][];
        var shortfall = new Variable[n];
        var siteRows = new Constraint?[problem.Sites.Count, slots];
        var feederRows = new Dictionary<(string, int), Constraint>();
        for (var f = 0; f < problem.Feeders.Count; f++)
        {
            for (var t = 0; t < slots; t++)
            {
                feederRows[(problem.Feeders[f].Id, t)] = solver.MakeConstraint(double.NegativeInfinity, problem.Feeders[f].HeadroomKilowatts[t], Name("feeder", f, t));
            }
        }
        for (var s = 0; s < n; s++)
        {
            var session = problem.Sessions[s];
            var site = siteIndex[session.SiteId];
            power[s] = new Variable?[slots];
            shortfall[s] = solver.MakeNumVar(0, session.EnergyNeededKilowattHours, Name("u", s, 0));
            objective.SetCoefficient(shortfall[s], ShortfallWeightPerKilowattHour);
            var fair = solver.MakeConstraint(double.NegativeInfinity, 0, Name("fair", s, 0));
            fair.SetCoefficient(shortfall[s], 1);
            fair.SetCoefficient(z, -session.EnergyNeededKilowattHours);
            var energy = solver.MakeConstraint(session.EnergyNeededKilowattHours, session.EnergyNeededKilowattHours, Name("energy", s, 0));
            energy.SetCoefficient(shortfall[s], 1);
            for (var t = session.FirstSlot; t < session.EndSlot; t++)
            {
                var p = solver.MakeNumVar(0, session.MaxChargePowerKilowatts, Name("p", s, t));
                power[s][t] = p;
                energy.SetCoefficient(p, hours);
                objective.SetCoefficient(p, problem.PricePerKilowattHour[t] * hours);
                var siteRow = siteRows[site, t] ??= solver.MakeConstraint(double.NegativeInfinity, problem.Sites[site].PowerLimitKilowatts, Name("site", site, t));
                siteRow.SetCoefficient(p, 1);
                if (feederOfSite[site] is { } feeder)
                {
                    feederRows[(feeder, t)].SetCoefficient(p, 1);
                }
                // Taper: p_t·(1 − s_taper) + P_max·Σ_{τ<t} p_τ·h / E_bat ≤ P_max·(1 − soc_arrival).
                var row = solver.MakeConstraint(double.NegativeInfinity, session.MaxChargePowerKilowatts * (1 - session.ArrivalStateOfCharge), Name("taper", s, t));
                row.SetCoefficient(p, taper);
                for (var tau = session.FirstSlot; tau < t; tau++)
                {
                    row.SetCoefficient(power[s][tau]!, session.MaxChargePowerKilowatts * hours / session.BatteryKilowattHours);
                }
            }
        }
        objective.SetMinimization();
        var status = solver.Solve();
        if (status != Solver.ResultStatus.OPTIMAL)
        {
            throw new InvalidOperationException($"smart charging LP ended with status {status}");
        }
        var result = new double[n][];
        for (var s = 0; s < n; s++)
        {
            result[s] = new double[slots];
            for (var t = 0; t < slots; t++)
            {
                result[s][t] = power[s][t] is { } p ? Math.Max(0, p.SolutionValue()) : 0;
            }
        }
        var binding = new List<(string, int)>();
        foreach (var ((feeder, t), row) in feederRows)
        {
            if (Math.Abs(row.DualValue()) > 1e-9)
            {
                binding.Add((feeder, t));
            }
        }
        binding.Sort();
        var schedule = Summarise(problem, result, "optimal");
        return schedule with { BindingFeederSlots = binding };
    }

    /// <summary>
    /// The reference without coordination: every vehicle charges as fast as it can from arrival (taper included),
    /// ignoring site, feeder and prices. Used to show what the limits and the plan change.
    /// </summary>
    public static ChargingSchedule Uncontrolled(ChargingProblem problem)
    {
        Validate(problem);
        var slots = problem.Slots;
        var hours = problem.SlotMinutes / 60.0;
        var taper = 1 - problem.TaperStartStateOfCharge;
        var result = new double[problem.Sessions.Count][];
        for (var s = 0; s < problem.Sessions.Count; s++)
        {
            var session = problem.Sessions[s];
            result[s] = new double[slots];
            var remaining = session.EnergyNeededKilowattHours;
            var soc = session.ArrivalStateOfCharge;
            for (var t = session.FirstSlot; t < session.EndSlot && remaining > 1e-12; t++)
            {
                var p = Math.Min(session.MaxChargePowerKilowatts, session.MaxChargePowerKilowatts * (1 - soc) / taper);
                p = Math.Max(0, Math.Min(p, remaining / hours));
                result[s][t] = p;
                remaining -= p * hours;
                soc += p * hours / session.BatteryKilowattHours;
            }
        }
        return Summarise(problem, result, "uncontrolled");
    }

    private static ChargingSchedule Summarise(ChargingProblem problem, double[][] power, string status)
    {
        var hours = problem.SlotMinutes / 60.0;
        var slots = problem.Slots;
        var siteLoad = problem.Sites.ToDictionary(s => s.Id, _ => new double[slots], StringComparer.Ordinal);
        var feederLoad = problem.Feeders.ToDictionary(f => f.Id, _ => new double[slots], StringComparer.Ordinal);
        var feederOf = problem.Sites.ToDictionary(s => s.Id, s => s.FeederId, StringComparer.Ordinal);
        var delivered = new double[power.Length];
        var shortfall = new double[power.Length];
        double cost = 0, worst = 0;
        for (var s = 0; s < power.Length; s++)
        {
            var session = problem.Sessions[s];
            for (var t = 0; t < slots; t++)
            {
                var p = power[s][t];
                delivered[s] += p * hours;
                cost += p * hours * problem.PricePerKilowattHour[t];
                siteLoad[session.SiteId][t] += p;
                if (feederLoad.TryGetValue(feederOf[session.SiteId], out var fl))
                {
                    fl[t] += p;
                }
            }
            shortfall[s] = Math.Max(0, session.EnergyNeededKilowattHours - delivered[s]);
            if (shortfall[s] < 1e-9)
            {
                shortfall[s] = 0;
            }
            if (session.EnergyNeededKilowattHours > 0)
            {
                worst = Math.Max(worst, shortfall[s] / session.EnergyNeededKilowattHours);
            }
        }
        return new ChargingSchedule(status, power, delivered, shortfall, siteLoad, feederLoad, cost) { WorstShortfallFraction = worst };
    }

    private static (Dictionary<string, int> SiteIndex, string?[] FeederOfSite) Validate(ChargingProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.SlotMinutes <= 0 || problem.Slots == 0)
        {
            throw new ArgumentException("the horizon needs a positive slot length and at least one price");
        }
        if (problem.TaperStartStateOfCharge is <= 0 or >= 1)
        {
            throw new ArgumentException("the taper must start at a state of charge between 0 and 1 (exclusive)");
        }
        foreach (var price in problem.PricePerKilowattHour)
        {
            if (!double.IsFinite(price))
            {
                throw new ArgumentException("prices must be finite numbers");
            }
        }
        var feeders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in problem.Feeders)
        {
            if (f.HeadroomKilowatts.Length != problem.Slots)
            {
                throw new ArgumentException($"feeder '{f.Id}' has {f.HeadroomKilowatts.Length} headroom values for {problem.Slots} slots");
            }
            if (f.HeadroomKilowatts.Any(h => !(h >= 0) || double.IsNaN(h)))
            {
                throw new ArgumentException($"feeder '{f.Id}' has a negative or missing headroom");
            }
            if (!feeders.Add(f.Id))
            {
                throw new ArgumentException($"feeder '{f.Id}' is listed twice");
            }
        }
        var siteIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var feederOfSite = new string?[problem.Sites.Count];
        for (var i = 0; i < problem.Sites.Count; i++)
        {
            var site = problem.Sites[i];
            if (!siteIndex.TryAdd(site.Id, i))
            {
                throw new ArgumentException($"site '{site.Id}' is listed twice");
            }
            if (!(site.PowerLimitKilowatts >= 0))
            {
                throw new ArgumentException($"site '{site.Id}' has a negative power limit");
            }
            feederOfSite[i] = feeders.Contains(site.FeederId) ? site.FeederId : null;
        }
        foreach (var s in problem.Sessions)
        {
            if (!siteIndex.ContainsKey(s.SiteId))
            {
                throw new ArgumentException($"vehicle '{s.VehicleId}' charges at unknown site '{s.SiteId}'");
            }
            if (s.FirstSlot < 0 || s.EndSlot > problem.Slots || s.EndSlot < s.FirstSlot)
            {
                throw new ArgumentException($"vehicle '{s.VehicleId}' parks in slots {s.FirstSlot}..{s.EndSlot}, outside 0..{problem.Slots}");
            }
        }
        return (siteIndex, feederOfSite);
    }

    private static string Name(string kind, int a, int b) => string.Create(CultureInfo.InvariantCulture, $"{kind}_{a}_{b}");
}
