using CivicGrid.Mobility.Loading;
using Xunit;

namespace CivicGrid.Mobility.Tests.Loading;

/// <summary>Analytic checks of the cell transmission model under the urban triangular diagram (v 15 m/s, q_max 0.5 veh/s, k_j 0.2 veh/m, w 3 m/s, Δt 2 s, cells of 30 m).</summary>
public class CellTransmissionModelTests
{
    private const double Dt = 2;

    private static (CellTransmissionModel Model, CtmLink Link) OneLink(int cells, double initialPerCell, double demand)
    {
        var model = new CellTransmissionModel(Dt, TriangularDiagram.Urban);
        var link = model.AddLink(cells * 30);
        Array.Fill(link.Vehicles, initialPerCell);
        link.DemandVehiclesPerSecond = demand;
        return (model, link);
    }

    private static double JammedLengthMeters(CtmLink link, double threshold)
    {
        var count = 0;
        for (var i = link.Vehicles.Length - 1; i >= 0 && link.Vehicles[i] >= threshold; i--)
        {
            count++;
        }
        return count * link.CellLengthMeters;
    }

    [Fact]
    public void Diagram_is_triangular_with_the_expected_wave_speed()
    {
        var d = TriangularDiagram.Urban;
        Assert.Equal(3.0, d.WaveSpeedMetersPerSecond, 12);
        Assert.Equal(d.CapacityVehiclesPerSecond, d.WaveSpeedMetersPerSecond * (d.JamDensityVehiclesPerMeter - d.CriticalDensityVehiclesPerMeter), 12);
    }

    [Fact]
    public void Free_flow_below_capacity_has_no_delay_and_conserves_vehicles()
    {
        var (model, link) = OneLink(20, 0, 0.3);
        for (var s = 0; s < 300; s++)
        {
            model.Step(_ => true);
        }
        Assert.Equal(0, model.DelayVehicleSeconds, 9);
        Assert.Equal(0.3 * Dt, link.LastOutflow, 12);
        Assert.Equal(model.VehiclesEntered, model.VehiclesExited + link.TotalVehicles, 9);
    }

    [Fact]
    public void Queue_behind_a_red_light_grows_backwards_at_the_shock_wave_speed()
    {
        // Upstream state k_u = q_u / v = 0.02 veh/m at q_u = 0.3 veh/s meets the jam (k_j = 0.2, q = 0):
        // Rankine–Hugoniot shock speed u = q_u / (k_j − k_u) = 1.667 m/s upstream.
        var (model, link) = OneLink(60, 0.3 * Dt, 0.3);
        var midpoint = (link.MaxVehiclesPerCell + (0.3 * Dt)) / 2;
        double x1 = 0;
        for (var s = 1; s <= 300; s++)
        {
            model.Step(_ => false);
            if (s == 100)
            {
                x1 = JammedLengthMeters(link, midpoint);
            }
        }
        var x2 = JammedLengthMeters(link, midpoint);
        var speed = (x2 - x1) / ((300 - 100) * Dt);
        var expected = 0.3 / (0.2 - 0.02);
        Assert.InRange(speed, expected - (30.0 / 400), expected + (30.0 / 400)); // ± one cell over the interval
        // Queue growth: every arriving vehicle is stored, so the link holds its initial load plus q_u · t.
        Assert.Equal((60 * 0.3 * Dt) + (0.3 * 600), link.TotalVehicles, 9);
        Assert.Equal(0, link.LastOutflow);
    }

    [Fact]
    public void A_released_jam_discharges_at_capacity_and_the_start_wave_moves_at_w()
    {
        var (model, link) = OneLink(60, 0, 0);
        Array.Fill(link.Vehicles, link.MaxVehiclesPerCell);
        var midpoint = (link.MaxVehiclesPerCell + link.MaxFlowPerStep) / 2;
        for (var s = 1; s <= 150; s++)
        {
            model.Step(_ => true);
            Assert.Equal(link.MaxFlowPerStep, link.LastOutflow, 12); // q_max · Δt every step while the queue lasts
        }
        // After 300 s the start wave has travelled w · t = 900 m upstream (30 cells): cells beyond it are still jammed.
        var moving = 0;
        foreach (var n in link.Vehicles)
        {
            if (n < midpoint)
            {
                moving++;
            }
        }
        Assert.InRange(moving * link.CellLengthMeters, 900 - 60, 900 + 60);
        Assert.True(link.Vehicles[0] > link.MaxVehiclesPerCell - 1e-3); // only first-order numerical diffusion reaches this far
    }
}
