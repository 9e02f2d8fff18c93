using System.Globalization;
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

/// <summary>A recorded market clearing: the engine's result, statements and receipts, and the decision's log receipt.</summary>
public sealed record MarketClearingOutcome(
    ClearingResult Result,
    IReadOnlyList<ParticipantStatement> Statements,
    IReadOnlyList<MarketReceipt> Receipts,
    string InputDigest,
    DecisionReceipt Decision);

/// <summary>
/// Runs a region's peer-to-peer market: a uniform-price double auction of one interval on the submitted bids,
/// recorded as a <see cref="DecisionKind.MarketClearing"/> decision (input digest = SHA-256 of the canonical bids).
/// </summary>
public sealed class MarketOperations(CityRepository city, IDecisionLog log)
{
    public const string AlgorithmName = "uniform-price-double-auction";
    public const string AlgorithmVersion = "1";

    public async Task<MarketClearingOutcome> ClearAsync(string regionId, IReadOnlyList<Bid> bids, DecisionActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bids);
        ArgumentNullException.ThrowIfNull(actor);
        if (await city.GetRegionAsync(regionId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new KeyNotFoundException($"no region '{regionId}'");
        }
        Validate(bids);
        var interval = bids[0].Interval;
        var result = UniformPriceAuction.Clear(bids, interval);
        var digest = MarketSettlement.InputDigest(bids);
        var outcome = double.IsNaN(result.PriceEurPerKWh)
            ? "no clearing price: one side of the market is empty; nothing traded"
            : string.Create(CultureInfo.InvariantCulture,
                $"price {result.PriceEurPerKWh:R} EUR/kWh, cleared {result.ClearedKWh:R} kWh in {result.Trades.Count} trades");
        var accepted = result.Fills.Count(f => f.ClearedKWh > 0);
        var request = new DecisionRequest(
            DecisionKind.MarketClearing,
            regionId,
            [],
            actor,
            new DecisionAlgorithm(AlgorithmName, AlgorithmVersion, new Dictionary<string, string>
            {
                ["interval"] = interval.ToString(CultureInfo.InvariantCulture),
                ["bids"] = bids.Count.ToString(CultureInfo.InvariantCulture),
                ["price_rule"] = "midpoint of the dual interval of the balance constraint",
            }),
            "sha256:" + digest,
            outcome,
            string.Create(CultureInfo.InvariantCulture,
                $"merit-order clearing of {bids.Count} bids for interval {interval}: {accepted} bids accepted at the uniform price, every other bid priced out"));
        var receipt = await log.AppendAsync(request, cancellationToken).ConfigureAwait(false);
        return new MarketClearingOutcome(result, MarketSettlement.Statements(result), MarketSettlement.Receipts(result, digest), digest, receipt);
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
        return services;
    }
}
