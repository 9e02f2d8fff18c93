using CivicGrid.Energy.Vpp;
using Xunit;

namespace CivicGrid.Energy.Tests.Vpp;

public class PortfolioReaderTests
{
    internal const string Sample = """
        {
          "name": "street 4",
          "start": "2026-11-23T00:00:00Z",
          "interval_minutes": 60,
          "intervals": 4,
          "feeder": { "import_limit_kw": 10, "export_limit_kw": 5 },
          "tariff": { "import_eur_per_kwh": [0.1, 0.1, 0.3, 0.3], "export_eur_per_kwh": 0.05 },
          "weather": { "irradiance_w_per_m2": [0, 400, 800, 200], "temperature_c": 15, "wind_speed_m_per_s": [2, 6, 12, 30] },
          "ders": [
            { "type": "pv", "id": "roof", "peak_kw": 5, "bus": 3 },
            { "type": "wind", "id": "mill", "rated_kw": 3 },
            { "type": "battery", "id": "bat", "capacity_kwh": 10, "max_charge_kw": 5, "max_discharge_kw": 5, "initial_soc_kwh": 2, "degradation_eur_per_kwh": 0.02 },
            { "type": "ev", "id": "car", "battery_kwh": 40, "max_charge_kw": 7, "arrival_interval": 0, "departure_interval": 3, "energy_needed_kwh": 6, "initial_soc_kwh": 10, "v2g": true, "max_discharge_kw": 3 },
            { "type": "shiftable_load", "id": "dishwasher", "energy_kwh": 1.5, "max_kw": 2, "earliest_interval": 0, "latest_interval": 4 },
            { "type": "curtailable_load", "id": "heat-pump", "baseline_kw": [2, 2, 3, 3], "max_curtail_fraction": 0.25, "discomfort_eur_per_kwh": 0.4 },
            { "type": "load", "id": "house", "demand_kw": [1, 1, 2, 2] },
            { "type": "load", "id": "oxygen", "demand_kw": 0.2, "critical": true }
          ]
        }
        """;

    [Fact]
    public void Parse_ReadsEveryDerTypeWithItsParameters()
    {
        var p = PortfolioReader.Parse(Sample, "sample.json");
        Assert.Equal("street 4", p.Name);
        Assert.Equal(4, p.Intervals);
        Assert.Equal(1.0, p.IntervalHours);
        Assert.Equal(8, p.Ders.Count);
        Assert.Equal([0.05, 0.05, 0.05, 0.05], p.Tariff.ExportEurPerKwh);
        var pv = Assert.IsType<PvArray>(p.Ders[0]);
        Assert.Equal(3, pv.Bus);
        Assert.Equal(2, Assert.IsType<Battery>(p.Ders[2]).InitialSocKwh);
        var ev = Assert.IsType<ElectricVehicle>(p.Ders[3]);
        Assert.True(ev.VehicleToGrid);
        Assert.Equal(3, ev.MaxDischargeKw);
        Assert.True(Assert.IsType<FixedLoad>(p.Ders[7]).Critical);
        Assert.Equal([0.2, 0.2, 0.2, 0.2], Assert.IsType<FixedLoad>(p.Ders[7]).DemandKw);
    }

    [Fact]
    public void PvAndWindModels_FollowWeatherAndPowerCurve()
    {
        var p = PortfolioReader.Parse(Sample, "sample.json");
        var pv = p.AvailableKw((PvArray)p.Ders[0]);
        Assert.Equal(0, pv[0]);
        // 800 W/m², 15 °C air: cell 15 + 25/800·800 = 40 °C → 5·0.8·(1 − 0.004·15)·0.96.
        Assert.Equal(5 * 0.8 * (1 - (0.004 * 15)) * 0.96, pv[2], 9);
        var wind = p.AvailableKw((WindTurbine)p.Ders[1]);
        Assert.Equal(0, wind[0]);
        Assert.Equal(3 * (216.0 - 27) / (1728 - 27), wind[1], 9);
        Assert.Equal(3, wind[2]);
        Assert.Equal(0, wind[3]);
    }

