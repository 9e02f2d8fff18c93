using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Energy;

/// <summary>
/// Accumulates pump energy at every hydraulic step the way EPANET 2.3's <c>addenergy</c> does: for each running pump,
/// power = head gain × flow × specific gravity / efficiency at the step's end state (after tank levels and rule
/// actions of the step were applied), weighted by the step's length; the price comes from the pump's own price or
/// the global one, times the pump's price pattern or the global pattern at the current pattern period.
/// Allocates nothing per step.
/// </summary>
internal sealed class PumpEnergyAccumulator
{
    private const double QZero = 1.0e-6;            // cfs, EPANET's zero flow
    private const double KilowattsPerHorsepower = 0.7457;
    private const double GpmPerCfs = 448.831;
    private const double LpsPerCfs = 28.317;

    private readonly HydraulicNetwork _net;
    private readonly string[] _ids;
    private readonly (double X, double Y)[]?[] _efficiencyCurve;
    private readonly double[] _price;
    private readonly double[]?[] _pricePattern;
    private readonly double _globalEfficiency;
    private readonly double _globalPrice;
    private readonly double[]? _globalPattern;
    private readonly double _demandChargePerKw;
    private readonly double _specificGravity;

    private readonly double[] _hoursOnline;
    private readonly double[] _efficiencyHours;
    private readonly double[] _kwPerCfsHours;
    private readonly double[] _kilowattHours;
    private readonly double[] _peakKw;
    private readonly double[] _cost;
    private double _peakTotalKw;

