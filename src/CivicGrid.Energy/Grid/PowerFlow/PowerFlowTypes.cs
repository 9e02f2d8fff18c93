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

    /// <summary>
    /// Hold generators that exceed their reactive limits at the limit, turn their buses PQ (the reference bus too: the
    /// first PV bus then becomes the reference) and solve again, as MATPOWER's <c>pf.enforce_q_lims</c>.
    /// </summary>
    public bool EnforceReactiveLimits { get; init; }

    /// <summary>With <see cref="EnforceReactiveLimits"/>: all violations per round (MATPOWER 1) or the largest (2).</summary>
    public ReactiveLimitMode ReactiveLimitMode { get; init; } = ReactiveLimitMode.Simultaneous;
}

/// <summary>How reactive-limit enforcement switches generators (MATPOWER's <c>pf.enforce_q_lims</c> = 1 or 2).</summary>
public enum ReactiveLimitMode
{
    /// <summary>Every violating generator is fixed at its limit before the next solve.</summary>
    Simultaneous,

    /// <summary>Only the generator with the largest violation is fixed before the next solve.</summary>
    OneAtATime,
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

    /// <summary>Bus types the final solve used (after reactive-limit switching and a moved reference), per case bus.</summary>
    public IReadOnlyList<Matpower.BusType> BusTypes { get; init; } = [];

    /// <summary>
    /// Reactive-limit enforcement stopped because every generator still regulating voltage violated the same limit
    /// side (MATPOWER reports this as a failed power flow); <see cref="Converged"/> is then false.
    /// </summary>
    public bool ReactiveLimitsInfeasible { get; init; }
}
