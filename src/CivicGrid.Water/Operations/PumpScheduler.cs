using System.Diagnostics;

namespace CivicGrid.Water.Operations;

/// <summary>
/// Minimises pumping cost under a tariff with the hydraulic engine in the loop. Every candidate is a full
/// extended-period simulation (<see cref="PumpScheduleEvaluator"/>), so no accepted schedule rests on a surrogate.
/// The search is a price-guided local search over on/off periods:
/// <list type="number">
/// <item>start from the best of the network's own operation (read back as an on/off schedule), all pumps on, and a
/// price-threshold schedule (on in the cheapest periods);</item>
/// <item>repair: while constraints are broken, switch a pump on in the cheapest period (or off in the dearest) that
/// reduces the violation;</item>
/// <item>improve: switch off dear periods and move running periods from dear to cheap ones, keeping every constraint.</item>
/// </list>
/// Candidates are compared lexicographically: feasible before infeasible, then lower violation, then lower cost.
/// </summary>
public static class PumpScheduler
{
    private const double FeasibleTolerance = 1e-9;

    public static PumpScheduleResult Optimise(Model.WaterNetwork network, EnergyTariff tariff, PumpScheduleOptions? options = null, CancellationToken cancellationToken = default)
    {
        var evaluator = new PumpScheduleEvaluator(network, tariff, options);
        return Optimise(evaluator, cancellationToken);
    }

    public static PumpScheduleResult Optimise(PumpScheduleEvaluator evaluator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        var watch = Stopwatch.StartNew();
        var np = evaluator.PumpIds.Count;
        var nh = evaluator.Periods;
        var prices = evaluator.PeriodPrices();
        var budget = Math.Max(3, evaluator.Options.MaxEvaluations);
        var evaluations = 0;

        var own = evaluator.EvaluateOwnControls();
        evaluations++;

        bool[][] best = [.. evaluator.ScheduleOf(own).On.Select(r => r.ToArray())];
        var bestEval = Run(best);
        var allOn = Fill(true);
        Consider(allOn);
        // Price threshold starts: on wherever the price is at most the k-th cheapest.
        var sorted = prices.Distinct().Order().ToList();
        foreach (var q in new[] { 0.25, 0.5, 0.75 })
        {
            if (evaluations >= budget / 4 || sorted.Count < 2)
            {
                break;
            }
            var threshold = sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];
            var s = Fill(false);
            for (var p = 0; p < np; p++)
            {
                for (var h = 0; h < nh; h++)
                {
                    s[p][h] = prices[h] <= threshold;
                }
            }
            Consider(s);
        }

        var byPriceAsc = Enumerable.Range(0, nh).OrderBy(h => prices[h]).ThenBy(h => h).ToArray();
        var byPriceDesc = byPriceAsc.Reverse().ToArray();
        var improved = true;
        while (improved && evaluations < budget)
        {
            cancellationToken.ThrowIfCancellationRequested();
            improved = false;
            if (bestEval.ViolationScore > FeasibleTolerance)
            {
                // Repair: cheapest switch-on first, then dearest switch-off.
                improved = TryFlips(byPriceAsc, on: true) || TryFlips(byPriceDesc, on: false) || TryShifts();
                if (improved)
                {
                    continue;
                }
            }
            improved = TryFlips(byPriceDesc, on: false);
            if (!improved)
            {
                improved = TrySwaps();
            }
        }
        watch.Stop();
        var schedule = ToSchedule(best);
        var final = evaluator.Evaluate(schedule, "optimised");
        return new PumpScheduleResult(schedule, final, own, evaluations + 1, watch.Elapsed.TotalMilliseconds);

        bool TryFlips(int[] order, bool on)
        {
            var any = false;
            foreach (var h in order)
            {
                for (var p = 0; p < np && evaluations < budget; p++)
                {
                    if (best[p][h] == on)
                    {
                        continue;
                    }
                    var s = Copy(best);
                    s[p][h] = on;
                    if (Consider(s))
                    {
                        any = true;
                    }
                }
            }
            return any;
        }

        // Moves a running period one period earlier or later: what clears a tank touching its band at one time.
        bool TryShifts()
        {
            var any = false;
            for (var p = 0; p < np; p++)
            {
                for (var h = 0; h < nh && evaluations < budget; h++)
                {
                    if (!best[p][h])
                    {
                        continue;
                    }
                    foreach (var to in new[] { h - 1, h + 1 })
                    {
                        if (to < 0 || to >= nh || best[p][to] || evaluations >= budget)
                        {
                            continue;
                        }
                        var s = Copy(best);
                        s[p][h] = false;
                        s[p][to] = true;
                        if (Consider(s))
                        {
                            any = true;
                            break;
                        }
                    }
                }
            }
            return any;
        }

        bool TrySwaps()
        {
            var any = false;
            for (var p = 0; p < np; p++)
            {
                foreach (var dear in byPriceDesc)
                {
                    if (!best[p][dear])
                    {
                        continue;
                    }
                    foreach (var cheap in byPriceAsc)
                    {
                        if (evaluations >= budget || prices[cheap] >= prices[dear])
                        {
                            break;
                        }
                        if (best[p][cheap])
                        {
                            continue;
                        }
                        var s = Copy(best);
                        s[p][dear] = false;
                        s[p][cheap] = true;
                        if (Consider(s))
                        {
                            any = true;
                            break;
                        }
                    }
                }
            }
            return any;
        }

        bool Consider(bool[][] candidate)
        {
            var e = Run(candidate);
            if (Better(e, bestEval))
            {
                best = candidate;
                bestEval = e;
                return true;
            }
            return false;
        }

        PumpScheduleEvaluation Run(bool[][] s)
        {
            evaluations++;
            return evaluator.Evaluate(ToSchedule(s));
        }

        bool[][] Fill(bool value) => [.. Enumerable.Range(0, np).Select(_ => Enumerable.Repeat(value, nh).ToArray())];

        PumpSchedule ToSchedule(bool[][] s) => new(evaluator.PumpIds, evaluator.PeriodSeconds, [.. s.Select(r => (IReadOnlyList<bool>)[.. r])]);
    }

    private static bool[][] Copy(bool[][] s) => [.. s.Select(r => (bool[])r.Clone())];

    /// <summary>Feasible beats infeasible; among infeasible the smaller violation wins; among feasible the lower cost.</summary>
    internal static bool Better(PumpScheduleEvaluation a, PumpScheduleEvaluation b)
    {
        var fa = a.ViolationScore <= FeasibleTolerance;
        var fb = b.ViolationScore <= FeasibleTolerance;
        if (fa != fb)
        {
            return fa;
        }
        if (!fa)
        {
            return a.ViolationScore < b.ViolationScore - 1e-9 || (Math.Abs(a.ViolationScore - b.ViolationScore) <= 1e-9 && a.CostEur < b.CostEur - 1e-9);
        }
        return a.CostEur < b.CostEur - 1e-9;
    }
}
