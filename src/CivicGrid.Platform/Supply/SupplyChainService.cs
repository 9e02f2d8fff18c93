using System.Text.Json;
using CivicGrid.Ledger;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Storage;
using CivicGrid.Supply.Footprints;
using CivicGrid.Supply.Provenance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Supply;

/// <summary>
/// The city's material supply chain: signed events kept in the supply tables and replayed into a
/// <see cref="ProvenanceRegistry"/>; every accepted transfer and transformation is appended to the region's
/// transparency log as a material-allocation decision and its receipt kept with the event, so a lot's whole history
/// can be checked from signatures and receipts alone. Writers are serialised; other instances' writes are picked
/// up before each operation (the registry catches up from the table).
/// </summary>
public sealed class SupplyChainService(
    IServiceScopeFactory scopes,
    IDbContextFactory<SupplyDbContext> databases,
    ITransparencyLogs logs,
    TimeProvider time,
    IOptions<PlatformOptions> platformOptions,
    IOptions<SupplyOptions> supplyOptions) : IDisposable
{
    /// <summary>Algorithm name recorded in the decisions.</summary>
    public const string Algorithm = "civicgrid.supply.provenance";

    public const string AlgorithmVersion = "1";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ProvenanceRegistry _registry = new();
    private volatile bool _seedChecked;

    /// <summary>True once the demo chain (if configured) is seeded and the chain can be read without waiting for it.</summary>
    public bool IsReady => _seedChecked;

    /// <summary>Seeds the demo chain when the tables are empty (a start-up task, so the first page visit does not wait for it).</summary>
    public async Task EnsureSeededAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await CatchUpAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs a read-only question against the current chain (after seeding and catching up).</summary>
    public async Task<T> ReadAsync<T>(Func<ProvenanceRegistry, T> read, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(read);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await CatchUpAsync(ct).ConfigureAwait(false);
            return read(_registry);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The region whose transparency log records material allocations (null when the city has none).</summary>
    public async Task<string?> AllocationRegionAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await RegionAsync(scope.ServiceProvider, ct, required: false).ConfigureAwait(false);
    }

    /// <summary>Registers a new organisation (with its public key); its id must be new.</summary>
    public async Task AddOrganisationAsync(Organisation organisation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await CatchUpAsync(ct).ConfigureAwait(false);
            if (organisation.PublicKey.Length != 32)
            {
                throw new SupplyEventRejectedException("InvalidKey", "An organisation's public key is 32 raw Ed25519 bytes.");
            }
            try
            {
                _registry.AddOrganisation(organisation);
            }
            catch (ArgumentException ex)
            {
                throw new SupplyEventRejectedException("DuplicateOrganisation", ex.Message, ex);
            }
            await using var db = databases.CreateDbContext();
            db.Organisations.Add(ToEntity(organisation));
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Checks and records one signed event. Transfers and transformations are appended to the transparency log as
    /// material-allocation decisions by <paramref name="actor"/>; the receipt is returned and kept.
    /// Throws <see cref="SupplyEventRejectedException"/> (nothing recorded) when the event breaks a rule.
    /// </summary>
    public async Task<SupplyEventReceipt> ApplyAsync(SignedSupplyEvent signed, DecisionActor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signed);
        ArgumentNullException.ThrowIfNull(actor);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await CatchUpAsync(ct).ConfigureAwait(false);
            await using var scope = scopes.CreateAsyncScope();
            var region = signed.Event is LotRegistration ? null : await RegionAsync(scope.ServiceProvider, ct).ConfigureAwait(false);
            try
            {
                _registry.Apply(signed);
            }
            catch (ProvenanceViolationException ex)
            {
                throw new SupplyEventRejectedException(ex.Violation.ToString(), ex.Message, ex);
            }
            try
            {
                await using var db = databases.CreateDbContext();
                var receipt = await RecordAsync(db, scope.ServiceProvider.GetRequiredService<IDecisionLog>(), signed, _registry.Events.Count - 1, actor, region, ct).ConfigureAwait(false);
                await db.SaveChangesAsync(ct).ConfigureAwait(false);
                return receipt;
            }
            catch
            {
                // The registry already holds the event: rebuild it from the table so memory matches what was stored.
                _registry = new ProvenanceRegistry();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Checks a lot's whole history from what is stored: each event's digest and Ed25519 signature, and for each
    /// allocation the receipt against the region's log key, with the logged decision naming the event's digest.
    /// </summary>
    public async Task<LotVerification?> VerifyLotAsync(string lotId, CancellationToken ct)
    {
        var positions = await ReadAsync(r =>
        {
            if (!r.Lots.ContainsKey(lotId))
            {
                return null;
            }
            var set = new SortedSet<int>();
            foreach (var step in ProvenanceQueries.Trace(r, lotId))
            {
                set.UnionWith(r.Lots[step.Lot.Id].EventIndexes);
            }
            return set.Select(i => (long)i).ToList();
        }, ct).ConfigureAwait(false);
        if (positions is null)
        {
            return null;
        }
        var organisations = await ReadAsync(r => r.Organisations, ct).ConfigureAwait(false);
        await using var db = databases.CreateDbContext();
        var rows = await db.Events.AsNoTracking().Where(e => positions.Contains(e.Position)).OrderBy(e => e.Position).ToListAsync(ct).ConfigureAwait(false);
        var entries = new List<LotHistoryEntry>();
        var problems = new List<string>();
        var keys = new Dictionary<string, NoteVerifierKey>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var signed = SupplyChainDocument.EventFromJson(row.SignedJson, $"supply_events[{row.Position}]");
            var digest = Convert.ToHexStringLower(signed.Digest());
            var signatureValid = organisations.TryGetValue(signed.Event.OrganisationId, out var organisation)
                && EventSigning.Verify(signed, organisation.PublicKey) && digest == row.Digest;
            bool? receiptValid = null;
            var check = signatureValid ? "signature valid" : "signature or digest does not match";
            if (signed.Event is not LotRegistration)
            {
                (receiptValid, var why) = CheckReceipt(row, digest, keys);
                check += "; " + why;
            }
            if (!signatureValid || receiptValid == false)
            {
                problems.Add($"event {row.Position} ({row.Kind} by {row.OrganisationId}): {check}");
            }
            entries.Add(new LotHistoryEntry(row.Position, signed.Event, digest, signatureValid, row.DecisionId, row.RegionId, row.LogIndex, row.Receipt, receiptValid, check));
        }
        if (rows.Count != positions.Count)
        {
            problems.Add($"{positions.Count - rows.Count} event(s) of the history are missing from the table");
        }
        return new LotVerification(lotId, entries, problems.Count == 0, problems);
    }

    /// <summary>Every footprint issued, oldest first (then by id), as the PACT API serves them.</summary>
    public async Task<IReadOnlyList<ProductFootprint>> FootprintsAsync(CancellationToken ct)
    {
        await ReadAsync(_ => 0, ct).ConfigureAwait(false);
        await using var db = databases.CreateDbContext();
        var rows = await db.Footprints.AsNoTracking().OrderBy(f => f.Created).ThenBy(f => f.Id).Select(f => f.Json).ToListAsync(ct).ConfigureAwait(false);
        return [.. rows.Select(json => JsonSerializer.Deserialize<ProductFootprint>(json)!)];
    }

    /// <summary>Keeps a CloudEvent received on PACT Action Events; false when the same source and id was already received.</summary>
    public async Task<bool> RecordPactEventAsync(string eventId, string source, string type, string clientId, string json, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        if (await db.PactEvents.AnyAsync(e => e.Source == source && e.EventId == eventId, ct).ConfigureAwait(false))
        {
            return false;
        }
        db.PactEvents.Add(new SupplyPactEventEntity { EventId = eventId, Source = source, Type = type, ClientId = clientId, ReceivedAt = time.GetUtcNow(), Json = json });
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>The CloudEvents received, newest first.</summary>
    public async Task<IReadOnlyList<SupplyPactEventEntity>> PactEventsAsync(int take, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        return await db.PactEvents.AsNoTracking().OrderByDescending(e => e.Id).Take(take).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The stored decision data of every allocation touching a lot, for display.</summary>
    public async Task<IReadOnlyList<SupplyEventEntity>> EventRowsAsync(IReadOnlyCollection<long> positions, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        return await db.Events.AsNoTracking().Where(e => positions.Contains(e.Position)).OrderBy(e => e.Position).ToListAsync(ct).ConfigureAwait(false);
    }

    public void Dispose() => _gate.Dispose();

    private (bool Valid, string Why) CheckReceipt(SupplyEventEntity row, string digest, Dictionary<string, NoteVerifierKey> keys)
    {
        if (row.Receipt is null || row.RegionId is null)
        {
            return (false, "no receipt kept");
        }
        try
        {
            if (!keys.TryGetValue(row.RegionId, out var key))
            {
                key = NoteVerifierKey.Parse(logs.GetVerifierKey(row.RegionId));
                keys[row.RegionId] = key;
            }
            var receipt = Receipt.Parse(row.Receipt, $"receipt of event {row.Position}");
            var verification = receipt.Verify(key);
            if (!verification.IsValid)
            {
                return (false, "receipt invalid: " + verification.Reason);
            }
            using var logged = JsonDocument.Parse(receipt.Entry);
            var inputDigest = logged.RootElement.TryGetProperty("input_digest", out var d) ? d.GetString() : null;
            return inputDigest == "sha256:" + digest
                ? (true, $"receipt valid (log {row.RegionId}, index {receipt.Index}) and the logged decision names this event")
                : (false, "the logged decision names another event");
        }
        catch (Exception ex) when (ex is LedgerFormatException or JsonException or PlatformStorageException)
        {
            return (false, "receipt unreadable: " + ex.Message);
        }
    }

    private async Task CatchUpAsync(CancellationToken ct)
    {
        if (!_seedChecked)
        {
            await SeedIfEmptyAsync(ct).ConfigureAwait(false);
            _seedChecked = true;
        }
        await using var db = databases.CreateDbContext();
        foreach (var row in await db.Organisations.AsNoTracking().ToListAsync(ct).ConfigureAwait(false))
        {
            if (!_registry.Organisations.ContainsKey(row.Id))
            {
                _registry.AddOrganisation(ToOrganisation(row));
            }
        }
        long from = _registry.Events.Count;
        var rows = await db.Events.AsNoTracking().Where(e => e.Position >= from).OrderBy(e => e.Position).ToListAsync(ct).ConfigureAwait(false);
        foreach (var row in rows)
        {
            try
            {
                _registry.Apply(SupplyChainDocument.EventFromJson(row.SignedJson, $"supply_events[{row.Position}]"));
            }
            catch (Exception ex) when (ex is ProvenanceViolationException or SupplyChainFormatException)
            {
                _registry = new ProvenanceRegistry();
                throw new PlatformStorageException($"The stored supply chain does not verify at event {row.Position}: {ex.Message}", ex);
            }
        }
    }

    private async Task SeedIfEmptyAsync(CancellationToken ct)
    {
        if (!supplyOptions.Value.SeedDemoChain || !platformOptions.Value.SeedDemoCity)
        {
            return;
        }
        await using var db = databases.CreateDbContext();
        if (await db.Organisations.AnyAsync(ct).ConfigureAwait(false))
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var region = await RegionAsync(scope.ServiceProvider, ct, required: false).ConfigureAwait(false);
        if (region is null)
        {
            return;
        }
        var chain = DemoSupplyChain.Generate(time.GetUtcNow());
        var registry = new ProvenanceRegistry();
        foreach (var organisation in chain.Organisations.Values)
        {
            registry.AddOrganisation(organisation);
            db.Organisations.Add(ToEntity(organisation));
        }
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        var decisions = scope.ServiceProvider.GetRequiredService<IDecisionLog>();
        _registry = registry;
        // In batches: each event is applied and staged at its own registry state, then the batch's allocations are
        // appended to the log together (in event order, sharing durable writes) and the rows saved.
        const int Batch = 100;
        for (var start = 0; start < chain.Events.Count; start += Batch)
        {
            var staged = new List<(SupplyEventEntity Row, DecisionRequest Request)>();
            for (var i = start; i < Math.Min(start + Batch, chain.Events.Count); i++)
            {
                _registry.Apply(chain.Events[i]);
                var (row, request) = await StageAsync(db, chain.Events[i], i, DecisionActor.Automatic, region, ct).ConfigureAwait(false);
                if (request is not null)
                {
                    staged.Add((row, request));
                }
            }
            var receipts = await decisions.AppendBatchAsync([.. staged.Select(s => s.Request)], ct).ConfigureAwait(false);
            for (var k = 0; k < staged.Count; k++)
            {
                Attach(staged[k].Row, receipts[k]);
            }
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task<string?> RegionAsync(IServiceProvider services, CancellationToken ct, bool required = true)
    {
        var platform = services.GetRequiredService<PlatformDbContext>();
        var configured = supplyOptions.Value.RegionId;
        var region = configured is { Length: > 0 }
            ? await platform.Regions.AsNoTracking().Where(r => r.Id == configured).Select(r => r.Id).FirstOrDefaultAsync(ct).ConfigureAwait(false)
            : await platform.Regions.AsNoTracking().OrderBy(r => r.Id).Select(r => r.Id).FirstOrDefaultAsync(ct).ConfigureAwait(false);
        if (region is null && required)
        {
            throw new SupplyEventRejectedException("NoRegion",
                configured is { Length: > 0 } ? $"The supply region '{configured}' does not exist." : "The city has no region whose log could record material allocations.");
        }
        return region;
    }

    /// <summary>Stores an event already applied to the registry: its row, the lots it touched, a footprint for a delivery, and its decision.</summary>
    private async Task<SupplyEventReceipt> RecordAsync(SupplyDbContext db, IDecisionLog decisions, SignedSupplyEvent signed, int position, DecisionActor actor, string? region, CancellationToken ct)
    {
        var (row, request) = await StageAsync(db, signed, position, actor, region, ct).ConfigureAwait(false);
        DecisionReceipt? receipt = null;
        if (request is not null)
        {
            receipt = await decisions.AppendAsync(request, ct).ConfigureAwait(false);
            Attach(row, receipt);
        }
        return new SupplyEventReceipt(position, row.Kind, row.Digest, receipt);
    }

    private static void Attach(SupplyEventEntity row, DecisionReceipt receipt)
    {
        row.DecisionId = receipt.Record.Id;
        row.RegionId = receipt.Record.RegionId;
        row.LogIndex = receipt.LogIndex;
        row.Receipt = receipt.Receipt;
    }

    /// <summary>
    /// Adds an applied event's row, the lots it touched and a footprint for a delivery (at the registry's current
    /// state), and returns the allocation decision to log (null for a registration); the row gets the receipt later.
    /// </summary>
    private async Task<(SupplyEventEntity Row, DecisionRequest? Request)> StageAsync(SupplyDbContext db, SignedSupplyEvent signed, int position, DecisionActor actor, string? region, CancellationToken ct)
    {
        var e = signed.Event;
        var digest = Convert.ToHexStringLower(signed.Digest());
        var kind = e switch { LotRegistration => "registration", LotTransfer => "transfer", _ => "transformation" };
        var row = new SupplyEventEntity
        {
            Position = position,
            OrganisationId = e.OrganisationId,
            Sequence = e.Sequence,
            Kind = kind,
            Time = e.Time,
            SignedJson = SupplyChainDocument.EventToJson(signed),
            Digest = digest,
        };
        var request = e is LotRegistration ? null : Decision(e, kind, digest, actor, region!);
        db.Events.Add(row);
        foreach (var lotId in LotsOf(e))
        {
            var record = _registry.Lots[lotId];
            var lot = await db.Lots.FindAsync([lotId], ct).ConfigureAwait(false);
            if (lot is null)
            {
                lot = new SupplyLotEntity { Id = lotId, CreatedByPosition = record.CreatedByEvent };
                db.Lots.Add(lot);
            }
            lot.Material = record.Lot.Material;
            lot.Grade = record.Lot.Grade;
            lot.MassKilograms = record.Lot.MassKilograms;
            lot.SiteId = record.Lot.SiteId;
            lot.HolderId = record.HolderId;
            lot.RecycledShare = record.Lot.RecycledShare;
            lot.Consumed = record.Consumed;
        }
        if (e is LotTransfer transfer && transfer.OrganisationId != transfer.ToOrganisationId)
        {
            await IssueFootprintAsync(db, transfer, ct).ConfigureAwait(false);
        }
        return (row, request);
    }

    private async Task IssueFootprintAsync(SupplyDbContext db, LotTransfer transfer, CancellationToken ct)
    {
        var footprint = FootprintAggregator.ForLot(_registry, transfer.LotId, transfer.Time, transfer.OrganisationId);
        var earlier = await db.Footprints.Where(f => f.LotId == transfer.LotId && f.Status == "Active").ToListAsync(ct).ConfigureAwait(false);
        earlier.AddRange(db.Footprints.Local.Where(f => f.LotId == transfer.LotId && f.Status == "Active" && !earlier.Contains(f)));
        foreach (var old in earlier)
        {
            old.Status = "Deprecated";
            old.Json = JsonSerializer.Serialize(JsonSerializer.Deserialize<ProductFootprint>(old.Json)! with { Status = "Deprecated" });
        }
        if (earlier.Count > 0)
        {
            footprint = footprint with { PrecedingPfIds = [.. earlier.Select(f => f.Id)] };
        }
        if (earlier.Any(f => f.Id == footprint.Id) || db.Footprints.Local.Any(f => f.Id == footprint.Id))
        {
            return;
        }
        db.Footprints.Add(new SupplyFootprintEntity
        {
            Id = footprint.Id,
            LotId = transfer.LotId,
            OrganisationId = transfer.OrganisationId,
            Created = footprint.Created,
            Status = footprint.Status,
            Json = JsonSerializer.Serialize(footprint),
        });
    }

    private DecisionRequest Decision(SupplyEvent e, string kind, string digest, DecisionActor actor, string region)
    {
        var (assets, outcome) = e switch
        {
            LotTransfer t => ((IReadOnlyList<string>)[t.LotId],
                $"Lot {t.LotId} ({Mass(t.LotId)}) allocated by {t.OrganisationId} to {t.ToOrganisationId} at {t.ToSiteId}."),
            LotTransformation x => ([.. x.InputLotIds, .. x.Outputs.Select(o => o.LotId)],
                $"{x.Kind} by {x.OrganisationId}: {string.Join(", ", x.InputLotIds)} → {string.Join(", ", x.Outputs.Select(o => $"{o.LotId} ({Mass(o.LotId)})"))}."),
            _ => throw new ArgumentException("Registrations are not allocations.", nameof(e)),
        };
        return new DecisionRequest(
            DecisionKind.MaterialAllocation,
            region,
            assets,
            actor,
            new DecisionAlgorithm(Algorithm, AlgorithmVersion, new Dictionary<string, string>
            {
                ["event"] = kind,
                ["organisation"] = e.OrganisationId,
                ["sequence"] = e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }),
            "sha256:" + digest,
            outcome,
            $"Signed by {e.OrganisationId} (sequence {e.Sequence}); accepted after signature, replay, holder and mass-balance checks.");
    }

    private string Mass(string lotId)
    {
        var lot = _registry.Lots[lotId].Lot;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{lot.MassKilograms:0.###} kg {lot.Material}");
    }

    private static IEnumerable<string> LotsOf(SupplyEvent e) => e switch
    {
        LotRegistration r => [r.LotId],
        LotTransfer t => [t.LotId],
        LotTransformation x => [.. x.InputLotIds, .. x.Outputs.Select(o => o.LotId)],
        _ => [],
    };

    private static SupplyOrganisationEntity ToEntity(Organisation o) => new()
    {
        Id = o.Id,
        Name = o.Name,
        Kind = o.Kind.ToString(),
        CountryCode = o.CountryCode,
        Region = o.Region,
        PublicKey = o.PublicKey,
    };

    private static Organisation ToOrganisation(SupplyOrganisationEntity o) =>
        new(o.Id, o.Name, Enum.Parse<OrganisationKind>(o.Kind), o.CountryCode, o.Region, o.PublicKey);
}
