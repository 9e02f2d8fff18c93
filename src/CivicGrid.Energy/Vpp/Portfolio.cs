namespace CivicGrid.Energy.Vpp;

/// <summary>Feeder (point of common coupling) limits, kW. Exceeding them is allowed only as a reported violation.</summary>
public sealed record FeederLimits(double ImportLimitKw, double ExportLimitKw);

/// <summary>Energy prices per interval, EUR/kWh: paid for imports, received for exports.</summary>
public sealed record Tariff(IReadOnlyList<double> ImportEurPerKwh, IReadOnlyList<double> ExportEurPerKwh);

/// <summary>Weather per interval, used by PV and wind models that have no explicit availability profile.</summary>
public sealed record WeatherSeries(IReadOnlyList<double> IrradianceWattsPerSquareMeter, IReadOnlyList<double> TemperatureCelsius, IReadOnlyList<double> WindMetersPerSecond);

/// <summary>
/// A virtual power plant portfolio: devices behind one feeder, over <see cref="Intervals"/> intervals of
/// <see cref="IntervalMinutes"/> minutes starting at <see cref="Start"/>. Every profile has one value per interval.
/// </summary>
public sealed record Portfolio(string Name, DateTimeOffset Start, int IntervalMinutes, int Intervals, FeederLimits Feeder, Tariff Tariff, IReadOnlyList<Der> Ders)
{
    public WeatherSeries? Weather { get; init; }

    /// <summary>Value of lost load for non-critical loads, EUR/kWh.</summary>
    public double ValueOfLostLoadEurPerKwh { get; init; } = 10;

    public double IntervalHours => IntervalMinutes / 60.0;

    /// <summary>Available PV output per interval: the explicit profile, else the weather model, else zero.</summary>
    public double[] AvailableKw(PvArray pv)
    {
        ArgumentNullException.ThrowIfNull(pv);
        var result = new double[Intervals];
        for (var t = 0; t < Intervals; t++)
        {
            result[t] = pv.AvailableKw is { } a ? Math.Max(0, a[t])
                : Weather is { } w ? pv.PowerKw(w.IrradianceWattsPerSquareMeter[t], w.TemperatureCelsius[t]) : 0;
        }
        return result;
    }

    /// <summary>Available wind output per interval.</summary>
    public double[] AvailableKw(WindTurbine wind)
    {
        ArgumentNullException.ThrowIfNull(wind);
        var result = new double[Intervals];
        for (var t = 0; t < Intervals; t++)
        {
            result[t] = wind.AvailableKw is { } a ? Math.Max(0, a[t]) : Weather is { } w ? wind.PowerKw(w.WindMetersPerSecond[t]) : 0;
        }
        return result;
    }
}
