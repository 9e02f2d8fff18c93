using CivicGrid.Energy.Market;
using Xunit;

namespace CivicGrid.Energy.Tests.Market;

public class MarketSettlementTests
{
    [Fact]
    public void Statements_NetToZeroWithoutCongestion_AndReceiptsCoverEveryTradedBid()
    {
        var bids = UniformPriceAuctionTests.RandomBids(new Random(1), 200);
        var r = UniformPriceAuction.Clear(bids);
        var statements = MarketSettlement.Statements(r);
        Assert.Equal(0, statements.Sum(s => s.NetEur), 9);
        Assert.Equal(r.ClearedKWh, statements.Sum(s => s.BoughtKWh), 9);
        var digest = MarketSettlement.InputDigest(bids);
        var receipts = MarketSettlement.Receipts(r, digest);
        Assert.Equal(r.Fills.Count(f => f.ClearedKWh > 0), receipts.Count);
        Assert.All(receipts, x => Assert.Contains("inputs_sha256: " + digest, x.Text, StringComparison.Ordinal));
        Assert.Equal(receipts.Count, receipts.Select(x => x.Sha256Hex).Distinct().Count());
    }

    [Fact]
    public void InputDigest_IgnoresRowOrder_ButSeesAnyChangedPrice()
    {
        var bids = UniformPriceAuctionTests.RandomBids(new Random(2), 20);
        var shuffled = bids.OrderBy(b => b.Id.GetHashCode(StringComparison.Ordinal)).ToList();
        Assert.Equal(MarketSettlement.InputDigest(bids), MarketSettlement.InputDigest(shuffled));
        var changed = bids.Select((b, i) => i == 3 ? b with { PriceEurPerKWh = b.PriceEurPerKWh + 0.0001 } : b).ToList();
        Assert.NotEqual(MarketSettlement.InputDigest(bids), MarketSettlement.InputDigest(changed));
    }
}
