using CivicGrid.Water.Operations;
using Xunit;

namespace CivicGrid.Water.Tests;

public sealed class SourcesTests
{
    internal const string Case = """
        # id, kind, m3/h, m3/day, EUR/m3, kWh/m3, districts
        source,desal,desalination,400,6000,0.90,3.5,*
        source,wells,groundwater,150,2500,0.20,0.6,north;south
        source,roofs,rainwater,60,400,0.05,0.1,north
        district,north,3000
        district,south,2400
        district,harbour,1200
        """;

    [Fact]
    public void Least_cost_uses_cheap_sources_to_their_limits_and_meets_demand()
    {
        var supply = SupplyCaseReader.Read(Case);
        var a = SourceAllocator.Allocate(supply, AllocationObjective.Cost);
        Assert.Equal("OPTIMAL", a.Status);
        Assert.True(a.ShortfallCubicMeters < 1e-6);
        var roofs = a.Sources.Single(s => s.SourceId == "roofs");
        var wells = a.Sources.Single(s => s.SourceId == "wells");
        Assert.Equal(400, roofs.CubicMeters, 1e-6);
        Assert.Equal(2500, wells.CubicMeters, 1e-6);
        // Harbour can only be served by desalination.
        Assert.All(a.Flows.Where(f => f.DistrictId == "harbour"), f => Assert.Equal("desal", f.SourceId));
        // Hourly capacity respected.
        foreach (var s in supply.Sources)
        {
            for (var h = 0; h < 24; h++)
            {
                Assert.True(a.Flows.Where(f => f.SourceId == s.Id).Sum(f => f.CubicMetersPerHour[h]) <= s.MaxCubicMetersPerHour + 1e-6);
            }
        }
        Assert.Equal(a.Sources.Sum(s => s.CubicMeters * supply.Sources.Single(x => x.Id == s.SourceId).CostEurPerCubicMeter), a.CostEur, 1e-6);
    }

    [Fact]
    public void Shortfall_appears_only_when_capacity_is_short()
    {
        var supply = SupplyCaseReader.Read(Case.Replace("district,harbour,1200", "district,harbour,6000", StringComparison.Ordinal));
        var a = SourceAllocator.Allocate(supply);
        var capacity = supply.Sources.Sum(s => Math.Min(s.MaxCubicMetersPerDay, 24 * s.MaxCubicMetersPerHour));
        Assert.Equal(supply.Districts.Sum(d => d.DailyDemandCubicMeters) - capacity, a.ShortfallCubicMeters, 1e-3);
    }

    [Fact]
    public void Least_energy_prefers_low_energy_sources_when_one_district_can_pick()
    {
        var text = """
            source,desal,desalination,500,12000,0.30,3.5
            source,import,import,500,12000,0.80,0.2
            district,town,4800
            """;
        var supply = SupplyCaseReader.Read(text);
        var cost = SourceAllocator.Allocate(supply, AllocationObjective.Cost);
        var energy = SourceAllocator.Allocate(supply, AllocationObjective.Energy);
        Assert.Equal(4800, cost.Sources.Single(s => s.SourceId == "desal").CubicMeters, 1e-6);
        Assert.Equal(4800, energy.Sources.Single(s => s.SourceId == "import").CubicMeters, 1e-6);
        Assert.True(energy.EnergyKwh < cost.EnergyKwh);
        Assert.True(energy.CostEur > cost.CostEur);
    }

    [Theory]
    [InlineData("source,a,desalination,x,10,1,1\ndistrict,d,5", 1, 23, "not a number")]
    [InlineData("source,a,fountain,1,10,1,1\ndistrict,d,5", 1, 10, "unknown source kind")]
    [InlineData("source,a,desalination,1,10,1,1\ndistrict,a,5", 2, 10, "duplicate ID")]
    [InlineData("source,a,desalination,1,10,-1,1\ndistrict,d,5", 1, 28, "non-negative")]
    [InlineData("source,a,desalination,1,10,1\ndistrict,d,5", 1, 1, "7 or 8 fields")]
    [InlineData("source,a,desalination,1,10,1,1,nowhere\ndistrict,d,5", 1, 0, "undefined district")]
    [InlineData("district,d,1,2,3", 1, 1, "3 fields")]
    [InlineData("pipe,a,b", 1, 1, "unknown record")]
    [InlineData("# nothing", 1, 0, "at least one source")]
    public void Malformed_supply_files_report_line_column_and_reason(string text, int line, int column, string reason)
    {
        var e = Assert.Throws<OperationsFormatException>(() => SupplyCaseReader.Read(text, "case.csv"));
        Assert.Equal("case.csv", e.FileName);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 1, "empty")]
    [InlineData("h,p\n0,1", 1, "header")]
    [InlineData("hour,price\n0,abc", 2, "not a number")]
    [InlineData("hour,price\n24,0.1", 2, "0–23")]
    [InlineData("hour,price\n0,0.1\n0,0.2", 3, "twice")]
    [InlineData("hour,price\n0,0.1", 2, "hour 1 has no price")]
    [InlineData("hour,price\n0,-0.1", 2, "negative")]
    public void Malformed_tariffs_report_line_and_reason(string text, int line, string reason)
    {
        var e = Assert.Throws<OperationsFormatException>(() => TariffCsvReader.Read(text, "tou.csv"));
        Assert.Equal("tou.csv", e.FileName);
        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Tariff_csv_reads_24_clock_hours()
    {
        var text = "hour,price\n" + string.Join('\n', Enumerable.Range(0, 24).Select(h => FormattableString.Invariant($"{h},{0.1 + h / 100.0}")));
        var t = TariffCsvReader.Read(text);
        Assert.True(t.ClockAligned);
        Assert.Equal(0.15, t.PriceAt(5 * 3600, 0), 1e-12);
        Assert.Equal(0.1, t.PriceAt(6 * 3600, 18 * 3600), 1e-12); // 18:00 start + 6 h = midnight
        var series = EnergyTariff.FromSeries([0.1, 0.2], 60);
        Assert.Equal(0.2, series.PriceAt(5 * 3600, 12 * 3600), 1e-12); // last price repeats
    }
}
