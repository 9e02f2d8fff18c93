namespace CivicGrid.Supply.Provenance;

/// <summary>A delivery of a lot from one organisation to another, derived from an accepted transfer.</summary>
public sealed record Delivery(string SupplierId, string CustomerId, string CustomerRegion, string Material, double MassKilograms, DateTimeOffset Time, string LotId);

/// <summary>
/// The state of a supply chain built by applying signed events in order. Every event is checked before it
/// changes anything: signature by the acting organisation, a fresh sequence number (no replay), that the
/// organisation holds the lots it acts on, that no lot is used twice, and mass balance within stated yields.
/// </summary>
public sealed class ProvenanceRegistry
{
    private const double MassTolerance = 1e-9;

    private readonly Dictionary<string, Organisation> _organisations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastSequence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LotRecord> _lots = new(StringComparer.Ordinal);
    private readonly List<SignedSupplyEvent> _events = [];
    private readonly List<Delivery> _deliveries = [];

    /// <summary>What the registry knows of a lot.</summary>
    public sealed class LotRecord
    {
        internal LotRecord(MaterialLot lot, string holderId, int createdBy, IReadOnlyList<string> parents, double embodied)
        {
            Lot = lot;
            HolderId = holderId;
            CreatedByEvent = createdBy;
            ParentLotIds = parents;
            EmbodiedEmissionsKgCo2e = embodied;
        }

        public MaterialLot Lot { get; internal set; }

        /// <summary>The organisation that holds the lot now.</summary>
        public string HolderId { get; internal set; }

        /// <summary>True once a transformation has consumed the lot.</summary>
        public bool Consumed { get; internal set; }

        /// <summary>Index in <see cref="Events"/> of the event that created the lot.</summary>
        public int CreatedByEvent { get; }

        /// <summary>Indexes of every event that touched the lot, in order.</summary>
        public List<int> EventIndexes { get; } = [];

        /// <summary>The lots it was made from (empty for registered lots).</summary>
        public IReadOnlyList<string> ParentLotIds { get; }

        /// <summary>Cradle-to-gate emissions embodied in the whole lot, kg CO2e.</summary>
        public double EmbodiedEmissionsKgCo2e { get; internal set; }
    }

    public IReadOnlyDictionary<string, Organisation> Organisations => _organisations;

    public IReadOnlyDictionary<string, LotRecord> Lots => _lots;

    /// <summary>Accepted events in the order they were applied.</summary>
    public IReadOnlyList<SignedSupplyEvent> Events => _events;

    /// <summary>Every transfer between two different organisations.</summary>
    public IReadOnlyList<Delivery> Deliveries => _deliveries;

