using CivicGrid.Energy.Grid.Matpower;

namespace CivicGrid.Energy.Grid.LineRating;

/// <summary>A bare overhead conductor as IEEE 738 describes it.</summary>
/// <param name="DiameterMeters">Outside diameter.</param>
/// <param name="ResistanceLowOhmPerMeter">AC resistance at <paramref name="TemperatureLowCelsius"/>.</param>
/// <param name="ResistanceHighOhmPerMeter">AC resistance at <paramref name="TemperatureHighCelsius"/>.</param>
/// <param name="TemperatureLowCelsius">Temperature of the low resistance value.</param>
/// <param name="TemperatureHighCelsius">Temperature of the high resistance value.</param>
/// <param name="MaxTemperatureCelsius">Maximum allowable conductor temperature.</param>
/// <param name="Emissivity">Surface emissivity (0.2 new … 0.9 weathered).</param>
/// <param name="Absorptivity">Solar absorptivity.</param>
public sealed record Conductor(
    double DiameterMeters,
    double ResistanceLowOhmPerMeter,
    double TemperatureLowCelsius,
    double ResistanceHighOhmPerMeter,
    double TemperatureHighCelsius,
    double MaxTemperatureCelsius,
    double Emissivity = 0.8,
    double Absorptivity = 0.8)
{
    /// <summary>ACSR 26/7 "Drake" (IEEE 738 example conductor), 100 °C limit.</summary>
    public static Conductor Drake { get; } = new(0.02814, 7.283e-5, 25, 8.688e-5, 75, 100);

    /// <summary>Resistance at a temperature, interpolated (or extrapolated) linearly as IEEE 738 prescribes.</summary>
    public double ResistanceOhmPerMeterAt(double celsius) =>
        ResistanceLowOhmPerMeter + (ResistanceHighOhmPerMeter - ResistanceLowOhmPerMeter) / (TemperatureHighCelsius - TemperatureLowCelsius) * (celsius - TemperatureLowCelsius);
}

/// <summary>Weather at the line.</summary>
/// <param name="AmbientCelsius">Air temperature.</param>
/// <param name="WindSpeedMetersPerSecond">Wind speed at the conductor.</param>
/// <param name="WindAngleDegrees">Angle between wind and conductor axis (90 = perpendicular).</param>
/// <param name="SolarHeatWattsPerSquareMeter">Total solar heat flux on a surface normal to the rays (0 at night).</param>
/// <param name="ElevationMeters">Conductor elevation above sea level.</param>
/// <param name="Sun">
/// When given, the solar gain is computed from the sun's position, the atmosphere and the line's direction (IEEE 738
/// solar geometry) and <paramref name="SolarHeatWattsPerSquareMeter"/> is ignored.
/// </param>
public sealed record LineWeather(
    double AmbientCelsius,
    double WindSpeedMetersPerSecond,
    double WindAngleDegrees = 90,
    double SolarHeatWattsPerSquareMeter = 0,
    double ElevationMeters = 0,
    SolarConditions? Sun = null);

/// <summary>The terms of the IEEE 738 steady-state heat balance at a conductor temperature (W per metre).</summary>
public sealed record HeatBalance(double ConvectiveWattsPerMeter, double RadiatedWattsPerMeter, double SolarWattsPerMeter, double ResistanceOhmPerMeter)
{
    /// <summary>The current that holds the conductor at that temperature: I = √((q_c + q_r − q_s)/R).</summary>
    public double AmpacityAmperes =>
        ConvectiveWattsPerMeter + RadiatedWattsPerMeter <= SolarWattsPerMeter
            ? 0
            : Math.Sqrt((ConvectiveWattsPerMeter + RadiatedWattsPerMeter - SolarWattsPerMeter) / ResistanceOhmPerMeter);
}

