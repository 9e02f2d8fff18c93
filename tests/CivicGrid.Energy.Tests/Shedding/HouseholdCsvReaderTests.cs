using CivicGrid.Energy.Shedding;
using Xunit;

namespace CivicGrid.Energy.Tests.Shedding;

public class HouseholdCsvReaderTests
{
    private const string Header = "household,block,district,group,demand_kw,critical,max_outage_intervals\n";

    [Fact]
    public void Parse_GroupsHouseholdsIntoBlocks()
    {
        var blocks = HouseholdCsvReader.Parse(Header + "h1,B1,North,renters,1.5,false,\nh2,B1,North,owners,2,true,4\nh3,B2,South,,0.5,0,8\n");
        Assert.Equal(2, blocks.Count);
        Assert.Equal(1.5, blocks[0].SheddableKW, 12);
        Assert.True(blocks[0].Households[1].Critical);
        Assert.Equal(4, blocks[0].Households[1].MaxOutageIntervals);
        Assert.Equal("all", blocks[1].Households[0].Group);
    }

    [Theory]
    [InlineData("h1,B1,North,g,-2,false,", 2, 15, "demand_kw must be a non-negative number")]
    [InlineData("h1,B1,North,g,1,maybe,", 2, 17, "critical must be true or false")]
    [InlineData("h1,B1,North,g,1,false,x", 2, 23, "max_outage_intervals must be a non-negative integer")]
    [InlineData("h1,B1,North,g,1", 2, 1, "expected 7 fields")]
    [InlineData("h1,B1,North,g,1,false,\nh1,B2,North,g,1,false,", 3, 1, "duplicate household 'h1'")]
    [InlineData("h1,B1,North,g,1,false,\nh2,B1,South,g,1,false,", 3, 7, "block 'B1' is in district 'North'")]
    public void Parse_MalformedRow_NamesFileLineColumnAndReason(string rows, int line, int column, string reason)
    {
        var ex = Assert.Throws<SheddingFormatException>(() => HouseholdCsvReader.Parse(Header + rows + "\n", "hh.csv"));
        Assert.Equal(("hh.csv", line, column), (ex.File, ex.Line, ex.Column));
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("household,block,district\n", "missing column 'demand_kw'")]
    [InlineData("household,block,district,demand_kw,size\n", "unknown column 'size'")]
    [InlineData("", "no header")]
    public void Parse_BadHeader_IsReported(string text, string reason)
    {
        var ex = Assert.Throws<SheddingFormatException>(() => HouseholdCsvReader.Parse(text, "hh.csv"));
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseShortfall_ReadsOneFigurePerLine_AndRejectsNegativeValues()
    {
        Assert.Equal([1.5, 0, 20], HouseholdCsvReader.ParseShortfall("shortfall_kw\n1.5\n0\n20\n"));
        var ex = Assert.Throws<SheddingFormatException>(() => HouseholdCsvReader.ParseShortfall("shortfall_kw\n1\n-4\n", "s.csv"));
        Assert.Equal(3, ex.Line);
        Assert.Throws<SheddingFormatException>(() => HouseholdCsvReader.ParseShortfall("shortfall_kw\n", "s.csv"));
    }
}
