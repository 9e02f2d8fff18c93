using CivicGrid.Energy.Grid.Matpower;

namespace CivicGrid.Energy.Grid.Opf;

/// <summary>Which solver runs the DC-OPF programme.</summary>
public enum LpSolver
{
    /// <summary>COIN-OR CLP through OR-Tools (the default for linear and piecewise-linear costs).</summary>
    Clp,

    /// <summary>
    /// HiGHS through OR-Tools. Objective and dispatch are right, but OR-Tools 9.15 returns wrong duals from HiGHS,
    /// so nodal prices are reported as NaN; HiGHS also prints a banner on standard output.
    /// </summary>
    Highs,

    /// <summary>Google GLOP through OR-Tools.</summary>
    Glop,

    /// <summary>PDLP (first-order) through OR-Tools.</summary>
    Pdlp,

    /// <summary>The built-in interior-point method; always used when a generator has a quadratic cost.</summary>
    InteriorPoint,
}

/// <summary>Settings of a DC optimal power flow.</summary>
public sealed record DcOpfOptions
{
    public DcConvention Convention { get; init; } = DcConvention.Matpower;
    public LpSolver Solver { get; init; } = LpSolver.Clp;
    public bool EnforceFlowLimits { get; init; } = true;
    public bool EnforceAngleDifferenceLimits { get; init; } = true;

    /// <summary>Branch ratings (MVA) to use instead of RATE_A, by case branch index (e.g. dynamic line ratings).</summary>
    public IReadOnlyDictionary<int, double>? BranchRatingsMVA { get; init; }
}

/// <summary>A constraint that limits the optimum, with its shadow price ($/h per MW or per radian).</summary>
public sealed record BindingConstraint(string Kind, int Index, double Value, double Limit, double ShadowPrice);

/// <summary>Outcome of a DC-OPF, indexed like the case tables.</summary>
public sealed class DcOpfResult
{
    public required string Status { get; init; }
    public bool Optimal { get; init; }
    public double ObjectiveDollarsPerHour { get; init; }
    public string Solver { get; init; } = "";
    public double[] PgMW { get; init; } = [];
    public double[] VaDeg { get; init; } = [];
    public double[] PfMW { get; init; } = [];

    /// <summary>Locational marginal price at each bus: the dual of its power balance.</summary>
    public double[] NodalPriceDollarsPerMWh { get; init; } = [];
    public IReadOnlyList<BindingConstraint> BindingConstraints { get; init; } = [];
}

