using System.ComponentModel.DataAnnotations;
using CivicGrid.Energy.Market;
using CivicGrid.Energy.Shedding;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Energy;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicGrid.Server.Api;

/// <summary>One limit order of a prosumer: energy (kWh) over the interval at a limit price (EUR/kWh).</summary>
public sealed class MarketBidInput
{
    [Required]
    [StringLength(100, MinimumLength = 1)]
    public string Id { get; set; } = "";

    [Required]
    [StringLength(100, MinimumLength = 1)]
    public string Participant { get; set; } = "";

    [Required]
    public BidSide? Side { get; set; }

    [Required]
    public double? QuantityKWh { get; set; }

    [Required]
    public double? PriceEurPerKWh { get; set; }

    /// <summary>MATPOWER bus number of the connection point (optional).</summary>
    public int? Bus { get; set; }
}

/// <summary>The bids of one market interval.</summary>
public sealed class MarketClearRequest
{
    [Range(0, int.MaxValue)]
    public int Interval { get; set; }

    [Required]
    [MinLength(1)]
    [MaxLength(100_000)]
    public IReadOnlyList<MarketBidInput> Bids { get; set; } = [];

    /// <summary>
    /// <c>UniformPrice</c> (default), <c>GridAware</c> (within the demo feeders' line ratings; every bid needs a bus of
    /// the demo feeder case) or <c>Continuous</c> (order book in the given order).
    /// </summary>
    public MarketClearingMethod Method { get; set; } = MarketClearingMethod.UniformPrice;
}

/// <summary>A recorded clearing: prices are null when one side of the market was empty.</summary>
public sealed record MarketClearingView(
    int Interval,
    double? PriceEurPerKWh,
    double? PriceLowEurPerKWh,
    double? PriceHighEurPerKWh,
    double ClearedKWh,
    double WelfareEur,
    IReadOnlyList<Fill> Fills,
    IReadOnlyList<Trade> Trades,
    IReadOnlyList<ParticipantStatement> Statements,
    IReadOnlyList<MarketReceipt> MarketReceipts,
    string InputDigest,
    DecisionView Decision)
{
    /// <summary><c>uniform-price</c>, <c>grid-aware</c> or <c>continuous</c>.</summary>
    public string Method { get; init; } = "uniform-price";

    /// <summary>Grid-aware: price per bus (MATPOWER bus number of the demo feeder case).</summary>
    public IReadOnlyDictionary<int, double> NodalPricesEurPerKWh { get; init; } = new Dictionary<int, double>();

    /// <summary>Grid-aware: the lines (or voltage caps) that limited the trades.</summary>
    public IReadOnlyList<string> BindingConstraints { get; init; } = [];

    public double CongestionRentEur { get; init; }
}

/// <summary>A shortfall to shed: the same shortfall (kW) over a number of 15-minute intervals.</summary>
public sealed class SheddingRequest
{
    [Required]
    [Range(0.001, 1e9)]
    public double? ShortfallKW { get; set; }

    [Range(1, 672)]
    public int Intervals { get; set; } = 4;

    /// <summary>Outage cap per household over the run, in intervals (none when absent).</summary>
    [Range(0, 672)]
    public int? MaxOutageIntervals { get; set; }
}

/// <summary>A recorded shedding run with a decision (and receipt) per interval that shed, and its restriction audit.</summary>
public sealed record SheddingRunView(
    string RegionId,
    double IntervalHours,
    IReadOnlyList<string> CriticalHouseholdIds,
    IReadOnlyList<SheddingDecision> Plan,
    IReadOnlyList<DecisionView> Decisions,
    AuditReport Audit);

