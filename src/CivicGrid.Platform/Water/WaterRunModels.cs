using CivicGrid.Water.Energy;

namespace CivicGrid.Platform.Water;

/// <summary>A node drawn on the network map (file coordinates; <see cref="HasCoordinates"/> false when the file gave none
/// and a position was laid out).</summary>
public sealed record WaterMapNode(string Id, string Kind, double X, double Y, bool HasCoordinates);

/// <summary>A link drawn on the map: its end nodes (indices into the node list) and any intermediate vertices.</summary>
public sealed record WaterMapLink(string Id, string Kind, int From, int To, IReadOnlyList<double[]> Vertices);

/// <summary>One warning of the run (EPANET's warning codes).</summary>
public sealed record WaterRunWarning(long TimeSeconds, int Code, string Message);

/// <summary>
/// The result of an extended-period run as the page and the API present it: a summary, the map, and pressure, flow and
/// water quality at every reporting time (file units; quality in <see cref="QualityUnits"/>).
/// </summary>
public sealed class WaterRunResult
{
    public required string Name { get; init; }
    public required string Title { get; init; }
    public required bool Converged { get; init; }
    public required int Steps { get; init; }
    public required int Iterations { get; init; }
    public required long DurationSeconds { get; init; }
    public required string FlowUnits { get; init; }
    public required string PressureUnits { get; init; }
    /// <summary>age, chemical or trace; age is simulated when the file asks for no quality analysis.</summary>
    public required string QualityKind { get; init; }
    public required string QualityUnits { get; init; }
    public required bool QualityFromFile { get; init; }
    public required double MassBalanceRatio { get; init; }
    public required double ElapsedMilliseconds { get; init; }
    public required IReadOnlyList<WaterMapNode> Nodes { get; init; }
    public required IReadOnlyList<WaterMapLink> Links { get; init; }
    /// <summary>Reporting times in seconds.</summary>
    public required IReadOnlyList<long> Times { get; init; }
    /// <summary>[time][node] pressure in the file's pressure units.</summary>
    public required IReadOnlyList<double[]> Pressure { get; init; }
    /// <summary>[time][link] flow in the file's flow units.</summary>
    public required IReadOnlyList<double[]> Flow { get; init; }
    /// <summary>[time][node] water quality.</summary>
    public required IReadOnlyList<double[]> Quality { get; init; }
    public required IReadOnlyList<WaterRunWarning> Warnings { get; init; }
    /// <summary>EPANET's pump energy report over the run (no pumps listed when the network has none).</summary>
    public PumpEnergyReport? Energy { get; init; }
}
