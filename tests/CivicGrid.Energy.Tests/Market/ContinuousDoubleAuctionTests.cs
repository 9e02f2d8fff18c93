using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.PowerFlow;
using CivicGrid.Energy.Market;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Energy.Tests.Market;

public class ContinuousDoubleAuctionTests
{
    [Fact]
    public void IncomingOrder_TradesAtRestingPrice_BestPriceThenEarliestFirst()
    {
        var cda = new ContinuousDoubleAuction();
        Assert.Empty(cda.Submit(new Bid("s1", "a", BidSide.Sell, 2, 0.15, Sequence: 0)));
        Assert.Empty(cda.Submit(new Bid("s2", "b", BidSide.Sell, 2, 0.10, Sequence: 1)));
        Assert.Empty(cda.Submit(new Bid("s3", "c", BidSide.Sell, 2, 0.10, Sequence: 2)));
        var trades = cda.Submit(new Bid("b1", "d", BidSide.Buy, 5, 0.20, Sequence: 3));
        Assert.Equal(["s2", "s3", "s1"], trades.Select(t => t.SellBidId));
        Assert.Equal([0.10, 0.10, 0.15], trades.Select(t => t.BuyerPriceEurPerKWh));
        Assert.Equal(1, cda.RestingSells.Single().RemainingKWh, 12);
        Assert.Empty(cda.RestingBuys);
    }

    [Fact]
    public void NonCrossingOrders_Rest_AndCanBeCancelled()
    {
        var cda = new ContinuousDoubleAuction();
        cda.Submit(new Bid("b", "a", BidSide.Buy, 1, 0.10));
        cda.Submit(new Bid("s", "b", BidSide.Sell, 1, 0.12));
        Assert.Empty(cda.Trades);
        Assert.True(cda.Cancel("b"));
        Assert.False(cda.Cancel("b"));
        Assert.Empty(cda.RestingBuys);
        Assert.Throws<ArgumentException>(() => cda.Submit(new Bid("s", "c", BidSide.Sell, 1, 0.2)));
    }

    [Fact]
    public void RandomOrderFlow_KeepsInvariants_AndNeverLeavesACrossedBook()
    {
        var rng = new Random(9);
        var cda = new ContinuousDoubleAuction();
        foreach (var bid in UniformPriceAuctionTests.RandomBids(rng, 2000))
        {
            cda.Submit(bid);
            if (rng.NextDouble() < 0.05 && cda.RestingBuys.Count > 0)
            {
                cda.Cancel(cda.RestingBuys[rng.Next(cda.RestingBuys.Count)].Bid.Id);
            }
            if (cda.RestingBuys.Count > 0 && cda.RestingSells.Count > 0)
            {
                Assert.True(cda.RestingBuys[0].Bid.PriceEurPerKWh < cda.RestingSells[0].Bid.PriceEurPerKWh);
            }
        }
        var result = cda.ToResult();
        Assert.NotEmpty(result.Trades);
        Assert.Empty(ClearingInvariants.Violations(result));
        Assert.Equal(result.BuyerPaymentsEur, result.SellerReceiptsEur, 6);
    }

    [Fact]
    public void WithGrid_TradesStayWithinLineRatings()
    {
        // DC check with the project's DC power flow of the case plus the trades: every rated line within rate A.
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/cases/case9.m"));
        var cda = new ContinuousDoubleAuction(new TransferLimiter(pc));
        var bids = GridAwareClearingTests.CongestingBids(new Random(5), [1, 2, 3], [5, 7, 9], 60, 40_000);
        foreach (var b in bids)
        {
            cda.Submit(b);
        }
        var r = cda.ToResult();
        Assert.Empty(ClearingInvariants.Violations(r));
        var idx = pc.BusIndex();
        var byId = bids.ToDictionary(b => b.Id);
        var inj = new double[pc.Buses.Count];
        foreach (var t in r.Trades)
        {
            inj[idx[byId[t.SellBidId].Bus!.Value]] += t.QuantityKWh / 250.0;
            inj[idx[byId[t.BuyBidId].Bus!.Value]] -= t.QuantityKWh / 250.0;
        }
        var dc = DcPowerFlow.Solve(MarketGridCheck.WithInjections(pc, inj));
        var unlimited = new ContinuousDoubleAuction();
        foreach (var b in bids)
        {
            unlimited.Submit(b);
        }
        Assert.True(unlimited.ToResult().ClearedKWh > r.ClearedKWh, "the grid should have limited some trades");
        for (var l = 0; l < pc.Branches.Count; l++)
        {
            Assert.True(Math.Abs(dc.PfMW[l]) <= pc.Branches[l].RateAMVA * (1 + 1e-7), $"branch {l + 1}: {dc.PfMW[l]}");
        }
    }
}
