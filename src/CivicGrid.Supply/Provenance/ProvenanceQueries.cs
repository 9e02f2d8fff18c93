namespace CivicGrid.Supply.Provenance;

/// <summary>One lot in a trace, with the event that created it and its depth below the traced lot.</summary>
public sealed record TraceStep(int Depth, MaterialLot Lot, string HolderId, SupplyEvent CreatedBy, IReadOnlyList<string> ParentLotIds);

/// <summary>A municipal (or other) reserve: how much of a material is held at a site.</summary>
public sealed record ReserveLevel(string SiteId, string HolderId, string Material, double MassKilograms, int LotCount);

/// <summary>Read-only questions about a <see cref="ProvenanceRegistry"/>.</summary>
public static class ProvenanceQueries
{
    /// <summary>
    /// The lot and every lot it was made from, back to the registrations that brought material into the chain,
    /// breadth-first (depth 0 is the lot itself). Each ancestor appears once even when reached by two paths.
    /// </summary>
    public static IReadOnlyList<TraceStep> Trace(ProvenanceRegistry registry, string lotId)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (!registry.Lots.ContainsKey(lotId))
        {
            throw new ProvenanceViolationException(ProvenanceViolation.UnknownLot, $"Lot '{lotId}' does not exist.");
        }
        var steps = new List<TraceStep>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { lotId };
        var queue = new Queue<(string Id, int Depth)>();
        queue.Enqueue((lotId, 0));
        while (queue.Count > 0)
        {
            var (id, depth) = queue.Dequeue();
            var record = registry.Lots[id];
            steps.Add(new TraceStep(depth, record.Lot, record.HolderId, registry.Events[record.CreatedByEvent].Event, record.ParentLotIds));
            foreach (var parent in record.ParentLotIds)
            {
                if (seen.Add(parent))
                {
                    queue.Enqueue((parent, depth + 1));
                }
            }
        }
        return steps;
    }

    /// <summary>The source registrations (mines, collected scrap, declared stocks) that a lot ultimately comes from.</summary>
    public static IReadOnlyList<TraceStep> Sources(ProvenanceRegistry registry, string lotId) =>
        Trace(registry, lotId).Where(s => s.ParentLotIds.Count == 0).ToList();

    /// <summary>Every signed event in a lot's history (its own and its ancestors'), in the order they were applied.</summary>
    public static IReadOnlyList<SignedSupplyEvent> History(ProvenanceRegistry registry, string lotId)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var indexes = new SortedSet<int>();
        foreach (var step in Trace(registry, lotId))
        {
            indexes.UnionWith(registry.Lots[step.Lot.Id].EventIndexes);
        }
        return indexes.Select(i => registry.Events[i]).ToList();
    }

    /// <summary>Material held at each site, per material, for lots not yet consumed.</summary>
    public static IReadOnlyList<ReserveLevel> Reserves(ProvenanceRegistry registry, Func<Organisation, bool>? holderFilter = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.Lots.Values
            .Where(r => !r.Consumed && (holderFilter is null || holderFilter(registry.Organisations[r.HolderId])))
            .GroupBy(r => (r.Lot.SiteId, r.HolderId, r.Lot.Material))
            .Select(g => new ReserveLevel(g.Key.SiteId, g.Key.HolderId, g.Key.Material, g.Sum(r => r.Lot.MassKilograms), g.Count()))
            .OrderBy(r => r.SiteId, StringComparer.Ordinal).ThenBy(r => r.Material, StringComparer.Ordinal)
            .ToList();
    }
}