    /// <summary>Adds an organisation; its id must be new.</summary>
    public void AddOrganisation(Organisation organisation)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        if (!_organisations.TryAdd(organisation.Id, organisation))
        {
            throw new ArgumentException($"Organisation '{organisation.Id}' is already registered.", nameof(organisation));
        }
    }

    /// <summary>Checks and applies one signed event. Throws <see cref="ProvenanceViolationException"/> and changes nothing when it breaks a rule.</summary>
    public void Apply(SignedSupplyEvent signed)
    {
        ArgumentNullException.ThrowIfNull(signed);
        var e = signed.Event;
        if (!_organisations.TryGetValue(e.OrganisationId, out var organisation))
        {
            throw Violation(ProvenanceViolation.UnknownOrganisation, $"Organisation '{e.OrganisationId}' is not registered.");
        }
        if (!EventSigning.Verify(signed, organisation.PublicKey))
        {
            throw Violation(ProvenanceViolation.BadSignature, $"The signature on {Describe(e)} is not valid for organisation '{organisation.Id}'.");
        }
        if (_lastSequence.TryGetValue(e.OrganisationId, out var last) && e.Sequence <= last)
        {
            throw Violation(ProvenanceViolation.Replay, $"{Describe(e)} has sequence {e.Sequence}, but '{organisation.Id}' already used {last}: a replayed or reordered event.");
        }
        var index = _events.Count;
        switch (e)
        {
            case LotRegistration r:
                ApplyRegistration(r, organisation, index);
                break;
            case LotTransfer t:
                ApplyTransfer(t, index);
                break;
            case LotTransformation x:
                ApplyTransformation(x, organisation, index);
                break;
            default:
                throw new ArgumentException("Unknown event type " + e.GetType().Name, nameof(signed));
        }
        _lastSequence[e.OrganisationId] = e.Sequence;
        _events.Add(signed);
    }

    private void ApplyRegistration(LotRegistration r, Organisation organisation, int index)
    {
        if (organisation.Kind is not (OrganisationKind.Miner or OrganisationKind.Recycler or OrganisationKind.Municipality))
        {
            throw Violation(ProvenanceViolation.NotAllowedForRole, $"A {organisation.Kind} cannot register new material (lot '{r.LotId}'): only miners, recyclers and municipalities bring material into the chain.");
        }
        RequirePositive(r.MassKilograms, r.LotId);
        if (r.RecycledShare is < 0 or > 1 || double.IsNaN(r.RecycledShare))
        {
            throw Violation(ProvenanceViolation.InvalidQuantity, $"Lot '{r.LotId}': recycled share {r.RecycledShare} is outside 0…1.");
        }
        if (organisation.Kind == OrganisationKind.Miner && r.RecycledShare > 0)
        {
            throw Violation(ProvenanceViolation.NotAllowedForRole, $"Lot '{r.LotId}': mined material cannot claim recycled content.");
        }
        if (r.EmissionsKgCo2e < 0 || double.IsNaN(r.EmissionsKgCo2e))
        {
            throw Violation(ProvenanceViolation.InvalidQuantity, $"Lot '{r.LotId}': emissions must be non-negative.");
        }
        if (_lots.ContainsKey(r.LotId))
        {
            throw Violation(ProvenanceViolation.DuplicateLot, $"Lot '{r.LotId}' already exists.");
        }
        var lot = new MaterialLot(r.LotId, r.Material, r.Grade, r.MassKilograms, r.SiteId, r.RecycledShare,
            new Dictionary<string, double>(StringComparer.Ordinal) { [r.OriginCountry] = 1.0 });
        var record = new LotRecord(lot, organisation.Id, index, [], r.EmissionsKgCo2e);
        record.EventIndexes.Add(index);
        _lots.Add(r.LotId, record);
    }

    private void ApplyTransfer(LotTransfer t, int index)
    {
        var record = HeldLot(t.LotId, t.OrganisationId);
        if (!_organisations.TryGetValue(t.ToOrganisationId, out var recipient))
        {
            throw Violation(ProvenanceViolation.UnknownOrganisation, $"Transfer of lot '{t.LotId}' names unknown recipient '{t.ToOrganisationId}'.");
        }
        if (t.TransportEmissionsKgCo2e < 0 || double.IsNaN(t.TransportEmissionsKgCo2e))
        {
            throw Violation(ProvenanceViolation.InvalidQuantity, $"Transfer of lot '{t.LotId}': transport emissions must be non-negative.");
        }
        var supplier = record.HolderId;
        record.HolderId = recipient.Id;
        record.Lot = record.Lot with { SiteId = t.ToSiteId };
        record.EmbodiedEmissionsKgCo2e += t.TransportEmissionsKgCo2e;
        record.EventIndexes.Add(index);
        if (!string.Equals(supplier, recipient.Id, StringComparison.Ordinal))
        {
            _deliveries.Add(new Delivery(supplier, recipient.Id, recipient.Region, record.Lot.Material, record.Lot.MassKilograms, t.Time, t.LotId));
        }
    }

    private void ApplyTransformation(LotTransformation x, Organisation organisation, int index)
    {
        if (x.InputLotIds.Count == 0 || x.Outputs.Count == 0)
        {
            throw Violation(ProvenanceViolation.MassBalance, "A transformation needs at least one input and one output lot.");
        }
        if (x.InputLotIds.Distinct(StringComparer.Ordinal).Count() != x.InputLotIds.Count)
        {
            throw Violation(ProvenanceViolation.AlreadyConsumed, "A transformation lists the same input lot twice.");
        }
        var inputs = x.InputLotIds.Select(id => HeldLot(id, x.OrganisationId)).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in x.Outputs)
        {
            RequirePositive(output.MassKilograms, output.LotId);
            if (_lots.ContainsKey(output.LotId) || !seen.Add(output.LotId))
            {
                throw Violation(ProvenanceViolation.DuplicateLot, $"Output lot '{output.LotId}' already exists.");
            }
        }
        if (x.ProcessEmissionsKgCo2e < 0 || double.IsNaN(x.ProcessEmissionsKgCo2e))
        {
            throw Violation(ProvenanceViolation.InvalidQuantity, "Process emissions must be non-negative.");
        }

        var massIn = inputs.Sum(l => l.Lot.MassKilograms);
        var massOut = x.Outputs.Sum(o => o.MassKilograms);
        var observedYield = massOut / massIn;
        var (yieldMin, yieldMax) = x.Kind is TransformationKind.Split or TransformationKind.Merge ? (1.0, 1.0) : (x.YieldMinimum, x.YieldMaximum);
        if (yieldMin <= 0 || yieldMax > 1 || yieldMin > yieldMax)
        {
            throw Violation(ProvenanceViolation.MassBalance, $"Stated yields {yieldMin}…{yieldMax} are not a range within (0, 1].");
        }
        if (observedYield > yieldMax * (1 + MassTolerance) || observedYield < yieldMin * (1 - MassTolerance))
        {
            throw Violation(ProvenanceViolation.MassBalance,
                $"{x.Kind}: {massOut:0.###} kg out of {massIn:0.###} kg in is a yield of {observedYield:0.######}, outside the stated {yieldMin}…{yieldMax}.");
        }
        if (x.Kind is TransformationKind.Split or TransformationKind.Merge)
        {
            var materials = inputs.Select(l => l.Lot.Material).Concat(x.Outputs.Select(o => o.Material)).Distinct(StringComparer.Ordinal).Count();
            if (materials != 1)
            {
                throw Violation(ProvenanceViolation.MassBalance, $"A {x.Kind} cannot change the material.");
            }
        }

        // Shares mix in proportion to mass; recycling turns waste into recycled content recovered in the recycler's country.
        var recycled = x.Kind == TransformationKind.Recycle ? 1.0 : inputs.Sum(l => l.Lot.RecycledShare * l.Lot.MassKilograms) / massIn;
        var origins = new Dictionary<string, double>(StringComparer.Ordinal);
        if (x.Kind == TransformationKind.Recycle)
        {
            origins[organisation.CountryCode] = 1.0;
        }
        else
        {
            foreach (var l in inputs)
            {
                foreach (var (country, share) in l.Lot.OriginShares)
                {
                    origins[country] = origins.GetValueOrDefault(country) + share * l.Lot.MassKilograms / massIn;
                }
            }
        }
        var embodied = inputs.Sum(l => l.EmbodiedEmissionsKgCo2e) + x.ProcessEmissionsKgCo2e;
        var site = inputs[0].Lot.SiteId;
        var parents = x.InputLotIds.ToArray();
        foreach (var l in inputs)
        {
            l.Consumed = true;
            l.EventIndexes.Add(index);
        }
        foreach (var output in x.Outputs)
        {
            var lot = new MaterialLot(output.LotId, output.Material, output.Grade, output.MassKilograms, site, recycled, origins);
            var record = new LotRecord(lot, organisation.Id, index, parents, embodied * output.MassKilograms / massOut);
            record.EventIndexes.Add(index);
            _lots.Add(output.LotId, record);
        }
    }

    private LotRecord HeldLot(string lotId, string organisationId)
    {
        if (!_lots.TryGetValue(lotId, out var record))
        {
            throw Violation(ProvenanceViolation.UnknownLot, $"Lot '{lotId}' does not exist.");
        }
        if (record.Consumed)
        {
            throw Violation(ProvenanceViolation.AlreadyConsumed, $"Lot '{lotId}' was already consumed by a transformation.");
        }
        if (!string.Equals(record.HolderId, organisationId, StringComparison.Ordinal))
        {
            throw Violation(ProvenanceViolation.NotHolder, $"Lot '{lotId}' is held by '{record.HolderId}', not by '{organisationId}'.");
        }
        return record;
    }

    private static void RequirePositive(double mass, string lotId)
    {
        if (!(mass > 0) || double.IsInfinity(mass))
        {
            throw Violation(ProvenanceViolation.InvalidQuantity, $"Lot '{lotId}': mass must be a positive number of kilograms, not {mass}.");
        }
    }

    private static string Describe(SupplyEvent e) => $"{e.GetType().Name} #{e.Sequence} by '{e.OrganisationId}'";

    private static ProvenanceViolationException Violation(ProvenanceViolation v, string message) => new(v, message);
}
