using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Studio.Tests;

public class OecdTableParsingTests
{
    private const string Valid =
        "\uFEFFCountry,Alpha,Beta ,,\n" +
        "Survey year,2016,2014/15,,\n" +
        "Age of reference,15-64,15-64,,\n" +
        "Paid work or study,300,200,,\n" +
        "travel to and from work/study,40,20,,\n" +
        "time in school or classes,10,,,\n" +
        "Unpaid work,150,250,,\n" +
        "routine housework,100,150,,\n" +
        "shopping,20,30,,\n" +
        "care for household members,,40,,\n" +
        "Personal care,640,650,,\n" +
        "sleeping,480,500,,\n" +
        "eating & drinking,90,100,,\n" +
        "\"personal, household, and medical services + travel related to personal care\",70,50,,\n" +
        "Leisure,320,310,,\n" +
        "Other,30,30,,\n";

    [Fact]
    public void A_small_table_parses_with_trimmed_names_and_empty_cells_as_missing()
    {
        var table = OecdTimeUseTable.Parse(Valid, "t.csv", PopulationSex.Total);
        Assert.Equal(["Alpha", "Beta"], table.Countries.Select(c => c.Country));
        var beta = table.Find("beta")!;
        Assert.Equal("2014/15", beta.SurveyYear);
        Assert.Null(beta.Value(CountryTimeUse.SchoolRow));
        var day = beta.ToSchedule(out var notes);
        Assert.Empty(notes);
        Assert.Equal(40, day[ActivityCategory.Childcare]); // care for household members, no split given
        Assert.Equal(180, day[ActivityCategory.Work]); // 200 - 20 commute
        Assert.Equal(50, day[ActivityCategory.PersonalCare]);
    }

    [Fact]
    public void A_cell_that_is_not_a_number_is_reported_with_line_and_column()
    {
        var ex = Assert.Throws<StudioDataException>(() =>
            OecdTimeUseTable.Parse(Valid.Replace("Leisure,320,310", "Leisure,320,lots", StringComparison.Ordinal), "t.csv", PopulationSex.Total));
        Assert.Equal("t.csv", ex.FileName);
        Assert.Equal(15, ex.Line);
        Assert.Equal(3, ex.Column);
        Assert.Contains("lots", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_row_is_named()
    {
        var ex = Assert.Throws<StudioDataException>(() =>
            OecdTimeUseTable.Parse(Valid.Replace("sleeping,480,500,,\n", string.Empty, StringComparison.Ordinal), "t.csv", PopulationSex.Total));
        Assert.Contains("sleeping", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_required_cell_names_the_country()
    {
        var ex = Assert.Throws<StudioDataException>(() =>
            OecdTimeUseTable.Parse(Valid.Replace("Other,30,30", "Other,30,", StringComparison.Ordinal), "t.csv", PopulationSex.Total));
        Assert.Equal(16, ex.Line);
        Assert.Contains("Beta", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unterminated_quote_is_reported_on_the_line_it_opens()
    {
        var ex = Assert.Throws<StudioDataException>(() =>
            OecdTimeUseTable.Parse(Valid.Replace("\"personal, household", "\"personal; household", StringComparison.Ordinal).Replace("care\",70", "care,70", StringComparison.Ordinal), "t.csv", PopulationSex.Total));
        Assert.Equal(14, ex.Line);
    }

    [Theory]
    [InlineData("Country,Alpha,Alpha\n", "twice")]
    [InlineData("Land,Alpha\n", "Country")]
    [InlineData("", "empty")]
    public void Broken_headers_are_rejected(string text, string reason)
    {
        var ex = Assert.Throws<StudioDataException>(() => OecdTimeUseTable.Parse(text, "t.csv", PopulationSex.Total));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_in_a_column_without_a_country_is_rejected()
    {
        var ex = Assert.Throws<StudioDataException>(() =>
            OecdTimeUseTable.Parse(Valid.Replace("Leisure,320,310,,", "Leisure,320,310,,5", StringComparison.Ordinal), "t.csv", PopulationSex.Total));
        Assert.Equal(5, ex.Column);
    }

    [Fact]
    public void Negative_minutes_are_rejected()
    {
        var ex = Assert.Throws<StudioDataException>(() =>
            OecdTimeUseTable.Parse(Valid.Replace("shopping,20,30", "shopping,-20,30", StringComparison.Ordinal), "t.csv", PopulationSex.Total));
        Assert.Equal(9, ex.Line);
        Assert.Equal(2, ex.Column);
    }

    [Fact]
    public void A_folder_without_the_tables_names_the_missing_file()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var ex = Assert.Throws<StudioDataException>(() => TimeUseReferenceData.LoadFolder(folder.Path));
        Assert.EndsWith("oecd_time_use_total.csv", ex.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_reader_handles_quotes_doubled_quotes_and_crlf()
    {
        var records = CsvText.Parse("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\r\nx,y,z\r\n", "q.csv");
        Assert.Equal(2, records.Count);
        Assert.Equal(["a", "b,c", "say \"hi\""], records[0].Fields);
        Assert.Equal(3, records[1].Line);
    }
}
