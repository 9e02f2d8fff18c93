using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

/// <summary><c>civicgrid water report</c> includes EPANET's pump energy report (validated against epanet-js in
/// CivicGrid.Water.Tests.PumpEnergyTests; here only its presence and consistency in the CLI's JSON).</summary>
public class WaterEnergyCommandTests
{
    [Fact]
    public async Task Report_json_has_the_pump_energy_table()
    {
        var inp = ReferenceData.Require("water/networks/Net3.inp");
        var result = await CliRunner.RunAsync("water", "report", inp, "--top", "1", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var energy = doc.RootElement.GetProperty("energy");
        Assert.Equal("Mgal", energy.GetProperty("volume_unit").GetString());
        var pumps = energy.GetProperty("pumps");
        Assert.Equal(2, pumps.GetArrayLength());
        var peakOfPumps = 0.0;
        foreach (var pump in pumps.EnumerateArray())
        {
            var utilization = pump.GetProperty("utilization_percent").GetDouble();
            Assert.InRange(utilization, 0.0, 100.0);
            Assert.True(pump.GetProperty("peak_kilowatts").GetDouble() >= pump.GetProperty("average_kilowatts").GetDouble());
            peakOfPumps = Math.Max(peakOfPumps, pump.GetProperty("peak_kilowatts").GetDouble());
        }
        Assert.True(energy.GetProperty("peak_kilowatts").GetDouble() >= peakOfPumps);
    }

    [Fact]
    public async Task Report_prints_an_energy_table_for_networks_with_pumps()
    {
        var inp = ReferenceData.Require("water/networks/Net1.inp");
        var result = await CliRunner.RunAsync("water", "report", inp, "--top", "1");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("kWh/Mgal", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("total cost/day", result.StdOut, StringComparison.Ordinal);
    }
}
