namespace CivicGrid.Energy.Market;

/// <summary>
/// How much of one bid was cleared (kWh, 0 when rejected) and at which price it settles (the uniform price, or its
/// bus's price when grid-aware); the amount is paid by a buyer or received by a seller; the reason says why a bid
/// was not fully cleared (empty when it was).
/// </summary>
public sealed record Fill(
    string BidId,
    string Participant,
    BidSide Side,
    double BidQuantityKWh,
    double BidPriceEurPerKWh,
    double ClearedKWh,
    double PriceEurPerKWh,
    double AmountEur,
    int? Bus,
    string Reason);

/// <summary>A matched pair of a buyer and a seller; prices differ only under grid congestion.</summary>
public sealed record Trade(
    string BuyBidId,
    string SellBidId,
    string Buyer,
    string Seller,
    double QuantityKWh,
    double BuyerPriceEurPerKWh,
    double SellerPriceEurPerKWh);

/// <summary>The outcome of clearing one interval.</summary>
public sealed class ClearingResult
{
    public int Interval { get; init; }

    /// <summary><c>uniform-price</c>, <c>grid-aware</c> or <c>continuous</c>.</summary>
    public string Method { get; init; } = "";

    /// <summary>The uniform clearing price (EUR/kWh); NaN when one side of the market is empty.</summary>
    public double PriceEurPerKWh { get; init; } = double.NaN;

    /// <summary>
    /// Every price in this range clears the market (it is the set of duals of the balance constraint of the
    /// welfare-maximising LP); the reported price is its midpoint, and the range is a single point whenever a bid is
    /// only partly filled.
    /// </summary>
    public double PriceLowEurPerKWh { get; init; } = double.NaN;

    public double PriceHighEurPerKWh { get; init; } = double.NaN;

    /// <summary>Grid-aware clearing: price per bus (MATPOWER bus number) of the buses that have bids.</summary>
    public IReadOnlyDictionary<int, double> NodalPricesEurPerKWh { get; init; } = new Dictionary<int, double>();

    public IReadOnlyList<Fill> Fills { get; init; } = [];
    public IReadOnlyList<Trade> Trades { get; init; } = [];

    public double ClearedKWh { get; init; }

    /// <summary>Σ buyer value − Σ seller cost of the cleared quantities, EUR.</summary>
    public double WelfareEur { get; init; }

    public double BuyerPaymentsEur { get; init; }
    public double SellerReceiptsEur { get; init; }

    /// <summary>Payments minus receipts: zero without congestion; under congestion the network owner's rent (≥ 0).</summary>
    public double CongestionRentEur { get; init; }

    /// <summary>Lines whose limit bound the clearing (case branch index, 0-based), with a short explanation.</summary>
    public IReadOnlyList<string> BindingConstraints { get; init; } = [];
}
