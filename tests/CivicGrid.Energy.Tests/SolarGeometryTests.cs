using CivicGrid.Energy.Grid.LineRating;
using Xunit;

namespace CivicGrid.Energy.Tests;

/// <summary>
/// IEEE 738-2012 solar heating, validated against the standard's worked example (Drake, latitude 30° N, 10 June = day
/// 161, 11:00 solar time, east–west line, clear atmosphere, sea level): Hc ≈ 74.9°, Zc ≈ 114°, θ ≈ 76.1°,
/// Qs ≈ 1027 W/m², q_s ≈ 22.45 W/m, rating ≈ 1025 A at 40 °C ambient and 0.61 m/s wind. The standard prints these
/// rounded, so the tolerances are half a unit of its last digit or 0.5 % (θ: 0.2°, as the standard rounds Hc and Zc first).
/// </summary>
public sealed class SolarGeometryTests
{
    private static readonly SolarConditions Example = new(LatitudeDegrees: 30, DayOfYear: 161, SolarHour: 11, LineAzimuthDegrees: 90);

    [Fact]
    public void WorkedExample_SunPositionMatchesTheStandard()
    {
        Assert.Equal(23.0, SolarGeometry.DeclinationDegrees(161), 0.05);
        Assert.Equal(-15, SolarGeometry.HourAngleDegrees(11), 12);
        var sun = SolarGeometry.Position(30, 161, 11);
        Assert.Equal(74.9, sun.AltitudeDegrees, 0.05);
        Assert.Equal(114, sun.AzimuthDegrees, 0.5);
        Assert.Equal(76.1, SolarGeometry.IncidenceAngleDegrees(sun, 90), 0.2);
    }

    [Fact]
    public void WorkedExample_HeatFluxGainAndRatingMatchTheStandard()
    {
        var sun = SolarGeometry.Position(30, 161, 11);
        Assert.InRange(SolarGeometry.HeatFluxWattsPerSquareMeter(sun.AltitudeDegrees, SolarAtmosphere.Clear), 1026.5, 1027.5);
        Assert.InRange(SolarGeometry.HeatGainWattsPerMeter(Conductor.Drake, Example), 22.45 * 0.995, 22.45 * 1.005);
        var amps = ThermalRating.AmpacityAmperes(Conductor.Drake, new LineWeather(40, 0.61, Sun: Example));
        Assert.InRange(amps, 1025 * 0.995, 1025 * 1.005);
    }

    [Fact]
    public void IndustrialAir_CarriesLessHeatThanClearAir_AndElevationAddsHeat()
    {
        foreach (var altitude in new[] { 10.0, 30, 50, 70, 90 })
        {
            var clear = SolarGeometry.HeatFluxWattsPerSquareMeter(altitude, SolarAtmosphere.Clear);
            Assert.True(SolarGeometry.HeatFluxWattsPerSquareMeter(altitude, SolarAtmosphere.Industrial) < clear);
            Assert.True(SolarGeometry.HeatFluxWattsPerSquareMeter(altitude, SolarAtmosphere.Clear, 1500) > clear);
        }
        Assert.Equal(0, SolarGeometry.HeatFluxWattsPerSquareMeter(-5, SolarAtmosphere.Clear));
    }

    [Theory]
    [InlineData(30.0, 161)]
    [InlineData(45.0, 355)]
    [InlineData(-33.9, 172)]
    [InlineData(-33.9, 355)]
    public void SunPath_IsSymmetricAboutSolarNoon(double latitude, int day)
    {
        for (var h = 0.5; h <= 6; h += 0.5)
        {
            var morning = SolarGeometry.Position(latitude, day, 12 - h);
            var afternoon = SolarGeometry.Position(latitude, day, 12 + h);
            Assert.Equal(morning.AltitudeDegrees, afternoon.AltitudeDegrees, 1e-9);
            Assert.Equal(360, morning.AzimuthDegrees + afternoon.AzimuthDegrees, 1e-9);
        }
        var noon = SolarGeometry.Position(latitude, day, 12);
        // At noon the sun is due south when it is south of the zenith and due north when north of it.
        var declination = SolarGeometry.DeclinationDegrees(day);
        Assert.Equal(90 - Math.Abs(latitude - declination), noon.AltitudeDegrees, 1e-9);
        Assert.Equal(latitude > declination ? 180 : 0, noon.AzimuthDegrees, 1e-9);
    }

    [Fact]
    public void IncidenceAngle_IsTheAltitudeAlongTheSunsAzimuthAndARightAngleAcrossIt()
    {
        var sun = SolarGeometry.Position(30, 161, 11);
        // A line pointing at the sun's azimuth meets the rays at θ = Hc; a line across that azimuth at θ = 90°.
        Assert.Equal(sun.AltitudeDegrees, SolarGeometry.IncidenceAngleDegrees(sun, sun.AzimuthDegrees), 1e-9);
        Assert.Equal(90, SolarGeometry.IncidenceAngleDegrees(sun, sun.AzimuthDegrees + 90), 1e-9);
        var night = new SolarConditions(30, 161, 23, 90);
        Assert.Equal(0, SolarGeometry.HeatGainWattsPerMeter(Conductor.Drake, night));
    }
}
