using CivicGrid.Energy.Shedding;
using CivicGrid.Platform.Decisions;
using CivicGrid.Water.Operations;

namespace CivicGrid.Platform.Water;

/// <summary>The demo pump schedule as the page and API show it.</summary>
public sealed record PumpScheduleView(
    string Network,
    int Junctions,
    IReadOnlyList<string> PumpIds,
    IReadOnlyList<string> TankIds,
    PumpScheduleEvaluation Optimised,
    PumpScheduleEvaluation OwnControls,
    double SavingsPercent,
    int Simulations,
    double SearchMilliseconds,
    int StorageWindowHours);

/// <summary>A recorded source allocation: the allocation and one decision receipt per region supplied.</summary>
public sealed record SourceAllocationOutcome(string Scenario, SupplyCase Case, SourceAllocation Allocation, IReadOnlyList<DecisionReceipt> Receipts);

/// <summary>A recorded restriction plan: the plan, one decision per restricted district (region), and the restriction audit.</summary>
public sealed record RestrictionOutcome(string Scenario, RestrictionPlan Plan, IReadOnlyList<DecisionReceipt> Receipts, AuditReport Audit);

/// <summary>A request the water operations cannot carry out (unknown scenario, no regions…).</summary>
public sealed class WaterOperationException : Exception
{
    public WaterOperationException()
    {
    }

    public WaterOperationException(string message)
        : base(message)
    {
    }

    public WaterOperationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
