using CivicGrid.Mobility.Loading;

namespace CivicGrid.Mobility.Signals;

/// <summary>Demand of a signal scenario: arrivals per second on each arterial (row) and cross-street (column) entry.</summary>
public sealed record SignalDemand(string Name, double ArterialVehiclesPerSecond, double CrossVehiclesPerSecond);

/// <summary>Outcome of one controller on one scenario.</summary>
public sealed record SignalRunResult(string Network, string Demand, string Controller, double AverageDelaySeconds, double VehiclesEntered, double VehiclesExited);

/// <summary>
/// A grid of two-phase intersections on two-way streets, simulated with the cell transmission model: rows are
/// arterials (phase 0), columns cross streets (phase 1). A corridor is a grid with one row.
/// </summary>
public sealed class SignalScenario
{
    private readonly List<(CtmLink Link, bool Arterial)> _entries = [];
    private readonly Dictionary<CtmLink, SignalizedIntersection> _stopLines = [];

    private SignalScenario(string name, CellTransmissionModel model, List<SignalizedIntersection> intersections)
    {
        Name = name;
        Model = model;
        Intersections = intersections;
    }

    public string Name { get; }

    public CellTransmissionModel Model { get; }

    public IReadOnlyList<SignalizedIntersection> Intersections { get; }

    public const double LostTimeSeconds = 4;

    /// <summary>Minimum green of max-pressure in the comparison (10 s loses on the moderate corridor; see docs/mobility.md).</summary>
    public const double MaxPressureMinGreenSeconds = 16;

    /// <summary>Builds a rows × columns grid with <paramref name="spacingMeters"/> between intersections.</summary>
    public static SignalScenario Grid(string name, int rows, int columns, double spacingMeters = 300)
    {
        var model = new CellTransmissionModel(2, TriangularDiagram.Urban);
        var approaches = new List<CtmLink>[rows, columns, 2];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                approaches[r, c, 0] = [];
                approaches[r, c, 1] = [];
            }
        }
        var entries = new List<(CtmLink, bool)>();
        // A street of n intersections in one direction is n + 1 links; link k ends at intersection k (none for the last).
        void Street(int count, Func<int, (int R, int C)> at, int phase, bool arterial)
        {
            CtmLink? previous = null;
            for (var k = 0; k <= count; k++)
            {
                var link = model.AddLink(spacingMeters);
                if (previous is null)
                {
                    entries.Add((link, arterial));
                }
                else
                {
                    previous.Next = link;
                }
                if (k < count)
                {
                    var (r, c) = at(k);
                    approaches[r, c, phase].Add(link);
                }
                previous = link;
            }
        }
        for (var r = 0; r < rows; r++)
        {
            var row = r;
            Street(columns, k => (row, k), 0, true);
            Street(columns, k => (row, columns - 1 - k), 0, true);
        }
        for (var c = 0; c < columns; c++)
        {
            var col = c;
            Street(rows, k => (k, col), 1, false);
            Street(rows, k => (rows - 1 - k, col), 1, false);
        }
        var intersections = new List<SignalizedIntersection>();
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                intersections.Add(new SignalizedIntersection(intersections.Count, [approaches[r, c, 0], approaches[r, c, 1]], LostTimeSeconds));
            }
        }
        var scenario = new SignalScenario(name, model, intersections);
        scenario._entries.AddRange(entries);
        foreach (var x in intersections)
        {
            foreach (var phase in x.Phases)
            {
                foreach (var link in phase)
                {
                    scenario._stopLines[link] = x;
                }
            }
        }
        return scenario;
    }

    /// <summary>Simulates <paramref name="horizonSeconds"/> under one controller and returns the RESCO-style average delay.</summary>
    public SignalRunResult Run(ISignalController controller, SignalDemand demand, double horizonSeconds = 3600)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(demand);
        foreach (var (link, arterial) in _entries)
        {
            link.DemandVehiclesPerSecond = arterial ? demand.ArterialVehiclesPerSecond : demand.CrossVehiclesPerSecond;
        }
        var steps = (int)Math.Round(horizonSeconds / Model.StepSeconds);
        for (var s = 0; s < steps; s++)
        {
            foreach (var x in Intersections)
            {
                x.Advance(controller.RequestPhase(x, Model.TimeSeconds), Model.StepSeconds);
            }
            Model.Step(link => !_stopLines.TryGetValue(link, out var x) || x.IsGreen(link));
        }
        var delay = Model.VehiclesEntered > 0 ? Model.DelayVehicleSeconds / Model.VehiclesEntered : 0;
        return new SignalRunResult(Name, demand.Name, controller.Name, delay, Model.VehiclesEntered, Model.VehiclesExited);
    }

    /// <summary>Critical flow ratios (q/s) of the two phases for Webster's formula, from the entry demand.</summary>
    public static double[] FlowRatios(SignalDemand demand)
    {
        ArgumentNullException.ThrowIfNull(demand);
        var s = TriangularDiagram.Urban.CapacityVehiclesPerSecond;
        return [demand.ArterialVehiclesPerSecond / s, demand.CrossVehiclesPerSecond / s];
    }

    /// <summary>Runs fixed-time (90 s, equal split), Webster and max-pressure on the corridor (1 × 5) and grid (3 × 3) at moderate and high demand.</summary>
    public static IReadOnlyList<SignalRunResult> CompareControllers(double horizonSeconds = 3600)
    {
        var demands = new[] { new SignalDemand("moderate", 0.2, 0.08), new SignalDemand("high", 0.28, 0.1) };
        var results = new List<SignalRunResult>();
        foreach (var (name, rows, cols) in new[] { ("corridor", 1, 5), ("grid", 3, 3) })
        {
            foreach (var d in demands)
            {
                ISignalController[] controllers =
                [
                    FixedTimeController.EqualSplit(2, 90, LostTimeSeconds),
                    WebsterController.FromFlowRatios(FlowRatios(d), LostTimeSeconds),
                    new MaxPressureController(MaxPressureMinGreenSeconds),
                ];
                foreach (var controller in controllers)
                {
                    results.Add(Grid(name, rows, cols).Run(controller, d, horizonSeconds));
                }
            }
        }
        return results;
    }
}