    [Theory]
    [InlineData("{ \"intervals\": 2, ", 1, "invalid JSON")]
    [InlineData("[]", 1, "must be an object")]
    [InlineData("{ \"intervals\": 2, \"feeder\": { \"import_limit_kw\": 1, \"export_limit_kw\": 1 },\n \"tariff\": { \"import_eur_per_kwh\": [1, 2, 3] }, \"ders\": [] }", 2, "has 3 values but the portfolio has 2 intervals")]
    [InlineData("{ \"intervals\": 2, \"feeder\": { \"import_limit_kw\": -1, \"export_limit_kw\": 1 }, \"tariff\": { \"import_eur_per_kwh\": 1 }, \"ders\": [] }", 1, "'import_limit_kw' must be ≥ 0")]
    [InlineData("{ \"intervals\": 2, \"feeder\": { \"import_limit_kw\": 1, \"export_limit_kw\": 1 }, \"tariff\": { \"import_eur_per_kwh\": 1 },\n\n \"ders\": [ { \"type\": \"fusion\", \"id\": \"x\" } ] }", 3, "unknown DER type 'fusion'")]
    [InlineData("{ \"intervals\": 2, \"feeder\": { \"import_limit_kw\": 1, \"export_limit_kw\": 1 }, \"tariff\": { \"import_eur_per_kwh\": 1 },\n \"ders\": [ { \"type\": \"pv\", \"id\": \"x\", \"peak_kwp\": 3 } ] }", 2, "unknown member 'peak_kwp'")]
    [InlineData("{ \"intervals\": 2, \"feeder\": { \"import_limit_kw\": 1, \"export_limit_kw\": 1 }, \"tariff\": { \"import_eur_per_kwh\": 1 }, \"ders\": [ { \"type\": \"battery\", \"id\": \"b\", \"capacity_kwh\": 5, \"max_charge_kw\": 1 } ] }", 1, "lacks the required member 'max_discharge_kw'")]
    [InlineData("{ \"intervals\": 2, \"feeder\": { \"import_limit_kw\": 1, \"export_limit_kw\": 1 }, \"tariff\": { \"import_eur_per_kwh\": 1 }, \"ders\": [ { \"type\": \"ev\", \"id\": \"e\", \"battery_kwh\": 5, \"max_charge_kw\": 1, \"arrival_interval\": 2, \"departure_interval\": 1, \"energy_needed_kwh\": 1 } ] }", 1, "departure_interval 1 is before arrival_interval 2")]
    [InlineData("{ \"intervals\": 2, \"feeder\": { \"import_limit_kw\": 1, \"export_limit_kw\": 1 }, \"tariff\": { \"import_eur_per_kwh\": 1 }, \"ders\": [ { \"type\": \"load\", \"id\": \"a\", \"demand_kw\": 1 }, { \"type\": \"load\", \"id\": \"a\", \"demand_kw\": 1 } ] }", 1, "duplicate DER id 'a'")]
    [InlineData("{ \"intervals\": 2, \"feeder\": { \"import_limit_kw\": 1, \"export_limit_kw\": 1 }, \"tariff\": { \"import_eur_per_kwh\": 0.1, \"export_eur_per_kwh\": 0.2 }, \"ders\": [] }", 1, "export price exceeds the import price")]
    [InlineData("{ \"intervals\": 2.5 }", 1, "'intervals' must be an integer")]
    [InlineData("{ \"intervals\": 2, \"feeder\": { \"import_limit_kw\": 1, \"export_limit_kw\": 1 }, \"tariff\": { \"import_eur_per_kwh\": \"cheap\" }, \"ders\": [] }", 1, "must be a number or an array")]
    public void Parse_MalformedInput_ReportsFileLineAndReason(string json, int line, string reason)
    {
        var ex = Assert.Throws<PortfolioFormatException>(() => PortfolioReader.Parse(json, "bad.json"));
        Assert.Equal("bad.json", ex.File);
        Assert.Equal(line, ex.Line);
        Assert.True(ex.Column >= 1);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"bad.json:{line}:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_MissingFile_IsAFormatErrorNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-portfolio-" + Guid.NewGuid().ToString("N") + ".json");
        var ex = Assert.Throws<PortfolioFormatException>(() => PortfolioReader.ReadFile(path));
        Assert.Equal(path, ex.File);
    }
}