/// <summary>
/// <c>/api/energy/market</c> and <c>/api/energy/shedding</c>: a region's peer-to-peer market clearing and its fair
/// load shedding, both run by an operator scoped to the region and both recorded as decisions with receipts; the
/// restriction audit of a region's recorded sheddings is readable by infrastructure readers.
/// </summary>
public static class EnergyMarketEndpoints
{
    public static void MapEnergyMarketEndpoints(this IEndpointRouteBuilder api)
    {
        var energy = api.MapGroup("/energy").WithTags("Energy");

        energy.MapPost("/market/{regionId}/clear", ClearAsync)
            .RequireAuthorization(CivicGridPolicies.Operator)
            .WithName("ClearEnergyMarket")
            .WithSummary("Clear a region's P2P market (uniform-price double auction) and record the clearing")
            .WithDescription("Operators scoped to the region; anyone else gets 403. Returns the clearing with settlement, bid receipts and the decision's log receipt.");

        energy.MapPost("/shedding/{regionId}", ShedAsync)
            .RequireAuthorization(CivicGridPolicies.Operator)
            .WithName("ShedEnergyLoad")
            .WithSummary("Shed a shortfall fairly over a region's households (rotating blocks) and record each decision")
            .WithDescription("Critical households are never disconnected. Operators scoped to the region; anyone else gets 403.");

        energy.MapGet("/shedding/{regionId}/audit", AuditAsync)
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("GetSheddingAudit")
            .WithSummary("Restriction audit of every recorded shedding of a region")
            .WithDescription("Share of curtailment against share of demand per household group, Gini coefficients and flags. Infrastructure readers and above.");

        energy.MapGet("/market/{regionId}/bids", DemoBids)
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("GetEnergyMarketDemoBids")
            .WithSummary("The prosumers' bids of a region for the current interval, generated from the demo city's devices")
            .WithDescription("Net position of each household (load − PV − battery offer) as one buy bid or sell offer with its feeder bus; also as bids CSV. Infrastructure readers and above.");

        energy.MapGet("/market/{regionId}/clearings", RecentClearingsAsync)
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("ListEnergyMarketClearings")
            .WithSummary("A region's recent market clearings from its transparency log, newest first")
            .WithDescription("take: 1–100 (default 20). Infrastructure readers and above.");

        energy.MapGet("/shedding/{regionId}/households", SheddingBlocksAsync)
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("ListSheddingBlocks")
            .WithSummary("A region's households as shedding sees them: blocks (feeder sections), districts, groups, demand, critical loads")
            .WithDescription("Infrastructure readers and above.");

        energy.MapGet("/shedding/{regionId}/shortage-day", ShortageDay)
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("GetSheddingShortageDay")
            .WithSummary("Today's simulated shortage day of a region: demand per quarter hour, supply limit and shortfall")
            .WithDescription("Infrastructure readers and above.");

        energy.MapGet("/shedding/{regionId}/runs", RecentRunsAsync)
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("ListSheddingRuns")
            .WithSummary("A region's recent shedding runs from its transparency log, newest first")
            .WithDescription("take: 1–100 (default 20). Infrastructure readers and above.");
    }

