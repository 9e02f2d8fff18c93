namespace CivicGrid.Energy.Grid.LineRating;

/// <summary>The two atmospheres for which IEEE 738 tabulates the solar heat flux at sea level.</summary>
public enum SolarAtmosphere
{
    Clear,
    Industrial,
}

/// <summary>Where and when the sun shines on a line, for IEEE 738's solar heat gain.</summary>
/// <param name="LatitudeDegrees">Latitude of the line (north positive).</param>
/// <param name="DayOfYear">Day of the year, 1 = 1 January.</param>
/// <param name="SolarHour">Local solar time in hours (12 = solar noon; 11 = 11:00).</param>
/// <param name="LineAzimuthDegrees">Azimuth of the line's axis, clockwise from north (90 = east–west line).</param>
/// <param name="Atmosphere">Clear or industrial atmosphere.</param>
public sealed record SolarConditions(
    double LatitudeDegrees,
    int DayOfYear,
    double SolarHour,
    double LineAzimuthDegrees,
    SolarAtmosphere Atmosphere = SolarAtmosphere.Clear);

/// <summary>Sun position: altitude above the horizon and azimuth clockwise from north, in degrees.</summary>
public sealed record SunPosition(double AltitudeDegrees, double AzimuthDegrees);

/// <summary>
/// IEEE 738-2012 solar geometry and heat flux: declination, hour angle, altitude (16a/16b), azimuth with the
/// azimuth constant of its table (17, 18), the angle of incidence on the conductor (9), the sea-level flux polynomials
/// for clear and industrial air and the elevation correction factor.
/// </summary>
public static class SolarGeometry
{
    // Total heat flux Qs (W/m²) at sea level as a polynomial in the altitude Hc (degrees), IEEE 738 table.
    private static readonly double[] ClearCoefficients = [-42.2391, 63.8044, -1.9220, 3.46921e-2, -3.61118e-4, 1.94318e-6, -4.07608e-9];
    private static readonly double[] IndustrialCoefficients = [53.1821, 14.2110, 6.6138e-1, -3.1658e-2, 5.4654e-4, -4.3446e-6, 1.3236e-8];

    /// <summary>Solar declination δ = 23.46·sin((284 + N)/365·360°).</summary>
    public static double DeclinationDegrees(int dayOfYear) => 23.46 * SinDeg((284.0 + dayOfYear) / 365.0 * 360.0);

    /// <summary>Hour angle ω: 15° per hour from solar noon, negative in the morning.</summary>
    public static double HourAngleDegrees(double solarHour) => (solarHour - 12.0) * 15.0;

    public static SunPosition Position(double latitudeDegrees, int dayOfYear, double solarHour)
    {
        if (latitudeDegrees is < -90 or > 90)
        {
            throw new ArgumentOutOfRangeException(nameof(latitudeDegrees), "Latitude must lie in [−90°, 90°].");
        }
        if (dayOfYear is < 1 or > 366)
        {
            throw new ArgumentOutOfRangeException(nameof(dayOfYear), "The day of the year must lie in [1, 366].");
        }
        if (solarHour is < 0 or > 24)
        {
            throw new ArgumentOutOfRangeException(nameof(solarHour), "The solar hour must lie in [0, 24].");
        }
        var delta = DeclinationDegrees(dayOfYear);
        var omega = HourAngleDegrees(solarHour);
        var lat = latitudeDegrees;
        var altitude = AsinDeg(CosDeg(lat) * CosDeg(delta) * CosDeg(omega) + SinDeg(lat) * SinDeg(delta));
        // Zc = C + arctan(χ), χ = sin ω / (sin Lat·cos ω − cos Lat·tan δ). The standard's table of the azimuth
        // constant C picks the quadrant from the signs of ω and χ; atan2 of χ's numerator and denominator, plus 180°,
        // is the same angle and also holds south of the tropics, where the noon sun is due north.
        var numerator = SinDeg(omega);
        var denominator = SinDeg(lat) * CosDeg(omega) - CosDeg(lat) * TanDeg(delta);
        var azimuth = Math.Atan2(numerator, denominator) * 180 / Math.PI + 180;
        azimuth = ((azimuth % 360) + 360) % 360;
        return new SunPosition(altitude, azimuth);
    }

    /// <summary>
    /// Total solar and sky heat flux on a surface normal to the rays, corrected for elevation
    /// (K = 1 + 1.148e-4·He − 1.108e-8·He²); zero with the sun below the horizon.
    /// </summary>
    public static double HeatFluxWattsPerSquareMeter(double altitudeDegrees, SolarAtmosphere atmosphere, double elevationMeters = 0)
    {
        if (altitudeDegrees <= 0)
        {
            return 0;
        }
        var coefficients = atmosphere == SolarAtmosphere.Clear ? ClearCoefficients : IndustrialCoefficients;
        var q = 0.0;
        for (var k = coefficients.Length - 1; k >= 0; k--)
        {
            q = q * altitudeDegrees + coefficients[k];
        }
        var elevationFactor = 1 + 1.148e-4 * elevationMeters - 1.108e-8 * elevationMeters * elevationMeters;
        return Math.Max(q, 0) * elevationFactor;
    }

    /// <summary>Effective angle of incidence of the rays on the conductor: θ = arccos(cos Hc · cos(Zc − Zl)).</summary>
    public static double IncidenceAngleDegrees(SunPosition sun, double lineAzimuthDegrees)
    {
        ArgumentNullException.ThrowIfNull(sun);
        return Math.Acos(Math.Clamp(CosDeg(sun.AltitudeDegrees) * CosDeg(sun.AzimuthDegrees - lineAzimuthDegrees), -1, 1)) * 180 / Math.PI;
    }

    /// <summary>Solar heat gain per metre of conductor: q_s = α·Qse·sin θ·D.</summary>
    public static double HeatGainWattsPerMeter(Conductor conductor, SolarConditions conditions, double elevationMeters = 0)
    {
        ArgumentNullException.ThrowIfNull(conductor);
        ArgumentNullException.ThrowIfNull(conditions);
        var sun = Position(conditions.LatitudeDegrees, conditions.DayOfYear, conditions.SolarHour);
        var flux = HeatFluxWattsPerSquareMeter(sun.AltitudeDegrees, conditions.Atmosphere, elevationMeters);
        var theta = IncidenceAngleDegrees(sun, conditions.LineAzimuthDegrees);
        return conductor.Absorptivity * flux * SinDeg(theta) * conductor.DiameterMeters;
    }

    private static double SinDeg(double x) => Math.Sin(x * Math.PI / 180);

    private static double CosDeg(double x) => Math.Cos(x * Math.PI / 180);

    private static double TanDeg(double x) => Math.Tan(x * Math.PI / 180);

    private static double AsinDeg(double x) => Math.Asin(Math.Clamp(x, -1, 1)) * 180 / Math.PI;
}
