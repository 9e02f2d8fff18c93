using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicGrid.Ledger;
using CivicGrid.Ledger.Canonical;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Federation;

/// <summary>The terms of an energy trade between two regions.</summary>
public sealed record TradeTerms(
    string SellerRegion,
    string BuyerRegion,
    double EnergyKilowattHours,
    double PricePerKilowattHour,
    string Currency,
    DateTimeOffset DeliveryStart,
    DateTimeOffset DeliveryEnd)
{
    /// <summary>RFC 8785 canonical JSON of the terms (what both logs' input digests are computed over).</summary>
    public string Canonical() => JsonCanonicalizer.Canonicalize(new JsonObject
    {
        ["seller_region"] = SellerRegion,
        ["buyer_region"] = BuyerRegion,
        ["energy_kwh"] = EnergyKilowattHours,
        ["price_per_kwh"] = PricePerKilowattHour,
        ["currency"] = Currency,
        ["delivery_start"] = DecisionJson.FormatTime(DeliveryStart),
        ["delivery_end"] = DecisionJson.FormatTime(DeliveryEnd),
    }.ToJsonString());
}

/// <summary>Points at one entry of a region log: origin, index, SHA-256 of the entry, and the checkpoint it was proven in.</summary>
public sealed record LogEntryReference(string Origin, long Index, string EntrySha256, long CheckpointSize, string CheckpointRootHash)
{
    /// <summary>The reference of the entry a receipt proves.</summary>
    public static LogEntryReference Of(Receipt receipt, Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new LogEntryReference(checkpoint.Origin, receipt.Index, Convert.ToHexStringLower(SHA256.HashData(receipt.Entry)), checkpoint.Size, Convert.ToBase64String(checkpoint.RootHash));
    }

    public JsonObject ToJson() => new()
    {
        ["origin"] = Origin, ["index"] = Index, ["entry_sha256"] = EntrySha256, ["checkpoint_size"] = CheckpointSize, ["checkpoint_root"] = CheckpointRootHash,
    };
}

/// <summary>What the counterparty region returns: its receipt for the accepted trade.</summary>
public sealed record TradeAcceptance(Guid TradeId, string Region, Guid DecisionId, long LogIndex, string Receipt);

/// <summary>The counterparty request: the trade, who proposes it and the proposer's receipt.</summary>
public sealed record TradeCounterpartRequest(Guid TradeId, string InitiatorRegion, TradeTerms Terms, string InitiatorReceipt);

/// <summary>A completed cross-region trade: the proposal and confirmation in this region's log, the acceptance in the other's.</summary>
public sealed record CrossRegionTradeResult(
    Guid TradeId,
    TradeTerms Terms,
    DecisionReceipt Proposal,
    TradeAcceptance Acceptance,
    LogEntryReference AcceptanceReference,
    DecisionReceipt Confirmation);

/// <summary>A trade that cannot be made: bad terms, unknown peer, a receipt that does not verify, a replay.</summary>
public sealed class FederationException : Exception
{
    public FederationException()
    {
    }

    public FederationException(string message)
        : base(message)
    {
    }

    public FederationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FederationException(string message, int status)
        : base(message)
    {
        Status = status;
    }

    /// <summary>The HTTP status that fits: 400 bad terms, 403 unverifiable receipt, 409 replay, 502 the peer failed.</summary>
    public int Status { get; } = 400;
}

