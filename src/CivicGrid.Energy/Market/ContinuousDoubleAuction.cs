namespace CivicGrid.Energy.Market;

/// <summary>
/// Continuous double auction: an order book with price-time priority. An arriving limit order trades at once against
/// the best resting orders on the other side whose price it accepts, at the resting order's price; what is left
/// rests in the book. With a <see cref="TransferLimiter"/> a pair trades only what the lines can carry, and a resting
/// order the grid cannot reach is skipped for the next one.
/// </summary>
public sealed class ContinuousDoubleAuction
{
    private readonly SortedSet<Resting> _buys = new(Comparer<Resting>.Create(static (x, y) =>
        y.Bid.PriceEurPerKWh != x.Bid.PriceEurPerKWh ? y.Bid.PriceEurPerKWh.CompareTo(x.Bid.PriceEurPerKWh) : x.Arrival.CompareTo(y.Arrival)));

    private readonly SortedSet<Resting> _sells = new(Comparer<Resting>.Create(static (x, y) =>
        x.Bid.PriceEurPerKWh != y.Bid.PriceEurPerKWh ? x.Bid.PriceEurPerKWh.CompareTo(y.Bid.PriceEurPerKWh) : x.Arrival.CompareTo(y.Arrival)));

    private readonly Dictionary<string, Resting> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Bid Bid, double Cleared, double Amount)> _orders = new(StringComparer.Ordinal);
    private readonly List<Trade> _trades = [];
    private readonly TransferLimiter? _grid;
    private long _arrivals;

    public ContinuousDoubleAuction(TransferLimiter? grid = null)
    {
        _grid = grid;
    }

    public IReadOnlyList<Trade> Trades => _trades;

    /// <summary>Orders still in the book with their remaining quantity, best first.</summary>
    public IReadOnlyList<(Bid Bid, double RemainingKWh)> RestingBuys => _buys.Select(r => (r.Bid, r.Remaining)).ToList();

    public IReadOnlyList<(Bid Bid, double RemainingKWh)> RestingSells => _sells.Select(r => (r.Bid, r.Remaining)).ToList();

    /// <summary>Submits a limit order; returns the trades it caused.</summary>
    public IReadOnlyList<Trade> Submit(Bid order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.QuantityKWh <= 0 || !double.IsFinite(order.QuantityKWh) || !double.IsFinite(order.PriceEurPerKWh))
        {
            throw new ArgumentException($"order '{order.Id}' needs a positive quantity and a finite price", nameof(order));
        }
        if (!_orders.TryAdd(order.Id, (order, 0, 0)))
        {
            throw new ArgumentException($"order id '{order.Id}' was already submitted", nameof(order));
        }
        if (_grid is not null && (order.Bus is not int bus || !_grid.HasBus(bus)))
        {
            throw new ArgumentException($"order '{order.Id}' needs a bus of the grid case", nameof(order));
        }
        var isBuy = order.Side == BidSide.Buy;
        var book = isBuy ? _sells : _buys;
        var remaining = order.QuantityKWh;
        var made = new List<Trade>();
        var done = new List<Resting>();
        foreach (var rest in book)
        {
            if (remaining <= 0 || (isBuy ? rest.Bid.PriceEurPerKWh > order.PriceEurPerKWh : rest.Bid.PriceEurPerKWh < order.PriceEurPerKWh))
            {
                break;
            }
            var q = Math.Min(remaining, rest.Remaining);
            if (_grid is not null)
            {
                var (from, to) = isBuy ? (rest.Bid.Bus!.Value, order.Bus!.Value) : (order.Bus!.Value, rest.Bid.Bus!.Value);
                q = Math.Min(q, _grid.MaxTransferKWh(from, to));
                if (q <= 1e-9)
                {
                    continue;
                }
                _grid.Apply(from, to, q);
            }
            var price = rest.Bid.PriceEurPerKWh;
            var (buy, sell) = isBuy ? (order, rest.Bid) : (rest.Bid, order);
            var trade = new Trade(buy.Id, sell.Id, buy.Participant, sell.Participant, q, price, price);
            made.Add(trade);
            remaining -= q;
            rest.Remaining -= q;
            Record(order.Id, q, price);
            Record(rest.Bid.Id, q, price);
            if (rest.Remaining <= 1e-12)
            {
                done.Add(rest);
            }
        }
        foreach (var d in done)
        {
            book.Remove(d);
            _byId.Remove(d.Bid.Id);
        }
        if (remaining > 1e-12)
        {
            var r = new Resting(order, _arrivals++) { Remaining = remaining };
            (isBuy ? _buys : _sells).Add(r);
            _byId[order.Id] = r;
        }
        _trades.AddRange(made);
        return made;
    }

    /// <summary>Removes a resting order; false when it is not (or no longer) in the book.</summary>
    public bool Cancel(string orderId)
    {
        if (!_byId.Remove(orderId, out var r))
        {
            return false;
        }
        (r.Bid.Side == BidSide.Buy ? _buys : _sells).Remove(r);
        return true;
    }

    /// <summary>Fills (with each order's volume-weighted price) and trades so far, as a clearing result.</summary>
    public ClearingResult ToResult(int interval = 0)
    {
        var fills = _orders.Values.OrderBy(o => o.Bid.Sequence).Select(o =>
        {
            var avg = o.Cleared > 0 ? o.Amount / o.Cleared : double.NaN;
            var reason = o.Cleared >= o.Bid.QuantityKWh - 1e-12 ? "" : _byId.ContainsKey(o.Bid.Id) ? "resting in the book" : o.Cleared > 0 ? "partly filled, cancelled" : "cancelled";
            return new Fill(o.Bid.Id, o.Bid.Participant, o.Bid.Side, o.Bid.QuantityKWh, o.Bid.PriceEurPerKWh, o.Cleared, avg, o.Amount, o.Bid.Bus, reason);
        }).ToList();
        var paid = fills.Where(f => f.Side == BidSide.Buy).Sum(f => f.AmountEur);
        var received = fills.Where(f => f.Side == BidSide.Sell).Sum(f => f.AmountEur);
        return new ClearingResult
        {
            Interval = interval,
            Method = "continuous",
            PriceEurPerKWh = _trades.Count > 0 ? _trades[^1].BuyerPriceEurPerKWh : double.NaN,
            Fills = fills,
            Trades = [.. _trades],
            ClearedKWh = _trades.Sum(t => t.QuantityKWh),
            WelfareEur = fills.Sum(f => (f.Side == BidSide.Buy ? 1 : -1) * f.ClearedKWh * f.BidPriceEurPerKWh),
            BuyerPaymentsEur = paid,
            SellerReceiptsEur = received,
            CongestionRentEur = paid - received,
        };
    }

    private void Record(string id, double q, double price)
    {
        var o = _orders[id];
        _orders[id] = (o.Bid, o.Cleared + q, o.Amount + q * price);
    }

    private sealed class Resting(Bid bid, long arrival)
    {
        public Bid Bid { get; } = bid;
        public long Arrival { get; } = arrival;
        public double Remaining { get; set; }
    }
}
