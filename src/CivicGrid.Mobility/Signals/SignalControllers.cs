using CivicGrid.Mobility.Loading;

namespace CivicGrid.Mobility.Signals;

/// <summary>An intersection with phases; each phase gives green to a set of approach links.</summary>
public sealed class SignalizedIntersection
{
    private double _transitionLeft;
    private int _pendingPhase;

    public SignalizedIntersection(int id, IReadOnlyList<IReadOnlyList<CtmLink>> phases, double lostTimeSeconds)
    {
        ArgumentNullException.ThrowIfNull(phases);
        Id = id;
        Phases = phases;
        LostTimeSeconds = lostTimeSeconds;
    }

    public int Id { get; }

    public IReadOnlyList<IReadOnlyList<CtmLink>> Phases { get; }

    /// <summary>Yellow plus all-red between two phases, during which no approach is green.</summary>
    public double LostTimeSeconds { get; }

    public int CurrentPhase { get; private set; }

    public bool InTransition => _transitionLeft > 0;

    /// <summary>Seconds since the current phase turned green.</summary>
    public double GreenElapsedSeconds { get; private set; }

    public bool IsGreen(CtmLink link)
    {
        if (InTransition)
        {
            return false;
        }
        foreach (var l in Phases[CurrentPhase])
        {
            if (ReferenceEquals(l, link))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Applies the controller's wish for the coming step; a change starts the lost-time transition.</summary>
    public void Advance(int requestedPhase, double stepSeconds)
    {
        if (InTransition)
        {
            _transitionLeft -= stepSeconds;
            if (_transitionLeft <= 1e-9)
            {
                _transitionLeft = 0;
                CurrentPhase = _pendingPhase;
                GreenElapsedSeconds = 0;
            }
            return;
        }
        if (requestedPhase != CurrentPhase)
        {
            _pendingPhase = requestedPhase;
            _transitionLeft = LostTimeSeconds;
            if (_transitionLeft <= 0)
            {
                CurrentPhase = requestedPhase;
                GreenElapsedSeconds = 0;
            }
            return;
        }
        GreenElapsedSeconds += stepSeconds;
    }
}

/// <summary>A signal control policy: which phase an intersection should show next.</summary>
public interface ISignalController
{
    string Name { get; }

    int RequestPhase(SignalizedIntersection intersection, double timeSeconds);
}

/// <summary>Fixed-time plan: a cycle of phases with given green times (each followed by the lost time).</summary>
public class FixedTimeController : ISignalController
{
    private readonly double[] _greens;
    private readonly double _lostTime;

    public FixedTimeController(IReadOnlyList<double> greenSeconds, double lostTimeSeconds, string name = "fixed-time")
    {
        ArgumentNullException.ThrowIfNull(greenSeconds);
        _greens = [.. greenSeconds];
        _lostTime = lostTimeSeconds;
        Name = name;
        CycleSeconds = _greens.Sum() + (_greens.Length * lostTimeSeconds);
    }

    public string Name { get; }

    public double CycleSeconds { get; }

    public IReadOnlyList<double> GreenSeconds => _greens;

    /// <summary>Equal greens over a given cycle.</summary>
    public static FixedTimeController EqualSplit(int phases, double cycleSeconds, double lostTimeSeconds) =>
        new([.. Enumerable.Repeat((cycleSeconds - (phases * lostTimeSeconds)) / phases, phases)], lostTimeSeconds);

    public int RequestPhase(SignalizedIntersection intersection, double timeSeconds)
    {
        var t = timeSeconds % CycleSeconds;
        for (var p = 0; p < _greens.Length; p++)
        {
            // The window of phase p starts with the transition into it.
            var window = _lostTime + _greens[p];
            if (t < window)
            {
                return p;
            }
            t -= window;
        }
        return _greens.Length - 1;
    }
}

/// <summary>
/// Webster (1958): cycle C = (1.5 L + 5) / (1 − Y) with Y the sum of critical flow ratios q/s per phase and L the
/// lost time per cycle; effective green split in proportion to each phase's flow ratio.
/// </summary>
public sealed class WebsterController : FixedTimeController
{
    private WebsterController(double[] greens, double lostTime, double y)
        : base(greens, lostTime, "webster")
    {
        FlowRatioSum = y;
    }

    public double FlowRatioSum { get; }

    /// <param name="criticalFlowRatios">Per phase, the largest arrival flow / saturation flow of its approaches.</param>
    /// <param name="lostTimeSeconds">Lost time per phase change.</param>
    /// <param name="maxCycleSeconds">Upper bound on the cycle (Webster's formula diverges as Y → 1).</param>
    public static WebsterController FromFlowRatios(IReadOnlyList<double> criticalFlowRatios, double lostTimeSeconds, double maxCycleSeconds = 150)
    {
        ArgumentNullException.ThrowIfNull(criticalFlowRatios);
        var y = criticalFlowRatios.Sum();
        var lost = criticalFlowRatios.Count * lostTimeSeconds;
        var cycle = y < 1 ? Math.Min(maxCycleSeconds, ((1.5 * lost) + 5) / (1 - y)) : maxCycleSeconds;
        cycle = Math.Max(cycle, lost + (10 * criticalFlowRatios.Count));
        var greens = criticalFlowRatios.Select(r => (cycle - lost) * r / y).ToArray();
        return new WebsterController(greens, lostTimeSeconds, y);
    }
}

/// <summary>
/// Max-pressure (Varaiya 2013): after a minimum green, give green to the phase with the largest pressure,
/// the sum over its approaches of (queue on the approach − queue on the link it feeds). The queue counts
/// vehicles above free-flow occupancy in each cell, so a platoon moving at free flow exerts no pressure.
/// </summary>
public sealed class MaxPressureController(double minGreenSeconds) : ISignalController
{
    public string Name => "max-pressure";

    public double MinGreenSeconds { get; } = minGreenSeconds;

    public int RequestPhase(SignalizedIntersection intersection, double timeSeconds)
    {
        ArgumentNullException.ThrowIfNull(intersection);
        if (intersection.GreenElapsedSeconds < MinGreenSeconds)
        {
            return intersection.CurrentPhase;
        }
        var best = intersection.CurrentPhase;
        var bestPressure = Pressure(intersection.Phases[best]);
        for (var p = 0; p < intersection.Phases.Count; p++)
        {
            var pressure = Pressure(intersection.Phases[p]);
            if (pressure > bestPressure)
            {
                best = p;
                bestPressure = pressure;
            }
        }
        return best;
    }

    private static double Pressure(IReadOnlyList<CtmLink> approaches)
    {
        var pressure = 0.0;
        foreach (var link in approaches)
        {
            pressure += link.QueuedVehicles + link.EntryQueue - (link.Next?.QueuedVehicles ?? 0);
        }
        return pressure;
    }
}
