using CivicGrid.Numerics.Lu;
using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Energy.Grid.Opf;

/// <summary>
/// Primal–dual interior-point method (Mehrotra predictor–corrector) for convex programmes with a separable quadratic
/// objective, used for DC-OPF with quadratic generator costs, which the OR-Tools .NET API cannot express. Each
/// iteration solves the regularised augmented system [H + CᵀDC, Aᵀ; A, 0] with the project's sparse LU; the pattern
/// is fixed, so the pivot order found in the first iteration is reused.
/// </summary>
internal static class InteriorPointQpSolver
{
    private const double Regularization = 1e-10;

    public static OptimizationSolution Solve(OptimizationProblem problem, double tolerance = 1e-9, int maxIterations = 150)
    {
        var n = problem.Lower.Count;
        // Equalities A·x = b and inequalities C·x ≤ d, each remembering the original row (or −1 for a bound) and its sign.
        var eqRows = new List<(int[] Idx, double[] Coef, double Rhs, int Orig)>();
        var inRows = new List<(int[] Idx, double[] Coef, double Rhs, int Orig, double Sign)>();
        for (var r = 0; r < problem.Rows.Count; r++)
        {
            var row = problem.Rows[r];
            if (row.Lower == row.Upper)
            {
                eqRows.Add((row.Indices, row.Coefficients, row.Upper, r));
                continue;
            }
            if (!double.IsPositiveInfinity(row.Upper))
            {
                inRows.Add((row.Indices, row.Coefficients, row.Upper, r, 1));
            }
            if (!double.IsNegativeInfinity(row.Lower))
            {
                inRows.Add((row.Indices, row.Coefficients.Select(c => -c).ToArray(), -row.Lower, r, -1));
            }
        }
        for (var j = 0; j < n; j++)
        {
            double lo = problem.Lower[j], hi = problem.Upper[j];
            if (lo == hi)
            {
                eqRows.Add(([j], [1.0], hi, -1));
                continue;
            }
            if (!double.IsPositiveInfinity(hi))
            {
                inRows.Add(([j], [1.0], hi, -1, 1));
            }
            if (!double.IsNegativeInfinity(lo))
            {
                inRows.Add(([j], [-1.0], -lo, -1, -1));
            }
        }
        int me = eqRows.Count, mi = inRows.Count, size = n + me;
        // Pattern of the augmented matrix and where each contribution lands.
        var keys = new HashSet<(int, int)>();
        for (var j = 0; j < size; j++)
        {
            keys.Add((j, j));
        }
        for (var e = 0; e < me; e++)
        {
            foreach (var j in eqRows[e].Idx)
            {
                keys.Add((n + e, j));
                keys.Add((j, n + e));
            }
        }
        foreach (var row in inRows)
        {
            foreach (var a in row.Idx)
            {
                foreach (var b in row.Idx)
                {
                    keys.Add((a, b));
                }
            }
        }
        var kr = keys.Select(k => k.Item1).ToArray();
        var kc = keys.Select(k => k.Item2).ToArray();
        var kkt = CompressedColumnMatrix.FromTriplets(size, size, kr, kc, new double[kr.Length]);
        var diagPos = Enumerable.Range(0, size).Select(j => kkt.IndexOf(j, j)).ToArray();
        var eqPos = eqRows.Select((row, e) => row.Idx.Select(j => (kkt.IndexOf(n + e, j), kkt.IndexOf(j, n + e))).ToArray()).ToArray();
        var inPos = inRows.Select(row => row.Idx.SelectMany(a => row.Idx.Select(b => kkt.IndexOf(a, b))).ToArray()).ToArray();

        var x = new double[n];
        for (var j = 0; j < n; j++)
        {
            double lo = problem.Lower[j], hi = problem.Upper[j];
            x[j] = double.IsFinite(lo) && double.IsFinite(hi) ? 0.5 * (lo + hi) : double.IsFinite(lo) ? lo + 1 : double.IsFinite(hi) ? hi - 1 : 0;
        }
        var y = new double[me];
        var s = new double[mi];
        var z = new double[mi];
        var cx = new double[mi];
        Multiply(inRows, x, cx);
        for (var r = 0; r < mi; r++)
        {
            s[r] = Math.Max(inRows[r].Rhs - cx[r], 1.0);
            z[r] = 1.0;
        }
        var h = problem.Quadratic.ToArray();
        var c = problem.Cost.ToArray();
        var bNorm = eqRows.Count == 0 ? 0 : eqRows.Max(e => Math.Abs(e.Rhs));
        var dNorm = inRows.Count == 0 ? 0 : inRows.Max(e => Math.Abs(e.Rhs));
        var cNorm = c.Length == 0 ? 0 : c.Max(Math.Abs);
        double[] rd = new double[n], rp = new double[me], ri = new double[mi], d = new double[mi], rhs = new double[size];
        double[] dx = new double[n], dy = new double[me], dz = new double[mi], ds = new double[mi], rc = new double[mi], w = new double[mi];
        double[] dxa = new double[n], dya = new double[me], dza = new double[mi], dsa = new double[mi];
        SparseLu? lu = null;
        var status = "iteration_limit";
        var optimal = false;
        for (var it = 0; it < maxIterations; it++)
        {
            // Residuals.
            for (var j = 0; j < n; j++)
            {
                rd[j] = h[j] * x[j] + c[j];
            }
            for (var e = 0; e < me; e++)
            {
                var row = eqRows[e];
                var ax = 0.0;
                for (var k = 0; k < row.Idx.Length; k++)
                {
                    ax += row.Coef[k] * x[row.Idx[k]];
                    rd[row.Idx[k]] += row.Coef[k] * y[e];
                }
                rp[e] = ax - row.Rhs;
            }
            Multiply(inRows, x, cx);
            var mu = 0.0;
            for (var r = 0; r < mi; r++)
            {
                var row = inRows[r];
                for (var k = 0; k < row.Idx.Length; k++)
                {
                    rd[row.Idx[k]] += row.Coef[k] * z[r];
                }
                ri[r] = cx[r] + s[r] - row.Rhs;
                mu += s[r] * z[r];
            }
            mu = mi > 0 ? mu / mi : 0;
            var objective = Objective(problem, x);
            if (MaxAbs(rp) <= tolerance * (1 + bNorm) && MaxAbs(ri) <= tolerance * (1 + dNorm) && MaxAbs(rd) <= tolerance * (1 + cNorm)
                && mu * mi <= tolerance * (1 + Math.Abs(objective)))
            {
                status = "optimal";
                optimal = true;
                break;
            }
            if (double.IsNaN(mu) || double.IsNaN(objective))
            {
                status = "numerical_failure";
                break;
            }
            // Assemble and factorise the augmented matrix.
            var v = kkt.Values;
            Array.Clear(v);
            for (var j = 0; j < n; j++)
            {
                v[diagPos[j]] = h[j] + Regularization;
            }
            for (var e = 0; e < me; e++)
            {
                v[diagPos[n + e]] = -Regularization;
                var row = eqRows[e];
                for (var k = 0; k < row.Idx.Length; k++)
                {
                    v[eqPos[e][k].Item1] += row.Coef[k];
                    v[eqPos[e][k].Item2] += row.Coef[k];
                }
            }
            for (var r = 0; r < mi; r++)
            {
                d[r] = z[r] / s[r];
                var row = inRows[r];
                var q = 0;
                for (var a = 0; a < row.Idx.Length; a++)
                {
                    for (var b = 0; b < row.Idx.Length; b++)
                    {
                        v[inPos[r][q++]] += d[r] * row.Coef[a] * row.Coef[b];
                    }
                }
            }
            if (lu is null)
            {
                lu = SparseLu.Factorize(kkt);
            }
            else
            {
                lu.Refactorize(kkt);
            }
            // Predictor.
            for (var r = 0; r < mi; r++)
            {
                rc[r] = s[r] * z[r];
            }
            Direction(dxa, dya, dza, dsa);
            var alphaP = Math.Min(1.0, MaxStep(s, dsa));
            var alphaD = Math.Min(1.0, MaxStep(z, dza));
            var muAff = 0.0;
            for (var r = 0; r < mi; r++)
            {
                muAff += (s[r] + alphaP * dsa[r]) * (z[r] + alphaD * dza[r]);
            }
            muAff = mi > 0 ? muAff / mi : 0;
            var sigma = mu > 0 ? Math.Pow(muAff / mu, 3) : 0;
            // Corrector.
            for (var r = 0; r < mi; r++)
            {
                rc[r] = s[r] * z[r] + dsa[r] * dza[r] - sigma * mu;
            }
            Direction(dx, dy, dz, ds);
            var alpha = Math.Min(1.0, 0.99995 * Math.Min(MaxStep(s, ds), MaxStep(z, dz)));
            for (var j = 0; j < n; j++)
            {
                x[j] += alpha * dx[j];
            }
            for (var e = 0; e < me; e++)
            {
                y[e] += alpha * dy[e];
            }
            for (var r = 0; r < mi; r++)
            {
                s[r] = Math.Max(s[r] + alpha * ds[r], 1e-300);
                z[r] = Math.Max(z[r] + alpha * dz[r], 1e-300);
            }
        }
        var duals = new double[problem.Rows.Count];
        for (var e = 0; e < me; e++)
        {
            if (eqRows[e].Orig >= 0)
            {
                duals[eqRows[e].Orig] = -y[e];
            }
        }
        for (var r = 0; r < mi; r++)
        {
            if (inRows[r].Orig >= 0)
            {
                duals[inRows[r].Orig] += -inRows[r].Sign * z[r];
            }
        }
        return new OptimizationSolution(status, optimal, optimal ? Objective(problem, x) : double.NaN, x, duals);

        void Direction(double[] ox, double[] oy, double[] oz, double[] os)
        {
            // w = S⁻¹(−r_c + Z·r_i)
            for (var r = 0; r < mi; r++)
            {
                w[r] = (-rc[r] + z[r] * ri[r]) / s[r];
            }
            for (var j = 0; j < n; j++)
            {
                rhs[j] = -rd[j];
            }
            for (var r = 0; r < mi; r++)
            {
                var row = inRows[r];
                for (var k = 0; k < row.Idx.Length; k++)
                {
                    rhs[row.Idx[k]] -= row.Coef[k] * w[r];
                }
            }
            for (var e = 0; e < me; e++)
            {
                rhs[n + e] = -rp[e];
            }
            lu!.Solve(rhs);
            Array.Copy(rhs, ox, n);
            Array.Copy(rhs, n, oy, 0, me);
            Multiply(inRows, ox, os);
            for (var r = 0; r < mi; r++)
            {
                oz[r] = w[r] + d[r] * os[r];
                os[r] = -ri[r] - os[r];
            }
        }
    }

    private static void Multiply(List<(int[] Idx, double[] Coef, double Rhs, int Orig, double Sign)> rows, double[] x, double[] result)
    {
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var sum = 0.0;
            for (var k = 0; k < row.Idx.Length; k++)
            {
                sum += row.Coef[k] * x[row.Idx[k]];
            }
            result[r] = sum;
        }
    }

    private static double MaxStep(double[] v, double[] dv)
    {
        var alpha = 1.0 / 0.99995;
        for (var r = 0; r < v.Length; r++)
        {
            if (dv[r] < 0)
            {
                alpha = Math.Min(alpha, -v[r] / dv[r]);
            }
        }
        return alpha;
    }

    private static double MaxAbs(double[] v)
    {
        var m = 0.0;
        foreach (var t in v)
        {
            m = Math.Max(m, Math.Abs(t));
        }
        return m;
    }

    private static double Objective(OptimizationProblem p, double[] x)
    {
        var f = p.Constant;
        for (var j = 0; j < x.Length; j++)
        {
            f += (0.5 * p.Quadratic[j] * x[j] + p.Cost[j]) * x[j];
        }
        return f;
    }
}