    private static Results<Ok<MarketDemoBids>, ProblemHttpResult> DemoBids(string regionId, MarketViewService views)
    {
        try
        {
            return TypedResults.Ok(views.DemoBids(regionId));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown region");
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<MarketRecentClearing>>, ProblemHttpResult>> RecentClearingsAsync(
        string regionId, MarketViewService views, CancellationToken ct, int take = 20)
    {
        if (take is < 1 or > 100)
        {
            return TypedResults.Problem("take must be between 1 and 100", statusCode: StatusCodes.Status400BadRequest, title: "Invalid query");
        }
        try
        {
            return TypedResults.Ok(await views.RecentClearingsAsync(regionId, take, ct));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown region");
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<SheddingBlock>>, ProblemHttpResult>> SheddingBlocksAsync(
        string regionId, SheddingOperations shedding, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await shedding.BlocksAsync(regionId, ct));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown region");
        }
        catch (EnergyOperationException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The region has no households to shed");
        }
    }

    private static Results<Ok<SheddingShortageDay>, ProblemHttpResult> ShortageDay(string regionId, SheddingViewService views)
    {
        try
        {
            return TypedResults.Ok(views.ShortageDay(regionId));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown region");
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<SheddingRecentRun>>, ProblemHttpResult>> RecentRunsAsync(
        string regionId, SheddingViewService views, CancellationToken ct, int take = 20)
    {
        if (take is < 1 or > 100)
        {
            return TypedResults.Problem("take must be between 1 and 100", statusCode: StatusCodes.Status400BadRequest, title: "Invalid query");
        }
        try
        {
            return TypedResults.Ok(await views.RecentRunsAsync(regionId, take, ct));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown region");
        }
    }

    private static async Task<Results<Ok<MarketClearingView>, ForbidHttpResult, ProblemHttpResult>> ClearAsync(
        string regionId, MarketClearRequest body, HttpContext http, IAuthorizationService authorization, MarketOperations market, MarketViewService views,
        CancellationToken ct)
    {
        var actor = await OperatorAsync(http, authorization, regionId);
        if (actor is null)
        {
            return TypedResults.Forbid();
        }
        var bids = body.Bids.Select((b, k) => new Bid(b.Id, b.Participant, b.Side ?? BidSide.Buy, b.QuantityKWh ?? double.NaN,
            b.PriceEurPerKWh ?? double.NaN, b.Bus, body.Interval, k)).ToList();
        try
        {
            var grid = body.Method == MarketClearingMethod.UniformPrice ? null : views.DemoCase();
            var o = await market.ClearAsync(regionId, bids, body.Method, grid, actor, ct);
            var r = o.Result;
            var priced = double.IsFinite(r.PriceEurPerKWh);
            return TypedResults.Ok(new MarketClearingView(r.Interval, Finite(r.PriceEurPerKWh), Finite(r.PriceLowEurPerKWh), Finite(r.PriceHighEurPerKWh),
                r.ClearedKWh, r.WelfareEur, priced ? SafeFills(r.Fills) : [], r.Trades, o.Statements, o.Receipts, o.InputDigest, DecisionView.From(o.Decision))
            {
                Method = r.Method,
                NodalPricesEurPerKWh = r.NodalPricesEurPerKWh,
                BindingConstraints = r.BindingConstraints,
                CongestionRentEur = r.CongestionRentEur,
            });
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown region");
        }
        catch (Exception e) when (e is EnergyOperationException or InvalidDecisionException)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The bids cannot be cleared");
        }
    }

    private static async Task<Results<Ok<SheddingRunView>, ForbidHttpResult, ProblemHttpResult>> ShedAsync(
        string regionId, SheddingRequest body, HttpContext http, IAuthorizationService authorization, SheddingOperations shedding, CancellationToken ct)
    {
        var actor = await OperatorAsync(http, authorization, regionId);
        if (actor is null)
        {
            return TypedResults.Forbid();
        }
        try
        {
            var o = await shedding.ShedAsync(regionId, body.ShortfallKW ?? double.NaN, body.Intervals, body.MaxOutageIntervals, actor, ct);
            return TypedResults.Ok(new SheddingRunView(o.RegionId, o.IntervalHours, o.CriticalHouseholdIds, o.Decisions,
                o.Receipts.Select(DecisionView.From).ToList(), o.Audit));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown region");
        }
        catch (Exception e) when (e is EnergyOperationException or InvalidDecisionException)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The shortfall cannot be shed");
        }
    }

    private static async Task<Results<Ok<SheddingAuditOutcome>, ProblemHttpResult>> AuditAsync(string regionId, SheddingOperations shedding, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await shedding.AuditAsync(regionId, ct));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown region");
        }
        catch (EnergyOperationException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The region cannot be audited");
        }
    }

    private static async Task<DecisionActor?> OperatorAsync(HttpContext http, IAuthorizationService authorization, string regionId)
    {
        var allowed = await authorization.AuthorizeAsync(http.User, regionId, RegionOperatorRequirement.OperatorsOnly);
        var operatorId = http.User.UserId();
        return allowed.Succeeded && operatorId is not null ? DecisionActor.Operator(operatorId) : null;
    }

    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    // An order of the continuous auction that never traded has no average price (NaN), which JSON cannot carry.
    private static IReadOnlyList<Fill> SafeFills(IReadOnlyList<Fill> fills) =>
        fills.Select(f => double.IsFinite(f.PriceEurPerKWh) ? f : f with { PriceEurPerKWh = 0 }).ToList();
}
