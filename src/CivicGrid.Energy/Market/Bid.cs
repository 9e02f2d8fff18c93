namespace CivicGrid.Energy.Market;

/// <summary>Whether a bid buys or sells energy.</summary>
public enum BidSide
{
    /// <summary>A demand bid: buy up to the quantity at no more than the price.</summary>
    Buy,

    /// <summary>A supply offer: sell up to the quantity at no less than the price.</summary>
    Sell,
}

/// <summary>
/// One limit order of a prosumer for one market interval: energy in kWh delivered over the interval, price in
/// EUR/kWh. <see cref="Bus"/> is the MATPOWER bus number of the connection point (needed only for grid-aware
/// clearing); <see cref="Sequence"/> orders arrival for time priority (the row order of a bids file).
/// </summary>
public sealed record Bid(
    string Id,
    string Participant,
    BidSide Side,
    double QuantityKWh,
    double PriceEurPerKWh,
    int? Bus = null,
    int Interval = 0,
    long Sequence = 0);
