using CivicGrid.Energy.Market;
using Google.OrTools.LinearSolver;
using Xunit;

namespace CivicGrid.Energy.Tests.Market;

public class UniformPriceAuctionTests
{
    internal static List<Bid> RandomBids(Random rng, int count, int buses = 0, double quantityScale = 10)
    {
        var bids = new List<Bid>(count);
        for (var k = 0; k < count; k++)
        {
            var buy = rng.NextDouble() < 0.5;
            // Buyers value energy 0.05–0.40 EUR/kWh, sellers ask 0.00–0.30: the curves cross somewhere in between.
            var price = buy ? 0.05 + 0.35 * rng.NextDouble() : 0.30 * rng.NextDouble();
            bids.Add(new Bid("b" + k, "p" + rng.Next(count / 2 + 1), buy ? BidSide.Buy : BidSide.Sell,
                0.1 + quantityScale * rng.NextDouble(), Math.Round(price, 4), buses > 0 ? 1 + rng.Next(buses) : null, 0, k));
        }
        return bids;
    }

    /// <summary>Welfare-maximising LP solved by CLP; returns optimal welfare and the dual of the balance row.</summary>
    internal static (double Welfare, double Dual) SolveWelfareLp(IReadOnlyList<Bid> bids)
    {
        using var solver = Solver.CreateSolver("CLP")!;
        var balance = solver.MakeConstraint(0, 0);
        var objective = solver.Objective();
        foreach (var b in bids)
        {
            var x = solver.MakeNumVar(0, b.QuantityKWh, b.Id);
            balance.SetCoefficient(x, b.Side == BidSide.Sell ? 1 : -1);
            objective.SetCoefficient(x, b.Side == BidSide.Sell ? b.PriceEurPerKWh : -b.PriceEurPerKWh);
        }
        objective.SetMinimization();
        Assert.Equal(Solver.ResultStatus.OPTIMAL, solver.Solve());
        return (-objective.Value(), balance.DualValue());
    }

    [Theory]
    [InlineData(1, 20)]
    [InlineData(2, 50)]
    [InlineData(3, 200)]
    [InlineData(4, 1000)]
    [InlineData(5, 7)]
    public void UniformPrice_EqualsDualOfBalanceConstraintOfWelfareLp(int seed, int count)
    {
        // Reference: CLP (OR-Tools) on max Σ b·q − Σ s·q s.t. Σ q_sell − Σ q_buy = 0; duals within 1e-7 EUR/kWh.
        var bids = RandomBids(new Random(seed), count);
        var result = UniformPriceAuction.Clear(bids);
        var (welfare, dual) = SolveWelfareLp(bids);
        Assert.Equal(welfare, result.WelfareEur, 1e-6);
        Assert.InRange(dual, result.PriceLowEurPerKWh - 1e-7, result.PriceHighEurPerKWh + 1e-7);
        // Random real quantities leave a partly filled marginal bid, so the dual is unique and the price is it.
        Assert.Equal(result.PriceLowEurPerKWh, result.PriceHighEurPerKWh, 1e-12);
        Assert.Equal(dual, result.PriceEurPerKWh, 1e-7);
        Assert.Empty(ClearingInvariants.Violations(result));
    }

    [Fact]
    public void DegenerateCrossing_PriceIsMidpointOfDualInterval_AndCarriesTheLpDual()
    {
        // Both marginal bids are exactly filled: every price in [0.20, 0.25] clears; CLP picks one end.
        Bid[] bids =
        [
            new("buy1", "a", BidSide.Buy, 5, 0.30, Sequence: 0),
            new("buy2", "b", BidSide.Buy, 5, 0.20, Sequence: 1),
            new("sell1", "c", BidSide.Sell, 5, 0.10, Sequence: 2),
            new("sell2", "d", BidSide.Sell, 5, 0.25, Sequence: 3),
        ];
        var result = UniformPriceAuction.Clear(bids);
        Assert.Equal(5, result.ClearedKWh, 12);
        Assert.Equal(0.20, result.PriceLowEurPerKWh, 12);
        Assert.Equal(0.25, result.PriceHighEurPerKWh, 12);
        Assert.Equal(0.225, result.PriceEurPerKWh, 12);
        var (_, dual) = SolveWelfareLp(bids);
        Assert.InRange(dual, 0.20 - 1e-9, 0.25 + 1e-9);
    }

    [Fact]
    public void Invariants_HoldOnManyRandomClearings()
    {
        var rng = new Random(42);
        for (var trial = 0; trial < 300; trial++)
        {
            var bids = RandomBids(rng, 1 + rng.Next(60));
            var r = UniformPriceAuction.Clear(bids);
            Assert.Empty(ClearingInvariants.Violations(r));
            Assert.Equal(r.BuyerPaymentsEur, r.SellerReceiptsEur, 9);
        }
    }

    [Fact]
    public void EqualPrices_EarlierBidIsServedFirst()
    {
        Bid[] bids =
        [
            new("late", "a", BidSide.Buy, 4, 0.3, Sequence: 5),
            new("early", "b", BidSide.Buy, 4, 0.3, Sequence: 1),
            new("s", "c", BidSide.Sell, 5, 0.1, Sequence: 2),
        ];
        var r = UniformPriceAuction.Clear(bids);
        Assert.Equal(4, r.Fills.Single(f => f.BidId == "early").ClearedKWh, 12);
        Assert.Equal(1, r.Fills.Single(f => f.BidId == "late").ClearedKWh, 12);
    }

    [Fact]
    public void OneSidedMarket_ClearsNothingAndHasNoPrice()
    {
        var r = UniformPriceAuction.Clear([new Bid("x", "a", BidSide.Buy, 1, 0.2)]);
        Assert.Equal(0, r.ClearedKWh);
        Assert.True(double.IsNaN(r.PriceEurPerKWh));
        Assert.Empty(r.Trades);
        Assert.Empty(ClearingInvariants.Violations(r));
    }

    [Fact]
    public void ClearAll_ClearsEachIntervalSeparately()
    {
        Bid[] bids =
        [
            new("a", "a", BidSide.Buy, 1, 0.3, Interval: 0), new("b", "b", BidSide.Sell, 1, 0.1, Interval: 0),
            new("c", "a", BidSide.Buy, 1, 0.3, Interval: 1), new("d", "b", BidSide.Sell, 1, 0.5, Interval: 1),
        ];
        var results = UniformPriceAuction.ClearAll(bids);
        Assert.Equal(2, results.Count);
        Assert.Equal(1, results[0].ClearedKWh, 12);
        Assert.Equal(0, results[1].ClearedKWh, 12);
    }
}