/// <summary>
/// DC optimal power flow: minimise generation cost subject to the DC power balance at every bus, generator limits,
/// branch flow limits (RATE_A, 0 = unlimited) and branch angle-difference limits. Linear and piecewise-linear
/// costs give an LP solved by OR-Tools; quadratic costs go to the built-in interior-point method.
/// </summary>
public static class DcOptimalPowerFlow
{
    public static DcOpfResult Solve(PowerCase powerCase, DcOpfOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(powerCase);
        options ??= new DcOpfOptions();
        var pc = powerCase;
        var net = DcNetwork.Build(pc, options.Convention);
        var nb = pc.Buses.Count;
        var baseMva = pc.BaseMVA;
        var prob = new OptimizationProblem();
        var theta = new int[nb];
        var refAngle = pc.Buses[net.ReferenceBus].VaDeg * Math.PI / 180;
        for (var i = 0; i < nb; i++)
        {
            var fixedAngle = i == net.ReferenceBus ? refAngle : pc.Buses[i].Type == BusType.Isolated ? 0.0 : double.NaN;
            theta[i] = double.IsNaN(fixedAngle)
                ? prob.AddVariable(double.NegativeInfinity, double.PositiveInfinity)
                : prob.AddVariable(fixedAngle, fixedAngle);
        }
        var pgVar = new int[pc.Generators.Count];
        Array.Fill(pgVar, -1);
        var balance = new Dictionary<int, double>[nb];
        var rhs = new double[nb];
        for (var i = 0; i < nb; i++)
        {
            balance[i] = [];
            rhs[i] = pc.Buses[i].PdMW + pc.Buses[i].GsMW;
        }
        for (var g = 0; g < pc.Generators.Count; g++)
        {
            var gen = pc.Generators[g];
            var bi = net.BusIndex[gen.Bus];
            if (!gen.InService || pc.Buses[bi].Type == BusType.Isolated)
            {
                continue;
            }
            var v = prob.AddVariable(gen.PminMW, gen.PmaxMW);
            pgVar[g] = v;
            Accumulate(balance[bi], v, 1.0);
            if (g < pc.GeneratorCosts.Count)
            {
                AddCost(prob, pc.GeneratorCosts[g], v, g);
            }
        }
        var nl = net.ActiveBranches.Length;
        for (var a = 0; a < nl; a++)
        {
            int f = net.From[a], t = net.To[a];
            var bb = baseMva * net.SusceptancePu[a];
            Accumulate(balance[f], theta[f], -bb);
            Accumulate(balance[f], theta[t], bb);
            Accumulate(balance[t], theta[f], bb);
            Accumulate(balance[t], theta[t], -bb);
            rhs[f] -= bb * net.ShiftRad[a];
            rhs[t] += bb * net.ShiftRad[a];
        }
        var balanceRow = new int[nb];
        for (var i = 0; i < nb; i++)
        {
            balanceRow[i] = prob.AddRow(rhs[i], rhs[i], [.. balance[i].Keys], [.. balance[i].Values]);
        }
        var flowRow = new int[nl];
        var angleRow = new int[nl];
        Array.Fill(flowRow, -1);
        Array.Fill(angleRow, -1);
        for (var a = 0; a < nl; a++)
        {
            var l = net.ActiveBranches[a];
            var br = pc.Branches[l];
            int f = net.From[a], t = net.To[a];
            var bb = baseMva * net.SusceptancePu[a];
            var rate = options.BranchRatingsMVA is not null && options.BranchRatingsMVA.TryGetValue(l, out var dyn) ? dyn : br.RateAMVA;
            if (options.EnforceFlowLimits && rate > 0)
            {
                var shift = bb * net.ShiftRad[a];
                flowRow[a] = prob.AddRow(-rate + shift, rate + shift, [theta[f], theta[t]], [bb, -bb]);
            }
            if (options.EnforceAngleDifferenceLimits)
            {
                var lo = br.AngleMinDeg != 0 && br.AngleMinDeg > -360 ? br.AngleMinDeg * Math.PI / 180 : double.NegativeInfinity;
                var hi = br.AngleMaxDeg != 0 && br.AngleMaxDeg < 360 ? br.AngleMaxDeg * Math.PI / 180 : double.PositiveInfinity;
                if (double.IsFinite(lo) || double.IsFinite(hi))
                {
                    angleRow[a] = prob.AddRow(lo, hi, [theta[f], theta[t]], [1.0, -1.0]);
                }
            }
        }

        var useIpm = options.Solver == LpSolver.InteriorPoint || !prob.IsLinear;
        var sol = useIpm ? InteriorPointQpSolver.Solve(prob) : OrToolsLpSolver.Solve(prob, options.Solver);
        var solverName = useIpm ? "interior-point" : options.Solver.ToString().ToLowerInvariant();
        if (!sol.Optimal)
        {
            return new DcOpfResult { Status = sol.Status, Optimal = false, ObjectiveDollarsPerHour = double.NaN, Solver = solverName };
        }
        var pg = new double[pc.Generators.Count];
        var binding = new List<BindingConstraint>();
        for (var g = 0; g < pg.Length; g++)
        {
            if (pgVar[g] < 0)
            {
                continue;
            }
            pg[g] = sol.X[pgVar[g]];
            var gen = pc.Generators[g];
            if (gen.PmaxMW - pg[g] <= 1e-6 * Math.Max(1, Math.Abs(gen.PmaxMW)) && gen.PmaxMW > gen.PminMW)
            {
                binding.Add(new BindingConstraint("generator_pmax", g, pg[g], gen.PmaxMW, double.NaN));
            }
            else if (pg[g] - gen.PminMW <= 1e-6 * Math.Max(1, Math.Abs(gen.PminMW)) && gen.PmaxMW > gen.PminMW)
            {
                binding.Add(new BindingConstraint("generator_pmin", g, pg[g], gen.PminMW, double.NaN));
            }
        }
        var va = new double[nb];
        for (var i = 0; i < nb; i++)
        {
            va[i] = sol.X[theta[i]] * 180 / Math.PI;
        }
        var pf = new double[pc.Branches.Count];
        for (var a = 0; a < nl; a++)
        {
            var l = net.ActiveBranches[a];
            pf[l] = baseMva * net.SusceptancePu[a] * (sol.X[theta[net.From[a]]] - sol.X[theta[net.To[a]]] - net.ShiftRad[a]);
            if (flowRow[a] >= 0)
            {
                var row = prob.Rows[flowRow[a]];
                var shift = baseMva * net.SusceptancePu[a] * net.ShiftRad[a];
                var limit = row.Upper - shift;
                var dual = sol.RowDuals[flowRow[a]];
                if (Math.Abs(dual) > 1e-6 || double.IsNaN(dual) && limit - Math.Abs(pf[l]) <= 1e-6 * Math.Max(1, limit))
                {
                    binding.Add(new BindingConstraint("branch_flow", l, pf[l], pf[l] >= 0 ? limit : -limit, dual));
                }
            }
            if (angleRow[a] >= 0)
            {
                var dual = sol.RowDuals[angleRow[a]];
                if (Math.Abs(dual) > 1e-6)
                {
                    var row = prob.Rows[angleRow[a]];
                    var diff = va[net.From[a]] - va[net.To[a]];
                    binding.Add(new BindingConstraint("angle_difference", l, diff, (dual > 0 ? row.Upper : row.Lower) * 180 / Math.PI, dual));
                }
            }
        }
        return new DcOpfResult
        {
            Status = sol.Status, Optimal = true, ObjectiveDollarsPerHour = sol.Objective, Solver = solverName, PgMW = pg, VaDeg = va, PfMW = pf,
            NodalPriceDollarsPerMWh = balanceRow.Select(r => sol.RowDuals[r]).ToArray(), BindingConstraints = binding,
        };
    }

