using System.Globalization;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Market;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CivicGrid.Platform.Energy;

/// <summary>Bids or a shedding request the platform cannot act on (unknown region, invalid figures…).</summary>
public sealed class EnergyOperationException : Exception
{
    public EnergyOperationException()
    {
    }

    public EnergyOperationException(string message)
        : base(message)
    {
    }

    public EnergyOperationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>How a region's market interval is cleared.</summary>
public enum MarketClearingMethod
{
    /// <summary>Sealed-bid uniform-price double auction (merit order).</summary>
    UniformPrice,

    /// <summary>Welfare-maximising clearing within the feeder's line ratings, with bus prices (LMP).</summary>
    GridAware,

    /// <summary>Continuous double auction: an order book in arrival order.</summary>
    Continuous,
}

/// <summary>A recorded market clearing: the engine's result, statements and receipts, and the decision's log receipt.</summary>
public sealed record MarketClearingOutcome(
    ClearingResult Result,
    IReadOnlyList<ParticipantStatement> Statements,
    IReadOnlyList<MarketReceipt> Receipts,
    string InputDigest,
    DecisionReceipt Decision);

/// <summary>
/// Runs a region's peer-to-peer market: a uniform-price, grid-aware or continuous double auction of one interval on
/// the submitted bids, recorded as a <see cref="DecisionKind.MarketClearing"/> decision (input digest = SHA-256 of the canonical bids).
/// </summary>
public sealed class MarketOperations(CityRepository city, IDecisionLog log)
{
    public const string AlgorithmName = "uniform-price-double-auction";
    public const string AlgorithmVersion = "1";

    public const string GridAwareAlgorithmName = "grid-aware-double-auction";
    public const string ContinuousAlgorithmName = "continuous-double-auction";

    /// <summary>Every algorithm name a market clearing decision of this class can carry.</summary>
    public static IReadOnlyList<string> AlgorithmNames { get; } = [AlgorithmName, GridAwareAlgorithmName, ContinuousAlgorithmName];

    public Task<MarketClearingOutcome> ClearAsync(string regionId, IReadOnlyList<Bid> bids, DecisionActor actor, CancellationToken cancellationToken) =>
        ClearAsync(regionId, bids, MarketClearingMethod.UniformPrice, null, actor, cancellationToken);

    /// <summary>
    /// Clears one interval with the chosen method and records it. Grid-aware clearing needs <paramref name="grid"/> (a
    /// MATPOWER case whose bus numbers the bids name) and verifies the trades with an AC power flow; the continuous
    /// auction submits the bids in their <see cref="Bid.Sequence"/> order to an order book (with the grid's PTDF
    /// transfer limits when <paramref name="grid"/> is given and every bid has a bus).
    /// </summary>
    public async Task<MarketClearingOutcome> ClearAsync(string regionId, IReadOnlyList<Bid> bids, MarketClearingMethod method, PowerCase? grid,
        DecisionActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bids);
        ArgumentNullException.ThrowIfNull(actor);
        if (await city.GetRegionAsync(regionId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new KeyNotFoundException($"no region '{regionId}'");
        }
        Validate(bids);
        var interval = bids[0].Interval;
        var result = Clear(bids, method, grid, interval);
        var digest = MarketSettlement.InputDigest(bids);
        var outcome = double.IsNaN(result.PriceEurPerKWh)
            ? "no clearing price: one side of the market is empty or nothing matched; nothing traded"
            : string.Create(CultureInfo.InvariantCulture,
                $"price {result.PriceEurPerKWh:R} EUR/kWh, cleared {result.ClearedKWh:R} kWh in {result.Trades.Count} trades");
        var accepted = result.Fills.Count(f => f.ClearedKWh > 0);
        var parameters = new Dictionary<string, string>
        {
            ["interval"] = interval.ToString(CultureInfo.InvariantCulture),
            ["bids"] = bids.Count.ToString(CultureInfo.InvariantCulture),
            ["method"] = result.Method,
            ["cleared_kwh"] = result.ClearedKWh.ToString("R", CultureInfo.InvariantCulture),
        };
        if (double.IsFinite(result.PriceEurPerKWh))
        {
            parameters["price_eur_per_kwh"] = result.PriceEurPerKWh.ToString("R", CultureInfo.InvariantCulture);
        }
        string algorithm;
        string reason;
        switch (method)
        {
            case MarketClearingMethod.GridAware:
                algorithm = GridAwareAlgorithmName;
                parameters["grid"] = grid!.Name;
                parameters["price_rule"] = "bus price = dual of the bus injection (LMP); AC power-flow verified";
                reason = string.Create(CultureInfo.InvariantCulture,
                    $"welfare-maximising clearing of {bids.Count} bids for interval {interval} within the line ratings of {grid.Name}: {accepted} bids accepted")
                    + (result.BindingConstraints.Count == 0 ? "; no line limited the trades" : "; binding: " + string.Join("; ", result.BindingConstraints));
                break;
            case MarketClearingMethod.Continuous:
                algorithm = ContinuousAlgorithmName;
                parameters["price_rule"] = "each trade at the resting order's price (price-time priority)";
                reason = string.Create(CultureInfo.InvariantCulture,
                    $"continuous double auction of {bids.Count} orders for interval {interval} in arrival order: {result.Trades.Count} trades, {accepted} orders (partly) filled");
                break;
            default:
                algorithm = AlgorithmName;
                parameters["price_rule"] = "midpoint of the dual interval of the balance constraint";
                reason = string.Create(CultureInfo.InvariantCulture,
                    $"merit-order clearing of {bids.Count} bids for interval {interval}: {accepted} bids accepted at the uniform price, every other bid priced out");
                break;
        }
        var request = new DecisionRequest(
            DecisionKind.MarketClearing,
            regionId,
            [],
            actor,
            new DecisionAlgorithm(algorithm, AlgorithmVersion, parameters),
            "sha256:" + digest,
            outcome,
            reason);
        var receipt = await log.AppendAsync(request, cancellationToken).ConfigureAwait(false);
        return new MarketClearingOutcome(result, MarketSettlement.Statements(result), MarketSettlement.Receipts(result, digest), digest, receipt);
    }

