namespace CivicGrid.Energy.Grid.Opf;

/// <summary>
/// A convex programme with a separable quadratic objective: minimise Σ ½·h_j·x_j² + c_j·x_j + constant subject to
/// row bounds lo ≤ a·x ≤ hi and variable bounds. An LP when every h_j is zero.
/// </summary>
internal sealed class OptimizationProblem
{
    public List<double> Lower { get; } = [];
    public List<double> Upper { get; } = [];
    public List<double> Cost { get; } = [];
    public List<double> Quadratic { get; } = [];
    public List<Row> Rows { get; } = [];
    public double Constant { get; set; }

    public int AddVariable(double lower, double upper, double cost = 0, double quadratic = 0)
    {
        Lower.Add(lower);
        Upper.Add(upper);
        Cost.Add(cost);
        Quadratic.Add(quadratic);
        return Lower.Count - 1;
    }

    public int AddRow(double lower, double upper, int[] indices, double[] coefficients)
    {
        Rows.Add(new Row(indices, coefficients, lower, upper));
        return Rows.Count - 1;
    }

    public bool IsLinear => Quadratic.TrueForAll(h => h == 0.0);

    public sealed record Row(int[] Indices, double[] Coefficients, double Lower, double Upper);
}

/// <summary>Primal values, objective and row duals (∂objective/∂row bound: positive when raising the bound costs more).</summary>
internal sealed record OptimizationSolution(string Status, bool Optimal, double Objective, double[] X, double[] RowDuals);