/// <summary>
/// Records an energy trade between two regions in both regions' transparency logs, each entry referencing the
/// other's receipt: (1) this region logs the proposal; (2) the peer verifies that receipt with this region's log
/// key and logs its acceptance, which names the proposal's entry (origin, index, SHA-256, checkpoint); (3) this
/// region verifies the acceptance receipt with the peer's key and logs a confirmation naming the acceptance entry.
/// </summary>
public sealed class CrossRegionTradeService(
    IDecisionLog decisions, ITransparencyLogs logs, IDbContextFactory<PlatformDbContext> platform,
    IOptions<FederationOptions> options, IHttpClientFactory httpClients)
{
    /// <summary>The named <see cref="HttpClient"/> used to reach peers.</summary>
    public const string HttpClientName = "CivicGrid.Federation.Peers";

    private const string Algorithm = "civicgrid-cross-region-trade";
    private const string AlgorithmVersion = "1";

    /// <summary>This node's region, or an error when federation is not configured.</summary>
    public string LocalRegion => options.Value.Region is { Length: > 0 } r ? r
        : throw new FederationException("CivicGrid:Federation:Region is not configured on this node", 409);

    /// <summary>Proposes a trade to the peer region and returns once both logs hold it.</summary>
    public async Task<CrossRegionTradeResult> ProposeAsync(TradeTerms terms, string operatorId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(terms);
        Validate(terms);
        var local = LocalRegion;
        var peerRegion = terms.SellerRegion == local ? terms.BuyerRegion
            : terms.BuyerRegion == local ? terms.SellerRegion
            : throw new FederationException($"this node runs region {local}, which is neither seller nor buyer");
        var peer = Peer(peerRegion);
        var tradeId = Guid.NewGuid();
        var canonical = terms.Canonical();
        var proposal = await decisions.AppendAsync(new DecisionRequest(DecisionKind.CrossRegionTrade, local, [],
            DecisionActor.Operator(operatorId), Parameters(tradeId, "proposed", peerRegion),
            DecisionRequest.DigestOf(canonical), Outcome(tradeId, "proposed", canonical, null),
            $"cross-region energy trade proposed to region {peerRegion}"), ct).ConfigureAwait(false);

        var acceptance = await SendAsync(peer, new TradeCounterpartRequest(tradeId, local, terms, proposal.Receipt), ct).ConfigureAwait(false);
        var (receipt, checkpoint, entry) = VerifyReceipt(acceptance.Receipt, peer, "the acceptance");
        if (entry["region_id"]?.GetValue<string>() != peerRegion || entry["input_digest"]?.GetValue<string>() != AcceptanceDigest(tradeId, canonical)
            || entry["kind"]?.GetValue<string>() != DecisionJson.KindName(DecisionKind.CrossRegionTrade))
        {
            throw new FederationException($"region {peerRegion} returned a receipt that is not its acceptance of trade {tradeId}", 502);
        }
        var reference = LogEntryReference.Of(receipt, checkpoint);
        var confirmation = await decisions.AppendAsync(new DecisionRequest(DecisionKind.CrossRegionTrade, local, [],
            DecisionActor.Operator(operatorId), Parameters(tradeId, "confirmed", peerRegion),
            DecisionRequest.DigestOf(canonical), Outcome(tradeId, "confirmed", canonical, reference),
            $"cross-region energy trade accepted by region {peerRegion}, entry {reference.Index} of {reference.Origin}"), ct).ConfigureAwait(false);
        return new CrossRegionTradeResult(tradeId, terms, proposal, acceptance, reference, confirmation);
    }

    /// <summary>The counterparty side: verifies the proposer's receipt and logs the acceptance, naming the proposal entry.</summary>
    public async Task<TradeAcceptance> AcceptAsync(TradeCounterpartRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Terms);
        Validate(request.Terms);
        var local = LocalRegion;
        var terms = request.Terms;
        if (request.InitiatorRegion == local || (terms.SellerRegion != local && terms.BuyerRegion != local)
            || (terms.SellerRegion != request.InitiatorRegion && terms.BuyerRegion != request.InitiatorRegion))
        {
            throw new FederationException($"the trade is not between region {request.InitiatorRegion} and this node's region {local}");
        }
        var peer = Peer(request.InitiatorRegion);
        var canonical = terms.Canonical();
        var (receipt, checkpoint, entry) = VerifyReceipt(request.InitiatorReceipt, peer, "the proposal");
        if (entry["region_id"]?.GetValue<string>() != request.InitiatorRegion || entry["input_digest"]?.GetValue<string>() != DecisionRequest.DigestOf(canonical)
            || entry["kind"]?.GetValue<string>() != DecisionJson.KindName(DecisionKind.CrossRegionTrade)
            || !(entry["outcome"]?.GetValue<string>() ?? "").Contains(request.TradeId.ToString("D"), StringComparison.Ordinal))
        {
            throw new FederationException("the proposer's receipt does not log these terms for this trade", 403);
        }
        var digest = AcceptanceDigest(request.TradeId, canonical);
        await using (var db = await platform.CreateDbContextAsync(ct).ConfigureAwait(false))
        {
            if (await db.DecisionRecords.AnyAsync(d => d.RegionId == local && d.InputDigest == digest, ct).ConfigureAwait(false))
            {
                throw new FederationException($"trade {request.TradeId} was already accepted", 409);
            }
        }
        var reference = LogEntryReference.Of(receipt, checkpoint);
        var accepted = await decisions.AppendAsync(new DecisionRequest(DecisionKind.CrossRegionTrade, local, [],
            DecisionActor.Automatic, Parameters(request.TradeId, "accepted", request.InitiatorRegion),
            digest, Outcome(request.TradeId, "accepted", canonical, reference),
            $"cross-region energy trade proposed by region {request.InitiatorRegion}, entry {reference.Index} of {reference.Origin}"), ct).ConfigureAwait(false);
        return new TradeAcceptance(request.TradeId, local, accepted.Record.Id, accepted.LogIndex, accepted.Receipt);
    }

    /// <summary>The verifier key of this node's region log (give it to the peers).</summary>
    public string LocalLogVerifierKey => logs.GetVerifierKey(LocalRegion);

    private static string AcceptanceDigest(Guid tradeId, string canonical) => DecisionRequest.DigestOf("accept:" + tradeId.ToString("D") + ":" + canonical);

    private static DecisionAlgorithm Parameters(Guid tradeId, string stage, string peer) =>
        new(Algorithm, AlgorithmVersion, new Dictionary<string, string> { ["trade_id"] = tradeId.ToString("D"), ["stage"] = stage, ["counterparty_region"] = peer });

    private static string Outcome(Guid tradeId, string stage, string canonicalTerms, LogEntryReference? counterpart)
    {
        var outcome = new JsonObject { ["trade_id"] = tradeId.ToString("D"), ["stage"] = stage, ["terms"] = JsonNode.Parse(canonicalTerms) };
        if (counterpart is not null)
        {
            outcome["counterpart_entry"] = counterpart.ToJson();
        }
        return JsonCanonicalizer.Canonicalize(outcome.ToJsonString());
    }

    private static void Validate(TradeTerms terms)
    {
        if (string.IsNullOrWhiteSpace(terms.SellerRegion) || string.IsNullOrWhiteSpace(terms.BuyerRegion) || terms.SellerRegion == terms.BuyerRegion)
        {
            throw new FederationException("a trade needs two different regions, seller and buyer");
        }
        if (!(terms.EnergyKilowattHours > 0) || !double.IsFinite(terms.EnergyKilowattHours))
        {
            throw new FederationException("energyKilowattHours must be a positive number");
        }
        if (!(terms.PricePerKilowattHour >= 0) || !double.IsFinite(terms.PricePerKilowattHour))
        {
            throw new FederationException("pricePerKilowattHour must be zero or positive");
        }
        if (terms.DeliveryEnd <= terms.DeliveryStart)
        {
            throw new FederationException("deliveryEnd must be after deliveryStart");
        }
        if (string.IsNullOrWhiteSpace(terms.Currency) || terms.Currency.Length > 8)
        {
            throw new FederationException("currency must be a short code such as EUR or JPY");
        }
    }

    private FederationPeerOptions Peer(string region) =>
        options.Value.Peers.FirstOrDefault(p => p.Region == region)
        ?? throw new FederationException($"region {region} is not a configured peer of this node");

    private static (Receipt Receipt, Checkpoint Checkpoint, JsonObject Entry) VerifyReceipt(string text, FederationPeerOptions peer, string what)
    {
        var key = NoteVerifierKey.TryParse(peer.LogVerifierKey)
            ?? throw new FederationException($"the configured log key of region {peer.Region} is not a verifier key", 500);
        Receipt receipt;
        try
        {
            receipt = Receipt.Parse(text, what);
        }
        catch (LedgerFormatException ex)
        {
            throw new FederationException($"{what} receipt is malformed: {ex.Message}", 403);
        }
        var verification = receipt.Verify(key);
        if (!verification.IsValid || verification.Checkpoint is null)
        {
            throw new FederationException($"{what} receipt does not verify with region {peer.Region}'s log key: {verification.Reason}", 403);
        }
        JsonObject entry;
        try
        {
            entry = JsonNode.Parse(receipt.Entry) as JsonObject ?? throw new FederationException($"{what} entry is not a decision record", 403);
        }
        catch (JsonException ex)
        {
            throw new FederationException($"{what} entry is not JSON: {ex.Message}", 403);
        }
        return (receipt, verification.Checkpoint, entry);
    }

    private async Task<TradeAcceptance> SendAsync(FederationPeerOptions peer, TradeCounterpartRequest request, CancellationToken ct)
    {
        using var client = httpClients.CreateClient(HttpClientName);
        client.Timeout = TimeSpan.FromMilliseconds(Math.Max(100, options.Value.RequestTimeoutMilliseconds));
        var url = new Uri(peer.Url.TrimEnd('/') + "/api/federation/trades/counterpart", UriKind.Absolute);
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsJsonAsync(url, request, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new FederationException($"region {peer.Region} at {peer.Url} is unreachable: {ex.Message}", 502);
        }
        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                throw new FederationException(string.Create(CultureInfo.InvariantCulture,
                    $"region {peer.Region} refused the trade ({(int)response.StatusCode}): {body[..Math.Min(body.Length, 500)]}"), 502);
            }
            return await response.Content.ReadFromJsonAsync<TradeAcceptance>(ct).ConfigureAwait(false)
                ?? throw new FederationException($"region {peer.Region} sent an empty answer", 502);
        }
    }
}
