using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CivicGrid.Testing;
using CivicGrid.Water.Energy;
using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using Xunit;

namespace CivicGrid.Water.Tests;

/// <summary>
/// Pump energy against EPANET 2.3.5's energy report (epanet-js 0.9.0: ENsolveH, ENsaveH and ENreport with
/// <c>ENERGY YES</c>, parsed by <c>bench/peers/water/epanet-peer.mjs energy</c> in the same run). The report prints two
/// decimals, so the tolerance is |a − b| ≤ 1e-3·|b| + 0.005 (relative 1e-3 plus the report's rounding). The demand
/// charge is compared as EPANET's report prints it (see the note in the test).
/// </summary>
public partial class PumpEnergyTests
{
    private const double Rtol = 1e-3;
    private const double Rounding = 0.005;

    // Net3 with a global price and price pattern, a pump-specific price on 335, an efficiency curve on pump 10 and a
    // demand charge; Net1 with a pump-specific price pattern and another global efficiency.
    private const string Net3Energy = """
        [ENERGY]
         Global Efficiency 75
         Global Price 0.12
         Global Pattern PRICE
         Pump 335 Price 0.2
         Pump 10 Efficiency EFF
         Demand Charge 8.5

        """;

    private const string Net3Extras = """
        [PATTERNS]
         PRICE 0.8 0.8 0.8 0.8 0.8 0.8 1.2 1.2 1.2 1.2 1.2 1.2 1.5 1.5 1.5 1.5 1.5 1.5 1.0 1.0 1.0 1.0 1.0 1.0
        [CURVES]
         EFF 0 50
         EFF 1000 65
         EFF 2000 80
         EFF 3000 85
         EFF 4000 78
         EFF 5000 60

        """;

    private const string Net1Energy = """
        [ENERGY]
         Global Efficiency 80
         Global Price 0.05
         Pump 9 Price 0.09
         Pump 9 Pattern 1
         Demand Charge 3

        """;

