using CivicGrid.Energy.Market;
using Xunit;

namespace CivicGrid.Energy.Tests.Market;

public class BidCsvReaderTests
{
    private const string Header = "id,participant,side,quantity_kwh,price_eur_per_kwh,bus,interval\n";

    [Fact]
    public void Parse_ReadsBidsInFileOrder_WithOptionalColumns()
    {
        var bids = BidCsvReader.Parse(Header + "# comment\nb1,alice,buy,2.5,0.21,4,0\n\nb2,bob,SELL,1e1,0.05,,1\n", "bids.csv");
        Assert.Equal(2, bids.Count);
        Assert.Equal(BidSide.Buy, bids[0].Side);
        Assert.Equal(4, bids[0].Bus);
        Assert.Equal(10, bids[1].QuantityKWh);
        Assert.Null(bids[1].Bus);
        Assert.Equal(1, bids[1].Interval);
        Assert.True(bids[0].Sequence < bids[1].Sequence);
    }

    [Fact]
    public void Parse_AcceptsColumnsInAnyOrder()
    {
        var bids = BidCsvReader.Parse("side,price_eur_per_kwh,quantity_kwh,participant,id\nsell,0.1,3,p,x\n");
        Assert.Equal("x", bids[0].Id);
        Assert.Equal(3, bids[0].QuantityKWh);
    }

    [Theory]
    [InlineData("b1,alice,buy,abc,0.2,1,0", 2, 14, "quantity_kwh is not a finite number")]
    [InlineData("b1,alice,buy,-1,0.2,1,0", 2, 14, "must be positive")]
    [InlineData("b1,alice,hold,1,0.2,1,0", 2, 10, "side must be buy or sell")]
    [InlineData("b1,alice,buy,1,NaN,1,0", 2, 16, "price_eur_per_kwh is not a finite number")]
    [InlineData("b1,alice,buy,1,0.2,x,0", 2, 20, "bus is not an integer")]
    [InlineData("b1,alice,buy,1,0.2,1,-3", 2, 22, "interval must not be negative")]
    [InlineData("b1,alice,buy,1,0.2", 2, 1, "expected 7 fields")]
    [InlineData(",alice,buy,1,0.2,1,0", 2, 1, "empty bid id")]
    [InlineData("b1,alice,buy,1,0.2,1,0\nb1,bob,sell,1,0.2,1,0", 3, 1, "duplicate bid id 'b1'")]
    public void Parse_MalformedRow_NamesFileLineColumnAndReason(string rows, int line, int column, string reason)
    {
        var ex = Assert.Throws<BidFormatException>(() => BidCsvReader.Parse(Header + rows + "\n", "bids.csv"));
        Assert.Equal("bids.csv", ex.File);
        Assert.Equal(line, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"bids.csv:{line}:{column}:", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id,participant,side,quantity_kwh\n", "missing column 'price_eur_per_kwh'")]
    [InlineData("id,participant,side,quantity_kwh,price_eur_per_kwh,colour\n", "unknown column 'colour'")]
    [InlineData("id,id,participant,side,quantity_kwh,price_eur_per_kwh\n", "duplicate column 'id'")]
    [InlineData("", "no header")]
    [InlineData("# only a comment\n", "no header")]
    public void Parse_BadHeader_IsReported(string text, string reason)
    {
        var ex = Assert.Throws<BidFormatException>(() => BidCsvReader.Parse(text, "h.csv"));
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.Equal("h.csv", ex.File);
    }

    [Fact]
    public void ReadFile_ReportsTheFileName()
    {
        using var dir = CivicGrid.Testing.RepositoryPaths.CreateTempFolder();
        var path = Path.Combine(dir.Path, "mine.csv");
        File.WriteAllText(path, Header + "b1,alice,buy,1,zero,1,0\n");
        var ex = Assert.Throws<BidFormatException>(() => BidCsvReader.ReadFile(path));
        Assert.Equal("mine.csv", ex.File);
    }
}
