namespace CivicGrid.Energy.Grid.PowerFlow;

/// <summary>AC power-flow algorithm.</summary>
public enum PowerFlowMethod
{
    /// <summary>Full Newton–Raphson in polar coordinates.</summary>
    NewtonRaphson,

    /// <summary>Fast-decoupled, XB version (B′ without resistance; B″ complete).</summary>
    FastDecoupledXB,
}

/// <summary>Settings of an AC power flow.</summary>
public sealed record PowerFlowOptions
{
    public PowerFlowMethod Method { get; init; } = PowerFlowMethod.NewtonRaphson;

    /// <summary>Convergence: infinity norm of the power mismatch, per unit.</summary>
    public double TolerancePu { get; init; } = 1e-8;

    /// <summary>Iteration cap (MATPOWER: 10 for Newton, 30 for fast-decoupled).</summary>
    public int MaxIterations { get; init; } = 30;

    /// <summary>Start from |V| = 1, θ = θref everywhere (generator set points kept) instead of the case voltages.</summary>
    public bool FlatStart { get; init; }

    /// <summary>Switch PV generators that exceed their reactive limits to PQ at the limit and solve again.</summary>
    public bool EnforceReactiveLimits { get; init; }
}

/// <summary>Outcome of an AC or DC power flow, indexed like the case's bus, gen and branch tables.</summary>
public sealed class PowerFlowResult
{
    public bool Converged { get; init; }
    public int Iterations { get; init; }
    public double MaxMismatchPu { get; init; }
    public double[] VmPu { get; init; } = [];
    public double[] VaDeg { get; init; } = [];
    public double[] PgMW { get; init; } = [];
    public double[] QgMVAr { get; init; } = [];
    public double[] PfMW { get; init; } = [];
    public double[] QfMVAr { get; init; } = [];
    public double[] PtMW { get; init; } = [];
    public double[] QtMVAr { get; init; } = [];

    /// <summary>Generators switched to PQ at a reactive limit (case indices).</summary>
    public IReadOnlyList<int> ReactiveLimitedGenerators { get; init; } = [];
}
