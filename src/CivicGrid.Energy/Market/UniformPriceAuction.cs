namespace CivicGrid.Energy.Market;

/// <summary>
/// Sealed-bid uniform-price double auction of one interval. Buy bids are ranked by price descending and sells by
/// price ascending (earlier bids first at equal prices); matching proceeds while the best buy price is at least the
/// best sell price. This greedy merit-order walk is exactly the optimum of the welfare-maximising LP
/// (max Σ b·q_buy − Σ s·q_sell subject to Σ q_buy = Σ q_sell, 0 ≤ q ≤ Q), and the price is the dual of its balance
/// constraint: unique when a bid is partly filled, otherwise the midpoint of the dual interval.
/// </summary>
public static class UniformPriceAuction
{
    public static ClearingResult Clear(IEnumerable<Bid> bids, int interval = 0)
    {
        ArgumentNullException.ThrowIfNull(bids);
        var buys = new List<Bid>();
        var sells = new List<Bid>();
        foreach (var b in bids)
        {
            (b.Side == BidSide.Buy ? buys : sells).Add(b);
        }
        buys.Sort(static (x, y) => y.PriceEurPerKWh != x.PriceEurPerKWh ? y.PriceEurPerKWh.CompareTo(x.PriceEurPerKWh) : x.Sequence.CompareTo(y.Sequence));
        sells.Sort(static (x, y) => x.PriceEurPerKWh != y.PriceEurPerKWh ? x.PriceEurPerKWh.CompareTo(y.PriceEurPerKWh) : x.Sequence.CompareTo(y.Sequence));
        var buyCleared = new double[buys.Count];
        var sellCleared = new double[sells.Count];
        var pairs = new List<(int Buy, int Sell, double Q)>();
        int i = 0, j = 0;
        double remBuy = buys.Count > 0 ? buys[0].QuantityKWh : 0, remSell = sells.Count > 0 ? sells[0].QuantityKWh : 0;
        while (i < buys.Count && j < sells.Count && buys[i].PriceEurPerKWh >= sells[j].PriceEurPerKWh)
        {
            var q = Math.Min(remBuy, remSell);
            buyCleared[i] += q;
            sellCleared[j] += q;
            pairs.Add((i, j, q));
            remBuy -= q;
            remSell -= q;
            // Exact zero test is safe: the smaller remainder is set to exactly zero by the subtraction.
            if (remBuy <= 0)
            {
                i++;
                remBuy = i < buys.Count ? buys[i].QuantityKWh : 0;
            }
            if (remSell <= 0)
            {
                j++;
                remSell = j < sells.Count ? sells[j].QuantityKWh : 0;
            }
        }
        var (low, high) = DualInterval(buys, sells, buyCleared, sellCleared, i, j);
        var price = double.IsFinite(low) && double.IsFinite(high) ? 0.5 * (low + high) : double.NaN;
        var fills = new List<Fill>(buys.Count + sells.Count);
        double cleared = 0, welfare = 0, paid = 0, received = 0;
        for (var k = 0; k < buys.Count; k++)
        {
            var b = buys[k];
            var q = buyCleared[k];
            cleared += q;
            welfare += q * b.PriceEurPerKWh;
            paid += q > 0 ? q * price : 0;
            fills.Add(new Fill(b.Id, b.Participant, b.Side, b.QuantityKWh, b.PriceEurPerKWh, q, price, q > 0 ? q * price : 0, b.Bus,
                q >= b.QuantityKWh ? "" : q > 0 ? "marginal bid, partly filled" : "bid price below the clearing price"));
        }
        for (var k = 0; k < sells.Count; k++)
        {
            var s = sells[k];
            var q = sellCleared[k];
            welfare -= q * s.PriceEurPerKWh;
            received += q > 0 ? q * price : 0;
            fills.Add(new Fill(s.Id, s.Participant, s.Side, s.QuantityKWh, s.PriceEurPerKWh, q, price, q > 0 ? q * price : 0, s.Bus,
                q >= s.QuantityKWh ? "" : q > 0 ? "marginal offer, partly filled" : "offer price above the clearing price"));
        }
        var trades = pairs.Select(p => new Trade(buys[p.Buy].Id, sells[p.Sell].Id, buys[p.Buy].Participant, sells[p.Sell].Participant, p.Q, price, price)).ToList();
        return new ClearingResult
        {
            Interval = interval,
            Method = "uniform-price",
            PriceEurPerKWh = price,
            PriceLowEurPerKWh = low,
            PriceHighEurPerKWh = high,
            Fills = fills,
            Trades = trades,
            ClearedKWh = cleared,
            WelfareEur = welfare,
            BuyerPaymentsEur = paid,
            SellerReceiptsEur = received,
            CongestionRentEur = paid - received,
        };
    }

    /// <summary>Clears every interval present in the bids separately.</summary>
    public static IReadOnlyList<ClearingResult> ClearAll(IEnumerable<Bid> bids)
    {
        ArgumentNullException.ThrowIfNull(bids);
        return bids.GroupBy(b => b.Interval).OrderBy(g => g.Key).Select(g => Clear(g, g.Key)).ToList();
    }

    // Duals λ of the balance row: accepted buys need b ≥ λ, unfilled buys b ≤ λ; accepted sells s ≤ λ, unfilled s ≥ λ.
    private static (double Low, double High) DualInterval(List<Bid> buys, List<Bid> sells, double[] buyCleared, double[] sellCleared, int i, int j)
    {
        double low = double.NegativeInfinity, high = double.PositiveInfinity;
        for (var k = 0; k <= Math.Min(j, sells.Count - 1); k++)
        {
            if (sellCleared[k] > 0)
            {
                low = Math.Max(low, sells[k].PriceEurPerKWh);
            }
        }
        if (i < buys.Count)
        {
            low = Math.Max(low, buys[i].PriceEurPerKWh);
        }
        for (var k = 0; k <= Math.Min(i, buys.Count - 1); k++)
        {
            if (buyCleared[k] > 0)
            {
                high = Math.Min(high, buys[k].PriceEurPerKWh);
            }
        }
        if (j < sells.Count)
        {
            high = Math.Min(high, sells[j].PriceEurPerKWh);
        }
        return (low, high);
    }
}