/// <summary>
/// IEEE 738-2012 steady-state thermal rating of bare overhead conductors: forced (the larger of the low- and
/// high-Reynolds correlations, with the wind-direction factor) or natural convection, radiation and solar gain.
/// Solar gain comes from the sun's position (<see cref="SolarGeometry"/>) when the weather names it, else from the
/// flux the caller gives, taken as normal to the conductor.
/// </summary>
public static class ThermalRating
{
    public static HeatBalance HeatBalanceAt(Conductor conductor, LineWeather weather, double conductorCelsius)
    {
        ArgumentNullException.ThrowIfNull(conductor);
        ArgumentNullException.ThrowIfNull(weather);
        var d = conductor.DiameterMeters;
        var ta = weather.AmbientCelsius;
        var tc = conductorCelsius;
        var film = (tc + ta) / 2;
        var viscosity = 1.458e-6 * Math.Pow(film + 273, 1.5) / (film + 383.4);
        var he = weather.ElevationMeters;
        var density = (1.293 - 1.525e-4 * he + 6.379e-9 * he * he) / (1 + 0.00367 * film);
        var conductivity = 2.424e-2 + 7.477e-5 * film - 4.407e-9 * film * film;
        var reynolds = d * density * Math.Abs(weather.WindSpeedMetersPerSecond) / viscosity;
        var phi = weather.WindAngleDegrees * Math.PI / 180;
        var kAngle = 1.194 - Math.Cos(phi) + 0.194 * Math.Cos(2 * phi) + 0.368 * Math.Sin(2 * phi);
        var dt = Math.Max(tc - ta, 0);
        var qc1 = kAngle * (1.01 + 1.35 * Math.Pow(reynolds, 0.52)) * conductivity * dt;
        var qc2 = kAngle * 0.754 * Math.Pow(reynolds, 0.6) * conductivity * dt;
        var qcn = 3.645 * Math.Sqrt(density) * Math.Pow(d, 0.75) * Math.Pow(dt, 1.25);
        var qc = Math.Max(Math.Max(qc1, qc2), qcn);
        var qr = 17.8 * d * conductor.Emissivity * (Math.Pow((tc + 273) / 100, 4) - Math.Pow((ta + 273) / 100, 4));
        var qs = weather.Sun is { } sun
            ? SolarGeometry.HeatGainWattsPerMeter(conductor, sun, he)
            : conductor.Absorptivity * weather.SolarHeatWattsPerSquareMeter * d;
        return new HeatBalance(qc, qr, qs, conductor.ResistanceOhmPerMeterAt(tc));
    }

    /// <summary>Steady-state ampacity at the conductor's maximum temperature.</summary>
    public static double AmpacityAmperes(Conductor conductor, LineWeather weather)
    {
        ArgumentNullException.ThrowIfNull(conductor);
        return HeatBalanceAt(conductor, weather, conductor.MaxTemperatureCelsius).AmpacityAmperes;
    }

    /// <summary>Three-phase rating in MVA at a line-to-line voltage: √3·V·I.</summary>
    public static double RatingMVA(Conductor conductor, LineWeather weather, double lineVoltageKV, int conductorsPerPhase = 1) =>
        Math.Sqrt(3) * lineVoltageKV * AmpacityAmperes(conductor, weather) * conductorsPerPhase / 1000;

    /// <summary>
    /// Dynamic ratings for the branches that have a conductor assigned (voltage from the from-bus base kV), ready for
    /// <see cref="Opf.DcOpfOptions.BranchRatingsMVA"/>. Transformers and unassigned branches keep their static rating.
    /// </summary>
    public static Dictionary<int, double> BranchRatingsMVA(PowerCase powerCase, Func<int, Conductor?> conductorOfBranch, LineWeather weather)
    {
        ArgumentNullException.ThrowIfNull(powerCase);
        ArgumentNullException.ThrowIfNull(conductorOfBranch);
        var index = powerCase.BusIndex();
        var ratings = new Dictionary<int, double>();
        for (var l = 0; l < powerCase.Branches.Count; l++)
        {
            var conductor = conductorOfBranch(l);
            if (conductor is null)
            {
                continue;
            }
            var kv = powerCase.Buses[index[powerCase.Branches[l].FromBus]].BaseKV;
            if (kv > 0)
            {
                ratings[l] = RatingMVA(conductor, weather, kv);
            }
        }
        return ratings;
    }
}