    public PumpEnergyAccumulator(HydraulicNetwork net)
    {
        _net = net;
        var model = net.Model;
        var pumps = new Dictionary<string, Pump>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in model.Pumps)
        {
            pumps[p.Id] = p;
        }
        var n = net.PumpLinks.Length;
        _ids = new string[n];
        _efficiencyCurve = new (double X, double Y)[]?[n];
        _price = new double[n];
        _pricePattern = new double[]?[n];
        for (var p = 0; p < n; p++)
        {
            var id = net.LinkIds[net.PumpLinks[p]];
            _ids[p] = id;
            if (!pumps.TryGetValue(id, out var pump))
            {
                continue;
            }
            _efficiencyCurve[p] = Curve(model, pump.EfficiencyCurveId);
            _price[p] = pump.EnergyPrice ?? 0.0;
            _pricePattern[p] = Pattern(model, pump.PricePatternId);
        }
        _globalEfficiency = model.Energy.GlobalEfficiency;
        _globalPrice = model.Energy.GlobalPrice;
        _globalPattern = Pattern(model, model.Energy.GlobalPatternId);
        _demandChargePerKw = model.Energy.DemandCharge;
        _specificGravity = model.Options.SpecificGravity;
        _hoursOnline = new double[n];
        _efficiencyHours = new double[n];
        _kwPerCfsHours = new double[n];
        _kilowattHours = new double[n];
        _peakKw = new double[n];
        _cost = new double[n];
    }

    public void Reset()
    {
        Array.Clear(_hoursOnline);
        Array.Clear(_efficiencyHours);
        Array.Clear(_kwPerCfsHours);
        Array.Clear(_kilowattHours);
        Array.Clear(_peakKw);
        Array.Clear(_cost);
        _peakTotalKw = 0.0;
    }

    /// <summary>Adds one hydraulic step of <paramref name="hours"/> that started at <paramref name="timeSeconds"/>.</summary>
    public void Add(GradientSolver solver, long timeSeconds, double hours)
    {
        if (hours == 0.0 || _ids.Length == 0)
        {
            return;
        }
        var net = _net;
        var period = (timeSeconds + net.PatternStart) / net.PatternStep;
        var globalFactor = _globalPattern is null ? 1.0 : _globalPattern[(int)(period % _globalPattern.Length)];
        var totalKw = 0.0;
        for (var p = 0; p < _ids.Length; p++)
        {
            var k = net.PumpLinks[p];
            if (solver.Status[k] <= LinkStatus.Closed)
            {
                continue;
            }
            var price = _price[p] > 0.0 ? _price[p] : _globalPrice;
            var pattern = _pricePattern[p];
            price *= pattern is null ? globalFactor : pattern[(int)(period % pattern.Length)];
            var (kw, efficiency) = Power(solver, p, k);
            totalKw += kw;
            var q = Math.Max(QZero, Math.Abs(solver.Flow[k]));
            _hoursOnline[p] += hours;
            _efficiencyHours[p] += efficiency * hours;
            _kwPerCfsHours[p] += kw / q * hours;
            _kilowattHours[p] += kw * hours;
            _peakKw[p] = Math.Max(_peakKw[p], kw);
            _cost[p] += price * kw * hours;
        }
        _peakTotalKw = Math.Max(_peakTotalKw, totalKw);
    }

    // EPANET's getenergy: efficiency from the pump's curve at the flow scaled to nominal speed, corrected for speed
    // (Sarbu and Borza), kept within 1–100 %; power from head gain (ft) and flow (cfs).
    private (double Kw, double Efficiency) Power(GradientSolver solver, int p, int k)
    {
        var net = _net;
        var q = Math.Abs(solver.Flow[k]);
        var dh = Math.Abs(solver.Head[net.From[k]] - solver.Head[net.To[k]]);
        var e = _globalEfficiency;
        var speed = solver.Setting[k];
        if (_efficiencyCurve[p] is { } curve)
        {
            e = Interpolate(curve, q / speed * net.Units.Flow);
            e = 100.0 - ((100.0 - e) * Math.Pow(1.0 / speed, 0.1));
        }
        e = Math.Clamp(e, 1.0, 100.0) / 100.0;
        var kw = dh * q * _specificGravity / 8.814 / e * KilowattsPerHorsepower;
        return (kw, e);
    }

    public PumpEnergyReport Report(long durationSeconds)
    {
        var hours = durationSeconds / 3600.0;
        var span = hours == 0.0 ? 1.0 : hours;   // a single-period run counts as one hour, as EPANET does
        var si = _net.Units.IsSi;
        var perVolume = si ? 1000.0 / LpsPerCfs / 3600.0 : 1.0e6 / GpmPerCfs / 60.0;
        var pumps = new PumpEnergy[_ids.Length];
        var total = 0.0;
        for (var p = 0; p < _ids.Length; p++)
        {
            var t = _hoursOnline[p];
            var costPerDay = _cost[p] * 24.0 / span;
            total += costPerDay;
            pumps[p] = t > 0.0
                ? new PumpEnergy(_ids[p], t / span * 100.0, _efficiencyHours[p] / t * 100.0, _kwPerCfsHours[p] / t * perVolume, _kilowattHours[p] / t, _peakKw[p], costPerDay)
                : new PumpEnergy(_ids[p], 0, 0, 0, 0, 0, costPerDay);
        }
        var demandCharge = _peakTotalKw * _demandChargePerKw;
        return new PumpEnergyReport(pumps, si ? "m3" : "Mgal", _peakTotalKw, demandCharge, total + demandCharge);
    }

    private static double Interpolate((double X, double Y)[] c, double x)
    {
        if (x <= c[0].X)
        {
            return c[0].Y;
        }
        for (var i = 1; i < c.Length; i++)
        {
            if (c[i].X >= x)
            {
                var dx = c[i].X - c[i - 1].X;
                return Math.Abs(dx) < 1.0e-6 ? c[i].Y : c[i].Y - ((c[i].X - x) * (c[i].Y - c[i - 1].Y) / dx);
            }
        }
        return c[^1].Y;
    }

    private static double[]? Pattern(WaterNetwork model, string? id)
    {
        if (id is null)
        {
            return null;
        }
        var pattern = model.Patterns.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));
        return pattern is null || pattern.Multipliers.Count == 0 ? null : [.. pattern.Multipliers];
    }

    private static (double X, double Y)[]? Curve(WaterNetwork model, string? id)
    {
        if (id is null)
        {
            return null;
        }
        var curve = model.Curves.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));
        return curve is null || curve.Points.Count == 0 ? null : [.. curve.Points];
    }
}
