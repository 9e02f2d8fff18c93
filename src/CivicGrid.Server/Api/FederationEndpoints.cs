using System.ComponentModel.DataAnnotations;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Federation;
using CivicGrid.Platform.Ledger;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Api;

/// <summary>A trade an operator proposes from this node's region to a peer region.</summary>
public sealed class TradeProposal
{
    [Required]
    [StringLength(64, MinimumLength = 1)]
    public string CounterpartyRegion { get; set; } = "";

    /// <summary><c>seller</c> (this region delivers) or <c>buyer</c>.</summary>
    [Required]
    [RegularExpression("^(seller|buyer)$")]
    public string Role { get; set; } = "seller";

    [Range(1e-9, 1e12)]
    public double EnergyKilowattHours { get; set; }

    [Range(0, 1e9)]
    public double PricePerKilowattHour { get; set; }

    [StringLength(8, MinimumLength = 1)]
    public string Currency { get; set; } = "EUR";

    public DateTimeOffset DeliveryStart { get; set; }

    public DateTimeOffset DeliveryEnd { get; set; }
}

/// <summary>A recorded cross-region trade: this region's proposal and confirmation, the peer's acceptance receipt.</summary>
public sealed record CrossRegionTradeView(
    Guid TradeId,
    TradeTerms Terms,
    DecisionView Proposal,
    TradeAcceptance Acceptance,
    LogEntryReference AcceptanceEntry,
    DecisionView Confirmation);

/// <summary>This node in the federation: its region and log, peers, the witness monitor and its alerts.</summary>
public sealed record FederationStatusView(
    string? Region,
    string? LogOrigin,
    string? LogVerifierKey,
    long? PublishedSize,
    int PublishedCosignatures,
    int RequiredCosignatures,
    string WitnessVerifierKey,
    IReadOnlyList<FederationPeerView> Peers,
    IReadOnlyCollection<WitnessMonitorReport> Monitor,
    IReadOnlyList<WitnessMonitorReport> Alerts);

/// <summary>A configured peer region.</summary>
public sealed record FederationPeerView(string Region, string Url, string LogVerifierKey);

/// <summary>
/// Federation under <c>/api/federation</c>: the node's federation status with split-view alerts (public), cross-region
/// trades proposed by operators and accepted by peers (the counterpart call is authenticated by the proposer's signed
/// log receipt, not by an account), and an on-demand publication round of a region checkpoint.
/// </summary>
public static class FederationEndpoints
{
    public static void MapFederationEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/federation").WithTags("Federation");

        group.MapGet("/", (IOptions<FederationOptions> options, LedgerTransparencyLogs logs, LedgerPublisher publisher, LedgerWitness witness,
                LedgerWitnessMonitor monitor, IOptions<LedgerOptions> ledger) =>
            {
                var region = options.Value.Region is { Length: > 0 } r ? r : null;
                var published = region is null ? null : publisher.GetPublished(region);
                return TypedResults.Ok(new FederationStatusView(region, region is null ? null : LedgerTransparencyLogs.OriginOf(region),
                    region is null ? null : logs.GetVerifierKey(region), published?.Checkpoint.Size, published?.VerifiedCosignatures ?? 0,
                    ledger.Value.Publication.RequiredCosignatures, witness.VerifierKey.Encoded,
                    [.. options.Value.Peers.Select(p => new FederationPeerView(p.Region, p.Url, p.LogVerifierKey))],
                    monitor.Reports, [.. monitor.Reports.Where(m => !m.Consistent)]));
            })
            .AllowAnonymous()
            .WithName("GetFederationStatus")
            .WithSummary("This node's region, log, peers, published checkpoint and split-view alerts of the witness monitor")
            .WithDescription("Public.");

        group.MapPost("/trades", ProposeAsync)
            .RequireAuthorization(CivicGridPolicies.RegionSteward)
            .WithName("ProposeCrossRegionTrade")
            .WithSummary("Record an energy trade with a peer region in both regions' logs")
            .WithDescription("Operators and administrators. Answers the proposal and confirmation receipts of this region and the acceptance receipt of the peer.");

        group.MapPost("/trades/counterpart", AcceptAsync)
            .AllowAnonymous()
            .WithName("AcceptCrossRegionTrade")
            .WithSummary("Peer-to-peer: accept a trade proposed by a peer region")
            .WithDescription("Anonymous, but only a trade whose proposal receipt verifies with the proposer's configured log key is accepted; a replay gets 409.");

        group.MapPost("/publish/{regionId}", async Task<Results<Ok<PublicationResult>, NotFound>> (string regionId, LedgerRegions regions, LedgerPublisher publisher, CancellationToken ct) =>
                await regions.ExistsAsync(regionId, ct) ? TypedResults.Ok(await publisher.PublishAsync(regionId, ct)) : TypedResults.NotFound())
            .RequireAuthorization(CivicGridPolicies.RegionSteward)
            .WithName("PublishRegionCheckpoint")
            .WithSummary("Run one publication round now: ask the witnesses to cosign the region's latest checkpoint")
            .WithDescription("Operators and administrators. Answers the size, the cosignatures gathered, whether it was published and the witnesses' problems.");
    }

    private static async Task<IResult> ProposeAsync(TradeProposal proposal, HttpContext http, CrossRegionTradeService trades, CancellationToken ct)
    {
        try
        {
            var local = trades.LocalRegion;
            var seller = proposal.Role == "seller";
            var terms = new TradeTerms(seller ? local : proposal.CounterpartyRegion, seller ? proposal.CounterpartyRegion : local,
                proposal.EnergyKilowattHours, proposal.PricePerKilowattHour, proposal.Currency, proposal.DeliveryStart, proposal.DeliveryEnd);
            var result = await trades.ProposeAsync(terms, http.User.UserId() ?? "unknown", ct);
            return TypedResults.Created($"/api/decisions/{result.Confirmation.Record.Id}", new CrossRegionTradeView(result.TradeId, result.Terms,
                DecisionView.From(result.Proposal), result.Acceptance, result.AcceptanceReference, DecisionView.From(result.Confirmation)));
        }
        catch (FederationException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: ex.Status, title: "Trade not recorded");
        }
        catch (InvalidDecisionException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "Trade not recorded");
        }
    }

    private static async Task<IResult> AcceptAsync(TradeCounterpartRequest request, CrossRegionTradeService trades, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await trades.AcceptAsync(request, ct));
        }
        catch (FederationException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: ex.Status, title: "Trade not accepted");
        }
        catch (InvalidDecisionException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "Trade not accepted");
        }
    }
}