    private static void AddCost(OptimizationProblem prob, GeneratorCost cost, int pg, int g)
    {
        var k = cost.Coefficients;
        if (cost.Model == CostModel.Polynomial)
        {
            if (k.Length > 3 && k[..^3].Any(c => c != 0))
            {
                throw new NotSupportedException($"Generator {g + 1} has a polynomial cost of degree {k.Length - 1}; DC-OPF supports up to quadratic.");
            }
            var n = k.Length;
            prob.Constant += n >= 1 ? k[n - 1] : 0;
            prob.Cost[pg] += n >= 2 ? k[n - 2] : 0;
            prob.Quadratic[pg] += n >= 3 ? 2 * k[n - 3] : 0;
            return;
        }
        // Piecewise linear: an epigraph variable above every segment (convex costs).
        var points = k.Length / 2;
        if (points < 2)
        {
            throw new NotSupportedException($"Generator {g + 1} has a piecewise-linear cost with fewer than two points.");
        }
        var y = prob.AddVariable(double.NegativeInfinity, double.PositiveInfinity, 1.0);
        for (var s = 0; s + 1 < points; s++)
        {
            double x0 = k[2 * s], y0 = k[2 * s + 1], x1 = k[2 * s + 2], y1 = k[2 * s + 3];
            if (x1 <= x0)
            {
                throw new NotSupportedException($"Generator {g + 1} has piecewise-linear cost points that do not increase in MW.");
            }
            var m = (y1 - y0) / (x1 - x0);
            // y ≥ m·(Pg − x0) + y0  ⇔  m·Pg − y ≤ m·x0 − y0
            prob.AddRow(double.NegativeInfinity, m * x0 - y0, [pg, y], [m, -1.0]);
        }
    }

    private static void Accumulate(Dictionary<int, double> row, int variable, double value) =>
        row[variable] = row.TryGetValue(variable, out var old) ? old + value : value;
}