    public static TheoryData<string, string> Variants => new()
    {
        { "Net1", "" },
        { "Net3", "" },
        { "Net1", Net1Energy },
        { "Net3", Net3Energy + Net3Extras },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Energy_report_matches_epanet_js(string network, string energySections)
    {
        var source = ReferenceData.Require($"water/networks/{network}.inp");
        if (!AllNetworksTests.PeerAvailable())
        {
            Assert.Skip("epanet-js is not installed: run `npm install` in bench/peers/water");
        }
        using var temp = RepositoryPaths.CreateTempFolder();
        var file = Path.Combine(temp.Path, network + "-energy.inp");
        File.WriteAllText(file, WithSections(File.ReadAllText(source), energySections));

        var peer = AllNetworksTests.RunNode(AllNetworksTests.PeerScript, "energy", file);
        Assert.True(peer.ExitCode == 0, peer.StdErr);
        using var json = JsonDocument.Parse(peer.StdOut);
        var expected = json.RootElement;

        var model = InpReader.ReadFile(file);
        var sim = new HydraulicSimulation(model);
        sim.Run();
        var report = sim.EnergyReport();

        var pumps = expected.GetProperty("pumps");
        Assert.Equal(pumps.GetArrayLength(), report.Pumps.Count);
        var failures = new List<string>();
        foreach (var p in pumps.EnumerateArray())
        {
            var id = p.GetProperty("id").GetString()!;
            var ours = report.Pumps.Single(x => x.PumpId == id);
            Check(failures, id, "utilisation", ours.UtilizationPercent, p.GetProperty("utilisation").GetDouble());
            Check(failures, id, "efficiency", ours.AverageEfficiencyPercent, p.GetProperty("efficiency").GetDouble());
            Check(failures, id, "kWh/volume", ours.KilowattHoursPerVolume, p.GetProperty("kwhPerVolume").GetDouble());
            Check(failures, id, "average kW", ours.AverageKilowatts, p.GetProperty("averageKw").GetDouble());
            Check(failures, id, "peak kW", ours.PeakKilowatts, p.GetProperty("peakKw").GetDouble());
            Check(failures, id, "cost/day", ours.CostPerDay, p.GetProperty("costPerDay").GetDouble());
        }
        // EPANET 2.3.5's text report multiplies the demand charge by the rate twice (saveenergy stores peak kW × rate,
        // writeenergy multiplies that by the rate again); our figure is peak kW × rate, so the report's equals ours × rate.
        var rate = model.Energy.DemandCharge;
        var reportCharge = rate == 0 ? report.DemandCharge : report.DemandCharge * rate;
        Check(failures, "-", "demand charge (× rate, as EPANET's report prints it)", reportCharge, expected.GetProperty("demandCharge").GetDouble());
        Check(failures, "-", "total cost", report.TotalCostPerDay - report.DemandCharge + reportCharge, expected.GetProperty("totalCost").GetDouble());
        Assert.Equal(rate * report.PeakKilowatts, report.DemandCharge, 9);
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Contains(report.Pumps, p => p.UtilizationPercent > 0);
    }

    [Fact]
    public void Cost_scales_with_price_and_demand_charge_follows_the_peak_power()
    {
        var text = File.ReadAllText(ReferenceData.Require("water/networks/Net3.inp"));
        PumpEnergyReport Run(string energy)
        {
            var sim = new HydraulicSimulation(InpReader.Read(WithSections(text, energy), "Net3.inp"));
            sim.Run();
            return sim.EnergyReport();
        }
        var cheap = Run("[ENERGY]\n Global Price 0.1\n Demand Charge 2\n");
        var dear = Run("[ENERGY]\n Global Price 0.3\n Demand Charge 2\n");
        for (var i = 0; i < cheap.Pumps.Count; i++)
        {
            Assert.Equal(cheap.Pumps[i].AverageKilowatts, dear.Pumps[i].AverageKilowatts, 9);
            Assert.Equal(3 * cheap.Pumps[i].CostPerDay, dear.Pumps[i].CostPerDay, 6);
            // A pump running at a constant power P for a share u of the day at 0.1 per kWh costs about 2.4·P·u.
            var p = cheap.Pumps[i];
            Assert.InRange(p.CostPerDay, 0.99 * 2.4 * p.AverageKilowatts * p.UtilizationPercent / 100, 1.01 * 2.4 * p.AverageKilowatts * p.UtilizationPercent / 100);
        }
        Assert.Equal(2 * cheap.PeakKilowatts, cheap.DemandCharge, 9);
        Assert.True(cheap.PeakKilowatts >= cheap.Pumps.Max(p => p.PeakKilowatts));
        Assert.Equal(cheap.Pumps.Sum(p => p.CostPerDay) + cheap.DemandCharge, cheap.TotalCostPerDay, 9);
    }

    [Fact]
    public void A_network_without_pumps_reports_no_energy()
    {
        var sim = new HydraulicSimulation(InpReader.ReadFile(ReferenceData.Require("water/networks/Net2.inp")));
        sim.Run();
        var report = sim.EnergyReport();
        Assert.Empty(report.Pumps);
        Assert.Equal(0.0, report.TotalCostPerDay);
    }

    private static void Check(List<string> failures, string pump, string what, double actual, double expected)
    {
        if (Math.Abs(actual - expected) > (Rtol * Math.Abs(expected)) + Rounding)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"pump {pump} {what}: {actual:G6} vs EPANET {expected:G6}"));
        }
    }

    // Replaces the [ENERGY] section and adds lines at the top of [PATTERNS]/[CURVES] so the variant stays one file.
    private static string WithSections(string inp, string sections)
    {
        if (sections.Length == 0)
        {
            return inp;
        }
        foreach (Match m in SectionBlock().Matches(sections))
        {
            var name = m.Groups["name"].Value.ToUpperInvariant();
            var body = m.Groups["body"].Value;
            var header = new Regex(@"^\[" + name + @"\][^\n]*\n", RegexOptions.Multiline | RegexOptions.IgnoreCase);
            if (name == "ENERGY")
            {
                var existing = new Regex(@"^\[ENERGY\][^\[]*", RegexOptions.Multiline | RegexOptions.IgnoreCase);
                inp = existing.IsMatch(inp) ? existing.Replace(inp, "[ENERGY]\n" + body, 1) : inp + "\n[ENERGY]\n" + body;
            }
            else
            {
                inp = header.Replace(inp, "[" + name + "]\n" + body, 1);
            }
        }
        return inp;
    }

    [GeneratedRegex(@"^\[(?<name>[A-Z]+)\]\r?\n(?<body>[^\[]*)", RegexOptions.Multiline)]
    private static partial Regex SectionBlock();
}
