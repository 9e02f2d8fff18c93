using System.Globalization;
using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class WaterOperationsCommandTests
{
    private static string WriteTariff(string folder)
    {
        var path = Path.Combine(folder, "tou.csv");
        var rows = Enumerable.Range(0, 24).Select(h => string.Create(CultureInfo.InvariantCulture, $"{h},{(h is < 7 or >= 23 ? 0.08 : h is >= 17 and < 21 ? 0.34 : 0.18)}"));
        File.WriteAllText(path, "hour,price\n" + string.Join('\n', rows) + "\n");
        return path;
    }

    private const string Supply = """
        source,desal,desalination,400,6000,0.90,3.5,*
        source,wells,groundwater,150,300,0.20,0.6,north;south
        district,north,3000
        district,south,2400
        district,harbour,1200
        """;

    [Fact]
    public async Task Pumps_schedule_json_is_feasible_and_cheaper_than_own_controls_on_Net3()
    {
        var inp = ReferenceData.Require("water/networks/Net3.inp");
        using var folder = RepositoryPaths.CreateTempFolder();
        var result = await CliRunner.RunAsync("water", "pumps", "schedule", inp, "--tariff", WriteTariff(folder.Path), "--max-simulations", "200", "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("feasible").GetBoolean());
        Assert.True(root.GetProperty("cost_eur").GetDouble() < root.GetProperty("own_controls_cost_eur").GetDouble());
        Assert.Equal(2, root.GetProperty("pumps").GetArrayLength());
        Assert.Equal(24, root.GetProperty("periods").GetArrayLength());
        Assert.Equal(0, root.GetProperty("violations").GetArrayLength());
    }

    [Fact]
    public async Task Pumps_schedule_reports_a_malformed_tariff_with_file_and_line()
    {
        var inp = ReferenceData.Require("water/networks/Net1.inp");
        using var folder = RepositoryPaths.CreateTempFolder();
        var tariff = Path.Combine(folder.Path, "bad.csv");
        File.WriteAllText(tariff, "hour,price\n0,0.1\n1,cheap\n");
        var result = await CliRunner.RunAsync("water", "pumps", "schedule", inp, "--tariff", tariff);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.csv:3:", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("not a number", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sources_allocate_and_restrict_plan_share_the_shortfall()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var file = Path.Combine(folder.Path, "supply.csv");
        File.WriteAllText(file, Supply);
        var allocation = await CliRunner.RunAsync("water", "sources", "allocate", file, "--json");
        Assert.True(allocation.ExitCode == 0, allocation.StdErr);
        using var a = JsonDocument.Parse(allocation.StdOut);
        // 6,600 m³ demanded, 6,000 + 300 m³ available in the day: 300 m³ short.
        Assert.Equal(300, a.RootElement.GetProperty("shortfall_cubic_meters").GetDouble(), 3);
        Assert.Equal(300, a.RootElement.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("source_id").GetString() == "wells").GetProperty("cubic_meters").GetDouble(), 3);

        var plan = await CliRunner.RunAsync("water", "restrict", "plan", file, "--sharing", "proportional", "--json");
        Assert.True(plan.ExitCode == 0, plan.StdErr);
        using var p = JsonDocument.Parse(plan.StdOut);
        var districts = p.RootElement.GetProperty("districts").EnumerateArray().ToList();
        Assert.Equal(3, districts.Count);
        var available = p.RootElement.GetProperty("available_cubic_meters").GetDouble();
        Assert.Equal(6300, available, 3);
        Assert.True(districts.Sum(d => d.GetProperty("allocated_cubic_meters").GetDouble()) <= available + 1e-6);
        Assert.All(districts, d => Assert.True(d.GetProperty("shortage_fraction").GetDouble() > 0));
    }

    [Fact]
    public async Task Sources_allocate_reports_a_malformed_case()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var file = Path.Combine(folder.Path, "supply.csv");
        File.WriteAllText(file, "source,a,volcano,1,1,1,1\ndistrict,d,5\n");
        var result = await CliRunner.RunAsync("water", "sources", "allocate", file);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("supply.csv:1:10", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("unknown source kind", result.StdErr, StringComparison.Ordinal);
    }
}
