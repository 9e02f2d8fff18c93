using Google.OrTools.LinearSolver;

namespace CivicGrid.Energy.Grid.Opf;

/// <summary>Solves the linear case through Google OR-Tools' MPSolver (HiGHS, CLP, GLOP or PDLP).</summary>
internal static class OrToolsLpSolver
{
    public static OptimizationSolution Solve(OptimizationProblem problem, LpSolver backend)
    {
        var id = backend switch
        {
            LpSolver.Highs => "HIGHS",
            LpSolver.Clp => "CLP",
            LpSolver.Glop => "GLOP",
            LpSolver.Pdlp => "PDLP",
            _ => throw new ArgumentOutOfRangeException(nameof(backend)),
        };
        using var solver = Solver.CreateSolver(id) ?? throw new InvalidOperationException($"OR-Tools solver {id} is not available in this build.");
        solver.SuppressOutput();
        var n = problem.Lower.Count;
        var vars = new Variable[n];
        for (var j = 0; j < n; j++)
        {
            vars[j] = solver.MakeNumVar(problem.Lower[j], problem.Upper[j], "x" + j.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var rows = new Constraint[problem.Rows.Count];
        for (var r = 0; r < rows.Length; r++)
        {
            var row = problem.Rows[r];
            var c = solver.MakeConstraint(row.Lower, row.Upper);
            for (var k = 0; k < row.Indices.Length; k++)
            {
                c.SetCoefficient(vars[row.Indices[k]], row.Coefficients[k]);
            }
            rows[r] = c;
        }
        var objective = solver.Objective();
        for (var j = 0; j < n; j++)
        {
            if (problem.Cost[j] != 0)
            {
                objective.SetCoefficient(vars[j], problem.Cost[j]);
            }
        }
        objective.SetOffset(problem.Constant);
        objective.SetMinimization();
        var status = solver.Solve();
        var optimal = status == Solver.ResultStatus.OPTIMAL;
        var x = optimal ? vars.Select(v => v.SolutionValue()).ToArray() : new double[n];
        // OR-Tools 9.15's HiGHS bridge returns row activities in place of duals (checked on a two-variable LP whose
        // dual is 1: it reports 3), so HiGHS prices are reported as unavailable rather than wrong.
        var duals = !optimal ? new double[rows.Length]
            : backend == LpSolver.Highs ? Enumerable.Repeat(double.NaN, rows.Length).ToArray()
            : rows.Select(c => c.DualValue()).ToArray();
        return new OptimizationSolution(status.ToString().ToLowerInvariant(), optimal, optimal ? objective.Value() : double.NaN, x, duals);
    }
}
