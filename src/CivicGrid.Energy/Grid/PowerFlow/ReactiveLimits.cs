using CivicGrid.Energy.Grid.Matpower;

namespace CivicGrid.Energy.Grid.PowerFlow;

/// <summary>Generators held at a reactive limit during a power flow with limit enforcement.</summary>
internal sealed class ReactiveLimitState(int generatorCount, int busCount)
{
    public bool[] Fixed { get; } = new bool[generatorCount];
    public double[] FixedQgMVAr { get; } = new double[generatorCount];

    /// <summary>Active power frozen when the generator was fixed: it matters for a reference generator, whose
    /// output was the balancing result of the last solve.</summary>
    public double[] FixedPgMW { get; } = new double[generatorCount];

    /// <summary>Buses turned PQ because a generator there is held at a limit.</summary>
    public bool[] ForcedPq { get; } = new bool[busCount];

    public List<int> Limited { get; } = [];
}

internal enum ReactiveLimitOutcome
{
    WithinLimits,
    Switched,
    Infeasible,
}

/// <summary>
/// MATPOWER's <c>pf.enforce_q_lims</c> step (runpf): every in-service generator outside [Qmin, Qmax] by more than
/// 5e-6 MVAr is held at the violated limit and its bus becomes PQ — the reference bus included, in which case the
/// first remaining PV bus becomes the reference. When every generator still regulating voltage violates the same
/// side of its range, or when switching would leave no generator regulating, the case is reported infeasible instead.
/// </summary>
internal static class ReactiveLimits
{
    public const double ViolationToleranceMVAr = 5e-6;

    public static ReactiveLimitOutcome Update(GridModel model, BusType[] types, PowerFlowResult result, ReactiveLimitState state,
        ReactiveLimitMode mode)
    {
        var pc = model.Case;
        var above = new List<int>();
        var below = new List<int>();
        var regulating = new List<int>();
        for (var a = 0; a < model.ActiveGenerators.Length; a++)
        {
            var g = model.ActiveGenerators[a];
            if (state.Fixed[g])
            {
                continue;
            }
            var gen = pc.Generators[g];
            var q = result.QgMVAr[g];
            if (q > gen.QmaxMVAr + ViolationToleranceMVAr)
            {
                above.Add(g);
            }
            else if (q < gen.QminMVAr - ViolationToleranceMVAr)
            {
                below.Add(g);
            }
            if (types[model.GeneratorBus[a]] is BusType.PV or BusType.Reference)
            {
                regulating.Add(g);
            }
        }
        if (above.Count == 0 && below.Count == 0)
        {
            return ReactiveLimitOutcome.WithinLimits;
        }
        var violating = above.Concat(below).Order().ToList();
        if ((above.Count == 0 || below.Count == 0) && violating.SequenceEqual(regulating.Order()))
        {
            return ReactiveLimitOutcome.Infeasible;
        }
        if (mode == ReactiveLimitMode.OneAtATime)
        {
            // Only the largest violation (the first one on ties, upper-limit violations first as in MATPOWER).
            var worst = -1;
            var worstAmount = double.NegativeInfinity;
            foreach (var g in above)
            {
                var d = result.QgMVAr[g] - pc.Generators[g].QmaxMVAr;
                if (d > worstAmount)
                {
                    (worst, worstAmount) = (g, d);
                }
            }
            foreach (var g in below)
            {
                var d = pc.Generators[g].QminMVAr - result.QgMVAr[g];
                if (d > worstAmount)
                {
                    (worst, worstAmount) = (g, d);
                }
            }
            var upper = above.Contains(worst);
            above.Clear();
            below.Clear();
            (upper ? above : below).Add(worst);
        }
        // No generator left to regulate voltage and take up the balance: nothing to solve (MATPOWER fails here too).
        if (regulating.TrueForAll(g => above.Contains(g) || below.Contains(g)))
        {
            return ReactiveLimitOutcome.Infeasible;
        }
        foreach (var g in above.Concat(below))
        {
            var gen = pc.Generators[g];
            state.Fixed[g] = true;
            state.FixedQgMVAr[g] = result.QgMVAr[g] > gen.QmaxMVAr ? gen.QmaxMVAr : gen.QminMVAr;
            state.FixedPgMW[g] = result.PgMW[g];
            state.ForcedPq[model.BusIndex[gen.Bus]] = true;
            state.Limited.Add(g);
        }
        return ReactiveLimitOutcome.Switched;
    }
}