    private static ClearingResult Clear(IReadOnlyList<Bid> bids, MarketClearingMethod method, PowerCase? grid, int interval)
    {
        switch (method)
        {
            case MarketClearingMethod.GridAware:
                if (grid is null)
                {
                    throw new EnergyOperationException("grid-aware clearing needs the grid case");
                }
                try
                {
                    return GridAwareClearing.Clear(bids, grid, new GridClearingOptions(), interval);
                }
                catch (ArgumentException e)
                {
                    throw new EnergyOperationException(e.Message, e);
                }
            case MarketClearingMethod.Continuous:
                var limiter = grid is not null && bids.All(b => b.Bus is int bus && grid.Buses.Any(x => x.Number == bus)) ? new TransferLimiter(grid) : null;
                var book = new ContinuousDoubleAuction(limiter);
                foreach (var b in bids.OrderBy(b => b.Sequence))
                {
                    book.Submit(b);
                }
                return book.ToResult(interval);
            default:
                return UniformPriceAuction.Clear(bids, interval);
        }
    }

    private static void Validate(IReadOnlyList<Bid> bids)
    {
        if (bids.Count == 0)
        {
            throw new EnergyOperationException("at least one bid is needed");
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < bids.Count; k++)
        {
            var b = bids[k];
            if (string.IsNullOrWhiteSpace(b.Id) || string.IsNullOrWhiteSpace(b.Participant))
            {
                throw new EnergyOperationException($"bid {k}: id and participant are required");
            }
            if (!ids.Add(b.Id))
            {
                throw new EnergyOperationException($"bid {k}: the id '{b.Id}' is used twice");
            }
            if (!double.IsFinite(b.QuantityKWh) || b.QuantityKWh <= 0)
            {
                throw new EnergyOperationException($"bid '{b.Id}': the quantity must be a positive number of kWh");
            }
            if (!double.IsFinite(b.PriceEurPerKWh))
            {
                throw new EnergyOperationException($"bid '{b.Id}': the price must be a finite EUR/kWh figure");
            }
            if (b.Interval != bids[0].Interval)
            {
                throw new EnergyOperationException($"bid '{b.Id}': all bids of one clearing must be for the same interval");
            }
        }
    }
}

/// <summary>Registers the market and shedding operations.</summary>
public static class EnergyMarketPlatformExtensions
{
    /// <summary>Adds the scoped <see cref="MarketOperations"/> and <see cref="SheddingOperations"/>. Call after <c>AddCivicGridPlatform</c>.</summary>
    public static IServiceCollection AddEnergyMarketPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddScoped<MarketOperations>();
        services.TryAddScoped<SheddingOperations>();
        services.TryAddScoped<MarketViewService>();
        services.TryAddScoped<SheddingViewService>();
        return services;
    }
}
