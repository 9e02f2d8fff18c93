namespace CivicGrid.Mobility.Loading;

/// <summary>
/// Triangular fundamental diagram of one lane group: free-flow speed v, capacity q_max and jam density k_j.
/// The congested wave speed follows as w = q_max / (k_j − q_max / v).
/// </summary>
public sealed record TriangularDiagram(double FreeFlowSpeedMetersPerSecond, double CapacityVehiclesPerSecond, double JamDensityVehiclesPerMeter)
{
    public double CriticalDensityVehiclesPerMeter => CapacityVehiclesPerSecond / FreeFlowSpeedMetersPerSecond;

    public double WaveSpeedMetersPerSecond => CapacityVehiclesPerSecond / (JamDensityVehiclesPerMeter - CriticalDensityVehiclesPerMeter);

    /// <summary>Urban default: 15 m/s, 1800 veh/h, 0.2 veh/m (w = 3 m/s).</summary>
    public static TriangularDiagram Urban => new(15, 0.5, 0.2);
}

/// <summary>One road link discretised into cells of length v·Δt. Vehicles wait in a point queue before entering.</summary>
public sealed class CtmLink
{
    internal CtmLink(int id, int cells, TriangularDiagram diagram, double dt)
    {
        Id = id;
        Vehicles = new double[cells];
        CellLengthMeters = diagram.FreeFlowSpeedMetersPerSecond * dt;
        MaxVehiclesPerCell = diagram.JamDensityVehiclesPerMeter * CellLengthMeters;
        MaxFlowPerStep = diagram.CapacityVehiclesPerSecond * dt;
        WaveRatio = diagram.WaveSpeedMetersPerSecond / diagram.FreeFlowSpeedMetersPerSecond;
    }

    public int Id { get; }

    /// <summary>Vehicles in each cell, upstream first.</summary>
    public double[] Vehicles { get; }

    public double CellLengthMeters { get; }

    public double MaxVehiclesPerCell { get; }

    public double MaxFlowPerStep { get; }

    /// <summary>w / v (≤ 1).</summary>
    public double WaveRatio { get; }

    /// <summary>Link that receives this link's outflow, or null when vehicles leave the network.</summary>
    public CtmLink? Next { get; set; }

    /// <summary>Vehicles arriving at the link's entry per second from outside the network.</summary>
    public double DemandVehiclesPerSecond { get; set; }

    /// <summary>Vehicles waiting outside the network to enter this link.</summary>
    public double EntryQueue { get; internal set; }

    /// <summary>Vehicles that left the last cell in the latest step.</summary>
    public double LastOutflow { get; internal set; }

    public double Sending(int cell) => Math.Min(Vehicles[cell], MaxFlowPerStep);

    public double Receiving(int cell) => Math.Min(MaxFlowPerStep, WaveRatio * (MaxVehiclesPerCell - Vehicles[cell]));

    /// <summary>Vehicles in excess of critical (capacity) occupancy, summed over cells: the queued part of the link.</summary>
    public double QueuedVehicles
    {
        get
        {
            var critical = MaxFlowPerStep;
            var q = 0.0;
            foreach (var v in Vehicles)
            {
                if (v > critical)
                {
                    q += v - critical;
                }
            }
            return q;
        }
    }

    /// <summary>Vehicles on the link, cells only.</summary>
    public double TotalVehicles
    {
        get
        {
            var t = 0.0;
            foreach (var v in Vehicles)
            {
                t += v;
            }
            return t;
        }
    }
}

/// <summary>
/// Daganzo's cell transmission model: flow between cells is min(sending, receiving), with sending
/// min(n, Q) and receiving min(Q, (w/v)(N − n)). Links end either at the network boundary or at a stop line
/// whose permission is asked every step. Delay is counted as in RESCO: time lost against free flow, i.e. the
/// vehicle-seconds of vehicles that could not advance a cell in a step (including those queued at an entry).
/// </summary>
public sealed class CellTransmissionModel
{
    private readonly List<CtmLink> _links = [];
    private double[][] _flows = [];

    public CellTransmissionModel(double stepSeconds, TriangularDiagram diagram)
    {
        ArgumentNullException.ThrowIfNull(diagram);
        StepSeconds = stepSeconds;
        Diagram = diagram;
    }

    public double StepSeconds { get; }

    public TriangularDiagram Diagram { get; }

    public IReadOnlyList<CtmLink> Links => _links;

    public double TimeSeconds { get; private set; }

    /// <summary>Accumulated delay in vehicle-seconds.</summary>
    public double DelayVehicleSeconds { get; private set; }

    public double VehiclesEntered { get; private set; }

    public double VehiclesExited { get; private set; }

    /// <summary>Adds a link of <paramref name="lengthMeters"/> (rounded to whole cells, at least one).</summary>
    public CtmLink AddLink(double lengthMeters)
    {
        var cells = Math.Max(1, (int)Math.Round(lengthMeters / (Diagram.FreeFlowSpeedMetersPerSecond * StepSeconds)));
        var link = new CtmLink(_links.Count, cells, Diagram, StepSeconds);
        _links.Add(link);
        return link;
    }

    /// <summary>Advances one step. <paramref name="mayDischarge"/> says whether a link's last cell may send (green).
    /// Each link may be fed by at most one upstream link and, if it has none, by external demand.</summary>
    public void Step(Func<CtmLink, bool> mayDischarge)
    {
        ArgumentNullException.ThrowIfNull(mayDischarge);
        if (_flows.Length != _links.Count)
        {
            _flows = [.. _links.Select(l => new double[l.Vehicles.Length + 1])];
        }
        var delay = 0.0;
        for (var li = 0; li < _links.Count; li++)
        {
            var link = _links[li];
            var f = _flows[li];
            var n = link.Vehicles;
            // f[0]: entry from the point queue; f[i]: cell i-1 → i; f[cells]: out of the last cell.
            var offered = link.EntryQueue + (link.DemandVehiclesPerSecond * StepSeconds);
            f[0] = link.DemandVehiclesPerSecond > 0 || link.EntryQueue > 0 ? Math.Min(offered, link.Receiving(0)) : 0;
            for (var i = 1; i < n.Length; i++)
            {
                f[i] = Math.Min(link.Sending(i - 1), link.Receiving(i));
            }
            var last = n.Length - 1;
            if (!mayDischarge(link))
            {
                f[n.Length] = 0;
            }
            else if (link.Next is null)
            {
                f[n.Length] = link.Sending(last);
            }
            else
            {
                f[n.Length] = Math.Min(link.Sending(last), link.Next.Receiving(0));
            }
        }
        for (var li = 0; li < _links.Count; li++)
        {
            var link = _links[li];
            var f = _flows[li];
            var n = link.Vehicles;
            for (var i = 0; i < n.Length; i++)
            {
                delay += n[i] - f[i + 1];
            }
            var arrived = link.DemandVehiclesPerSecond * StepSeconds;
            link.EntryQueue += arrived - f[0];
            delay += link.EntryQueue;
            VehiclesEntered += arrived;
            for (var i = 0; i < n.Length; i++)
            {
                n[i] += f[i] - f[i + 1];
            }
            link.LastOutflow = f[n.Length];
            if (link.Next is null)
            {
                VehiclesExited += f[n.Length];
            }
            else
            {
                link.Next.Vehicles[0] += f[n.Length];
            }
        }
        DelayVehicleSeconds += delay * StepSeconds;
        TimeSeconds += StepSeconds;
    }
}
