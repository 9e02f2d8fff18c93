using System.Globalization;
using System.Text;
using System.Text.Json;
using CivicGrid.Energy.Market;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class EnergyMarketCommandTests
{
    private static string WriteBids(string folder, int count, int seed, bool withBus)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder("id,participant,side,quantity_kwh,price_eur_per_kwh,bus,interval\n");
        for (var k = 0; k < count; k++)
        {
            var buy = k % 2 == 0;
            var bus = withBus ? (buy ? new[] { 5, 7, 9 }[rng.Next(3)] : new[] { 1, 2, 3 }[rng.Next(3)]).ToString(CultureInfo.InvariantCulture) : "";
            var qty = withBus ? 500 + 40_000 * rng.NextDouble() : 0.5 + 10 * rng.NextDouble();
            var price = buy ? 0.10 + 0.30 * rng.NextDouble() : 0.02 + 0.20 * rng.NextDouble();
            sb.Append(CultureInfo.InvariantCulture, $"b{k},p{k},{(buy ? "buy" : "sell")},{qty:R},{price:0.#####},{bus},{k / 2 % 2}\n");
        }
        var path = Path.Combine(folder, "bids.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public async Task Market_Json_ReportsTheUniformPricePerInterval_WithReceipts()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var path = WriteBids(tmp.Path, 200, 1, withBus: false);
        var result = await CliRunner.RunAsync("energy", "market", path, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.Equal(0, root.GetProperty("invariant_violations").GetArrayLength());
        var expected = UniformPriceAuction.ClearAll(BidCsvReader.ReadFile(path));
        var intervals = root.GetProperty("intervals");
        Assert.Equal(expected.Count, intervals.GetArrayLength());
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].PriceEurPerKWh, intervals[i].GetProperty("price_eur_per_kwh").GetDouble(), 12);
            Assert.Equal(expected[i].ClearedKWh, intervals[i].GetProperty("cleared_kwh").GetDouble(), 9);
            Assert.True(intervals[i].GetProperty("receipts").GetArrayLength() > 0);
        }
        Assert.Equal(64, root.GetProperty("inputs_sha256").GetString()!.Length);
    }

    [Fact]
    public async Task Market_WithGrid_ClearsLessThanWithoutAndKeepsInvariants()
    {
        var casePath = ReferenceData.Require("energy/cases/case9.m");
        using var tmp = RepositoryPaths.CreateTempFolder();
        var path = WriteBids(tmp.Path, 40, 11, withBus: true);
        var plain = await CliRunner.RunAsync("energy", "market", path, "--json");
        var grid = await CliRunner.RunAsync("energy", "market", path, "--grid", casePath, "--json");
        Assert.Equal(0, grid.ExitCode);
        using var a = JsonDocument.Parse(plain.StdOut);
        using var b = JsonDocument.Parse(grid.StdOut);
        double Cleared(JsonDocument d) => d.RootElement.GetProperty("intervals").EnumerateArray().Sum(x => x.GetProperty("cleared_kwh").GetDouble());
        Assert.True(Cleared(b) < Cleared(a));
        Assert.True(b.RootElement.GetProperty("invariant_violations").GetArrayLength() == 0, b.RootElement.GetProperty("invariant_violations").ToString());
        Assert.Equal("grid-aware", b.RootElement.GetProperty("intervals")[0].GetProperty("method").GetString());
    }

    [Fact]
    public async Task Market_Continuous_MatchesInFileOrder()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var path = WriteBids(tmp.Path, 100, 2, withBus: false);
        var result = await CliRunner.RunAsync("energy", "market", path, "--continuous", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.Equal("continuous", doc.RootElement.GetProperty("intervals")[0].GetProperty("method").GetString());
    }

    [Fact]
    public async Task Market_MalformedFile_ExitsWithFileLineAndReason()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var path = Path.Combine(tmp.Path, "bad.csv");
        File.WriteAllText(path, "id,participant,side,quantity_kwh,price_eur_per_kwh\nb1,a,buy,1,0.2\nb2,b,sell,lots,0.1\n");
        var result = await CliRunner.RunAsync("energy", "market", path, "--json");
        Assert.Equal(2, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.StartsWith("bad.csv:3:11:", doc.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Market_GridWithoutBuses_IsABadInput()
    {
        var casePath = ReferenceData.Require("energy/cases/case9.m");
        using var tmp = RepositoryPaths.CreateTempFolder();
        var path = WriteBids(tmp.Path, 10, 3, withBus: false);
        var result = await CliRunner.RunAsync("energy", "market", path, "--grid", casePath);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("has no bus", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shed_Json_SpreadsOutagesAndAuditsThem()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var sb = new StringBuilder("household,block,district,group,demand_kw,critical\n");
        for (var i = 0; i < 120; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"h{i},B{i / 6},D{i / 6 % 4},{(i % 3 == 0 ? "renters" : "owners")},{1 + i % 5},{(i % 29 == 0 ? "true" : "false")}\n");
        }
        var path = Path.Combine(tmp.Path, "households.csv");
        File.WriteAllText(path, sb.ToString());
        var result = await CliRunner.RunAsync("energy", "shed", path, "--shortfall-kw", "60", "--intervals", "96", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.Equal(96, root.GetProperty("decisions").GetArrayLength());
        Assert.Equal(0, root.GetProperty("uncovered_kwh").GetDouble(), 9);
        Assert.InRange(root.GetProperty("max_outage_share").GetDouble(), 0.01, 0.5);
        Assert.Equal(0, root.GetProperty("audit").GetProperty("flagged").GetArrayLength());
        Assert.All(root.GetProperty("decisions").EnumerateArray(), d => Assert.True(d.GetProperty("shed_kw").GetDouble() >= 60 - 1e-9));
    }

    [Fact]
    public async Task Shed_MalformedHouseholds_ExitsWithFileLineAndReason()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var path = Path.Combine(tmp.Path, "hh.csv");
        File.WriteAllText(path, "household,block,district,demand_kw\nh1,B1,D1,abc\n");
        var result = await CliRunner.RunAsync("energy", "shed", path, "--shortfall-kw", "1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("hh.csv:2:10:", result.StdErr, StringComparison.Ordinal);
    }
}
