namespace CivicGrid.Mobility.Assignment;

/// <summary>Stopping rules and reporting of an equilibrium assignment.</summary>
public sealed record AssignmentOptions
{
    /// <summary>Stop when the relative gap <c>(TSTT − SPTT) / SPTT</c> is at or below this.</summary>
    public double TargetRelativeGap { get; init; } = 1e-10;

    public int MaxIterations { get; init; } = 1000;

    /// <summary>Called after every iteration with its gap, average excess cost and objective.</summary>
    public Action<AssignmentIteration>? Progress { get; init; }
}

/// <summary>Convergence figures of one iteration.</summary>
/// <param name="Iteration">1-based iteration number.</param>
/// <param name="RelativeGap">(TSTT − SPTT) / SPTT in generalised cost.</param>
/// <param name="AverageExcessCost">(TSTT − SPTT) / total demand.</param>
/// <param name="Objective">Beckmann objective.</param>
/// <param name="ElapsedMilliseconds">Solver time since the start, including initialisation.</param>
public sealed record AssignmentIteration(int Iteration, double RelativeGap, double AverageExcessCost, double Objective, double ElapsedMilliseconds);

/// <summary>Outcome of an equilibrium assignment: link flows and costs in the network's link order.</summary>
public sealed record AssignmentResult(
    double[] LinkFlows,
    double[] LinkCosts,
    double Objective,
    double RelativeGap,
    double AverageExcessCost,
    int Iterations,
    bool Converged,
    IReadOnlyList<AssignmentIteration> History)
{
    /// <summary>Multi-class runs: link flows per vehicle class in vehicles (not PCE); null for a single class.</summary>
    public IReadOnlyList<double[]>? ClassLinkFlows { get; init; }

    /// <summary>Multi-class runs: each class's generalised link cost (+∞ on its prohibited links).</summary>
    public IReadOnlyList<double[]>? ClassLinkCosts { get; init; }
}

/// <summary>
/// A vehicle class of a multi-class assignment: its own demand (vehicles, dense zone-by-zone like
/// <see cref="AssignmentNetwork.Demand"/>), its passenger-car equivalent (how much capacity one vehicle takes),
/// its own toll/distance weights (the network's when null) and links it may not use (0-based).
/// </summary>
public sealed record VehicleClass(string Name, double[] Demand)
{
    public double PassengerCarEquivalent { get; init; } = 1;

    public GeneralisedCostWeights? Weights { get; init; }

    public IReadOnlyCollection<int>? ProhibitedLinks { get; init; }
}

/// <summary>Raised when demand cannot be assigned (a destination unreachable from its origin).</summary>
public sealed class AssignmentException : Exception
{
    public AssignmentException()
    {
    }

    public AssignmentException(string message)
        : base(message)
    {
    }

    public AssignmentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
