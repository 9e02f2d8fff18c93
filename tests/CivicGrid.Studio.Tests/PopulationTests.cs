using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using CivicGrid.Studio.Population;
using CivicGrid.Studio.Simulation;
using CivicGrid.Studio.Technologies;
using Xunit;

namespace CivicGrid.Studio.Tests;

public class PopulationTests
{
    private const string Csv =
        "id,sex,age,sleep,commute,work,housework,free_time\n" +
        "a,women,34,420,60,480,120,\n" +
        "b,women,38,450,0,0,200,\n" +
        "c,men,41,400,90,540,30,\n" +
        "d,men,70,,,,,\n";

    [Fact]
    public void Residents_parse_with_blank_cells_left_blank()
    {
        var residents = PopulationCsv.Parse(Csv, "p.csv");
        Assert.Equal(4, residents.Count);
        Assert.Equal(PopulationSex.Women, residents[0].Input.Sex);
        Assert.Equal(4, residents[0].Input.Minutes.Count);
        Assert.Empty(residents[3].Input.Minutes);
        Assert.Equal(5, residents[3].Line);
    }

    [Fact]
    public void Distribution_is_reported_by_sex_and_age_group()
    {
        var residents = PopulationCsv.Parse(Csv, "p.csv");
        var catalogue = TechnologyCatalogue.BuiltIn;
        var simulator = new PopulationSimulator(new DisposableTimeSimulator(catalogue), Days.Reference());
        var result = simulator.Run(residents, new Scenario(Scenario.ParseChoices("telework:2,housework-robot", catalogue)));
        Assert.Equal(4, result.Residents.Count);
        Assert.Equal(4, result.Overall.Residents);
        var women3544 = result.Groups.Single(g => g.Sex == PopulationSex.Women && g.AgeGroup == "35_44");
        Assert.Equal(1, women3544.Residents);
        // Resident b: no commute, 200 min housework, so only housework automation helps.
        Assert.Equal(0.44 * 200, women3544.MeanFreeGained, 6);
        var women = result.BySex.Single(g => g.Sex == PopulationSex.Women);
        Assert.Equal(2, women.Residents);
        Assert.Equal(result.Residents.Where(r => r.Sex == PopulationSex.Women).Average(r => r.FreeGainedMinutes), women.MeanFreeGained, 9);
        Assert.Contains(result.Groups, g => g.AgeGroup == "65_plus");
        Assert.All(result.Groups, g => Assert.True(g.P10FreeGained <= g.MedianFreeGained && g.MedianFreeGained <= g.P90FreeGained));
    }

    [Fact]
    public void A_resident_whose_day_does_not_fit_is_reported_with_its_line()
    {
        var residents = PopulationCsv.Parse("id,sex,age,sleep,work\nx,men,30,900,700\n", "p.csv");
        var simulator = new PopulationSimulator(new DisposableTimeSimulator(TechnologyCatalogue.BuiltIn), Days.Reference());
        var ex = Assert.Throws<StudioDataException>(() => simulator.Run(residents, new Scenario([]), "p.csv"));
        Assert.Equal(2, ex.Line);
        Assert.Contains("'x'", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id,sex,age,naps\n", 1, 4, "naps")]
    [InlineData("id,age\n", 1, 0, "sex")]
    [InlineData("id,sex\n", 1, 0, "age")]
    [InlineData("id,sex,age,sleep\nq,robot,30,400\n", 2, 2, "robot")]
    [InlineData("id,sex,age,sleep\nq,men,old,400\n", 2, 3, "old")]
    [InlineData("id,sex,age,sleep\nq,men,30,lots\n", 2, 4, "lots")]
    [InlineData("id,sex,age,sleep\nq,men,30,-1\n", 2, 4, "outside")]
    [InlineData("id,sex,age,sleep\nq,men,30,400,9\n", 2, 5, "fields")]
    public void Malformed_population_csv_names_line_column_and_reason(string csv, int line, int column, string expected)
    {
        var ex = Assert.Throws<StudioDataException>(() => PopulationCsv.Parse(csv, "p.csv"));
        Assert.Equal(line, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Contains(expected, ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "unknown")]
    [InlineData(14, "under_15")]
    [InlineData(15, "15_24")]
    [InlineData(64, "55_64")]
    [InlineData(65, "65_plus")]
    public void Age_groups_use_ten_year_bands(int? age, string group) => Assert.Equal(group, PopulationSimulator.AgeGroup(age));

    [Fact]
    public void Quantiles_interpolate_between_order_statistics()
    {
        double[] values = [10, 20, 30, 40];
        Assert.Equal(25, PopulationSimulator.Quantile(values, 0.5), 12);
        Assert.Equal(10, PopulationSimulator.Quantile(values, 0), 12);
        Assert.Equal(40, PopulationSimulator.Quantile(values, 1), 12);
        Assert.Equal(13, PopulationSimulator.Quantile(values, 0.1), 12);
    }
}
