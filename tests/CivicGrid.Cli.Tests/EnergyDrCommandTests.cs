using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class EnergyDrCommandTests
{
    private const string Loads = "load,participant,max_reduction_kw,min_payment_eur_per_kwh\nheat-pump-1,alice,3,0.10\nev-2,bob,6,0.05\npool-3,carol,2,0.50\n";
    private const string Events = "# two events\nid,start_interval,intervals,requested_kw,payment_eur_per_kwh\ne1,10,2,4.5,0.20\ne2,20,1,20,0.60\n";

    private static (string Events, string Loads, string Readings) Write(string folder, string readings, string? events = null, string? loads = null)
    {
        var e = Path.Combine(folder, "events.csv");
        var l = Path.Combine(folder, "loads.csv");
        var r = Path.Combine(folder, "readings.csv");
        File.WriteAllText(e, events ?? Events);
        File.WriteAllText(l, loads ?? Loads);
        File.WriteAllText(r, readings);
        return (e, l, r);
    }

    [Fact]
    public async Task Dr_Json_SendsToWillingLoads_AndPaysDeliveredEnergyAtTheEventPrice()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        // e1 pays 0.20: heat-pump-1 (1.5 kW) and ev-2 (3 kW) are instructed, pool-3 declines. ev-2 under-delivers in interval 11,
        // heat-pump-1 over-delivers in 10 (capped at its instruction); pool-3's meter is ignored.
        var (events, loads, readings) = Write(tmp.Path,
            "event,load,interval,baseline_kw,metered_kw\ne1,heat-pump-1,10,4,2\ne1,heat-pump-1,11,4,2.5\ne1,ev-2,10,7,4\ne1,ev-2,11,7,5\ne1,pool-3,10,3,1\ne2,pool-3,20,3,1\n");
        var result = await CliRunner.RunAsync("energy", "dr", events, "--loads", loads, "--readings", readings, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var e1 = doc.RootElement.GetProperty("events")[0];
        Assert.Equal("e1", e1.GetProperty("id").GetString());
        Assert.Equal(4.5, e1.GetProperty("instructed_kw").GetDouble(), 9);
        Assert.Equal(2, e1.GetProperty("instructions").GetArrayLength());
        var hp = e1.GetProperty("settlements").EnumerateArray().Single(s => s.GetProperty("load").GetString() == "heat-pump-1");
        var ev = e1.GetProperty("settlements").EnumerateArray().Single(s => s.GetProperty("load").GetString() == "ev-2");
        // heat pump: min(2, 1.5) + min(1.5, 1.5) = 3 kW·interval = 0.75 kWh; EV: 3 + 2 = 5 kW·interval = 1.25 kWh of 1.5.
        Assert.Equal(0.75, hp.GetProperty("delivered_kwh").GetDouble(), 9);
        Assert.Equal(1.25, ev.GetProperty("delivered_kwh").GetDouble(), 9);
        Assert.Equal(0.25, ev.GetProperty("shortfall_kwh").GetDouble(), 9);
        Assert.Equal(2.0 * 0.20, e1.GetProperty("payment_eur").GetDouble(), 9);
        Assert.Equal(0.25, e1.GetProperty("shortfall_kwh").GetDouble(), 9);
        // e2 pays 0.60: all three loads (11 kW) for a 20 kW request; only pool-3 delivered (2 kW capped, 0.5 kWh).
        var e2 = doc.RootElement.GetProperty("events")[1];
        Assert.Equal(11, e2.GetProperty("instructed_kw").GetDouble(), 9);
        Assert.Equal(0.5 * 0.60, e2.GetProperty("payment_eur").GetDouble(), 9);
        Assert.Equal(11 * 0.25 - 0.5, e2.GetProperty("shortfall_kwh").GetDouble(), 9);
        Assert.Equal(1, doc.RootElement.GetProperty("ignored_readings").GetInt32());
        Assert.Equal(2.0 * 0.20 + 0.5 * 0.60, doc.RootElement.GetProperty("total_payment_eur").GetDouble(), 9);
    }

    [Fact]
    public async Task Dr_Human_PrintsATablePerEvent()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var (events, loads, _) = Write(tmp.Path, "");
        var result = await CliRunner.RunAsync("energy", "dr", events, "--loads", loads);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("e2", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("EUR", result.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("loads", "load,max_reduction_kw\nhp,lots\n", "loads.csv:2:4:", "max_reduction_kw")]
    [InlineData("loads", "load,max_reduction_kw,colour\nhp,1,red\n", "loads.csv:1:23:", "unknown column")]
    [InlineData("loads", "load,max_reduction_kw\nhp,1\nhp,2\n", "loads.csv:3:1:", "duplicate load")]
    [InlineData("events", "id,start_interval,intervals,requested_kw\ne1,1,2,3\n", "events.csv:1:1:", "missing column 'payment_eur_per_kwh'")]
    [InlineData("events", "id,start_interval,intervals,requested_kw,payment_eur_per_kwh\ne1,1,0,3,0.2\n", "events.csv:2:6:", "intervals must be an integer")]
    [InlineData("events", "id,start_interval,intervals,requested_kw,payment_eur_per_kwh\ne1,1,2,3\n", "events.csv:2:1:", "expected 5 fields")]
    [InlineData("readings", "event,load,interval,baseline_kw,metered_kw\ne1,heat-pump-1,10,4,-1\n", "readings.csv:2:21:", "metered_kw")]
    [InlineData("readings", "event,load,interval,baseline_kw,metered_kw\ne9,heat-pump-1,10,4,1\n", "readings.csv:2:1:", "unknown event 'e9'")]
    [InlineData("readings", "event,load,interval,baseline_kw,metered_kw\ne1,heat-pump-1,12,4,1\n", "readings.csv:2:1:", "outside event 'e1'")]
    public async Task Dr_MalformedInput_ExitsWithFileLineColumnAndReason(string which, string content, string location, string reason)
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var (events, loads, readings) = which switch
        {
            "loads" => Write(tmp.Path, "event,load,interval,baseline_kw,metered_kw\n", loads: content),
            "events" => Write(tmp.Path, "event,load,interval,baseline_kw,metered_kw\n", events: content),
            _ => Write(tmp.Path, content),
        };
        var result = await CliRunner.RunAsync("energy", "dr", events, "--loads", loads, "--readings", readings, "--json");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(location, result.StdErr, StringComparison.Ordinal);
        Assert.Contains(reason, result.StdErr, StringComparison.Ordinal);
        // With --json, standard output carries only the error as JSON.
        using var error = JsonDocument.Parse(result.StdOut);
        Assert.StartsWith(location, error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dr_MissingFile_IsAnError()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var result = await CliRunner.RunAsync("energy", "dr", Path.Combine(tmp.Path, "none.csv"), "--loads", Path.Combine(tmp.Path, "none2.csv"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not found", result.StdErr, StringComparison.Ordinal);
    }
}
