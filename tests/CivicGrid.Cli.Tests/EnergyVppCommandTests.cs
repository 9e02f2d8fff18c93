using System.Globalization;
using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class EnergyVppCommandTests
{
    private const string Portfolio = """
        {
          "name": "cli street",
          "interval_minutes": 60,
          "intervals": 4,
          "feeder": { "import_limit_kw": 4, "export_limit_kw": 2 },
          "tariff": { "import_eur_per_kwh": [0.1, 0.1, 0.4, 0.4] },
          "ders": [
            { "type": "pv", "id": "roof", "peak_kw": 3, "available_kw": [0, 2, 3, 0] },
            { "type": "battery", "id": "bat", "capacity_kwh": 6, "max_charge_kw": 3, "max_discharge_kw": 3, "initial_soc_kwh": 0 },
            { "type": "load", "id": "house", "demand_kw": [1, 1, 3, 3] },
            { "type": "load", "id": "ventilator", "demand_kw": 0.1, "critical": true }
          ]
        }
        """;

    [Fact]
    public async Task SchedulePortfolio_Json_ReportsCostsAndAFeasibleSchedule()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var path = Path.Combine(tmp.Path, "portfolio.json");
        await File.WriteAllTextAsync(path, Portfolio, TestContext.Current.CancellationToken);
        var csv = Path.Combine(tmp.Path, "schedule.csv");
        var result = await CliRunner.RunAsync("energy", "schedule", path, "--out", csv, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.Equal("cli street", root.GetProperty("portfolio").GetString());
        Assert.Equal(0, root.GetProperty("violations").GetArrayLength());
        Assert.True(root.GetProperty("peak_import_kw").GetDouble() <= 4 + 1e-6);
        Assert.True(root.GetProperty("costs").GetProperty("total_eur").GetDouble() > 0);
        var bat = root.GetProperty("ders").EnumerateArray().Single(d => d.GetProperty("id").GetString() == "bat");
        Assert.True(bat.GetProperty("power_kw")[2].GetDouble() > 0, "the battery discharges in the dear hours");
        var lines = await File.ReadAllLinesAsync(csv, TestContext.Current.CancellationToken);
        Assert.Equal("interval,start,import_kw,export_kw,roof_kw,bat_kw,house_kw,ventilator_kw", lines[0]);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public async Task SchedulePortfolio_Malformed_ExitsWithFileLineAndReason()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var path = Path.Combine(tmp.Path, "bad.json");
        await File.WriteAllTextAsync(path, Portfolio.Replace("\"peak_kw\": 3", "\"peak_kw\": \"big\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var result = await CliRunner.RunAsync("energy", "schedule", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.json:8:", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("'peak_kw' must be a number", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduleSolarHome_PerfectForesight_PrintsThePublishedOptimum()
    {
        // Reference: solarhome_bench_published_stats.csv, Julia_anticipative-optim 0.3537 EUR/day, tolerance 0.5 %.
        var csv = ReferenceData.Require("energy/timeseries/solarhome_2011-2012.csv");
        var result = await CliRunner.RunAsync("energy", "schedule", "--solarhome", csv, "--perfect-foresight", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var cost = doc.RootElement.GetProperty("mean_cost_eur_per_day").GetDouble();
        Assert.True(Math.Abs(cost - 0.35373) <= 0.005 * 0.35373, cost.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(30, doc.RootElement.GetProperty("days").GetInt32());
    }

    [Fact]
    public async Task ScheduleSolarHome_RollingHorizon_ReportsCostAgainstPublishedMpc()
    {
        var csv = ReferenceData.Require("energy/timeseries/solarhome_2011-2012.csv");
        var result = await CliRunner.RunAsync("energy", "schedule", "--solarhome", csv, "--forecaster", "similar-day", "--days", "2", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.Equal("mpc_24h", doc.RootElement.GetProperty("compare_with").GetString());
        Assert.True(doc.RootElement.GetProperty("mean_cost_eur_per_day").GetDouble() > 0);
        Assert.Equal(0.5086, doc.RootElement.GetProperty("published_eur_per_day").GetProperty("mpc_24h").GetDouble());
    }

    [Fact]
    public async Task Forecast_SeriesCsv_PrintsHorizonValuesAndBacktest()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var path = Path.Combine(tmp.Path, "load.csv");
        var start = new DateTime(2026, 1, 1);
        var lines = new List<string> { "time,load_kw" };
        for (var i = 0; i < 24 * 20; i++)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{start.AddHours(i):yyyy-MM-dd HH:mm:ss},{2 + Math.Sin(2 * Math.PI * (i % 24) / 24):R}"));
        }
        await File.WriteAllLinesAsync(path, lines, TestContext.Current.CancellationToken);
        var result = await CliRunner.RunAsync("energy", "forecast", path, "--horizon", "24", "--model", "seasonal-naive", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var forecast = doc.RootElement.GetProperty("forecast");
        Assert.Equal(24, forecast.GetArrayLength());
        Assert.Equal("2026-01-21 00:00:00", forecast[0].GetProperty("time").GetString());
        Assert.Equal(2, forecast[0].GetProperty("value").GetDouble(), 9);
        Assert.True(doc.RootElement.GetProperty("backtest").GetProperty("mae").GetDouble() < 1e-9);
    }

    [Fact]
    public async Task Forecast_MalformedCsv_ExitsWithLineAndReason()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var path = Path.Combine(tmp.Path, "bad.csv");
        await File.WriteAllLinesAsync(path, ["time,x", "2026-01-01 00:00:00,1", "2026-01-01 01:00:00,abc"], TestContext.Current.CancellationToken);
        var result = await CliRunner.RunAsync("energy", "forecast", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.csv:3:", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("is not a number", result.StdErr, StringComparison.Ordinal);
    }
}
