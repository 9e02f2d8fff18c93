using CivicGrid.Supply.Analysis;
using CivicGrid.Supply.Provenance;

namespace CivicGrid.Platform.Supply;

/// <summary>A lot shown in lists: id, material, mass, holder and site, recycled share.</summary>
public sealed record LotSummary(string Id, string Material, string Grade, double MassKilograms, string HolderId, string SiteId, double RecycledShare, bool Consumed);

/// <summary>The supply chain at a glance: concentration, municipal reserves, withholding alerts and lots to trace.</summary>
public sealed record SupplyOverview(
    int Organisations,
    int Lots,
    int Events,
    int Deliveries,
    IReadOnlyList<MaterialConcentration> Concentration,
    IReadOnlyList<ReserveLevel> Reserves,
    IReadOnlyList<WithholdingAlert> Alerts,
    IReadOnlyList<LotSummary> RecentDeliveries);

/// <summary>One lot in a history graph, with its layer (0 = the traced lot, growing towards the sources).</summary>
public sealed record LotGraphNode(string LotId, string Material, double MassKilograms, string HolderId, string CreatedBy, int Layer, double RecycledShare);

/// <summary>A lot's history as a directed acyclic graph: edges run from a parent lot to the lot made from it.</summary>
public sealed record LotGraph(string LotId, IReadOnlyList<LotGraphNode> Nodes, IReadOnlyList<LotGraphEdge> Edges);

/// <summary>An edge of a lot graph: <paramref name="From"/> was consumed to make <paramref name="To"/>.</summary>
public sealed record LotGraphEdge(string From, string To);

/// <summary>Questions the supply page and API ask of the chain.</summary>
public static class SupplyQueries
{
    /// <summary>The overview; withholding is tested over monthly periods across the whole delivery history.</summary>
    public static SupplyOverview Overview(ProvenanceRegistry registry, int recent = 30)
    {
        ArgumentNullException.ThrowIfNull(registry);
        IReadOnlyList<WithholdingAlert> alerts = [];
        if (registry.Deliveries.Count > 0)
        {
            var start = registry.Deliveries.Min(d => d.Time);
            var end = registry.Deliveries.Max(d => d.Time).AddTicks(1);
            var options = WithholdingOptions.Monthly;
            if ((end - start) / options.PeriodLength > options.RecentPeriods + 1)
            {
                alerts = WithholdingDetector.Detect(registry.Deliveries, start, end, options);
            }
        }
        var reserves = ProvenanceQueries.Reserves(registry, o => o.Kind == OrganisationKind.Municipality);
        var deliveries = registry.Deliveries.Reverse().Take(recent).Select(d => Summary(registry, d.LotId)).ToList();
        return new SupplyOverview(registry.Organisations.Count, registry.Lots.Count, registry.Events.Count, registry.Deliveries.Count,
            ConcentrationAnalysis.Analyse(registry), reserves, alerts, deliveries);
    }

    public static LotSummary Summary(ProvenanceRegistry registry, string lotId)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var r = registry.Lots[lotId];
        return new LotSummary(lotId, r.Lot.Material, r.Lot.Grade, r.Lot.MassKilograms, r.HolderId, r.Lot.SiteId, r.Lot.RecycledShare, r.Consumed);
    }

    /// <summary>The history graph of a lot, or null when the lot does not exist. A lot reached by several paths sits in its deepest layer.</summary>
    public static LotGraph? Graph(ProvenanceRegistry registry, string lotId)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (!registry.Lots.ContainsKey(lotId))
        {
            return null;
        }
        var steps = ProvenanceQueries.Trace(registry, lotId);
        // Longest-path layering: a parent always sits at least one layer beyond each child.
        var layer = steps.ToDictionary(s => s.Lot.Id, _ => 0, StringComparer.Ordinal);
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var step in steps)
            {
                foreach (var parent in step.ParentLotIds)
                {
                    if (layer[parent] < layer[step.Lot.Id] + 1)
                    {
                        layer[parent] = layer[step.Lot.Id] + 1;
                        changed = true;
                    }
                }
            }
        }
        var nodes = steps.Select(s => new LotGraphNode(s.Lot.Id, s.Lot.Material, s.Lot.MassKilograms, s.HolderId,
            s.CreatedBy switch { LotRegistration => "registration", LotTransformation x => x.Kind.ToString().ToLowerInvariant(), _ => "transfer" },
            layer[s.Lot.Id], s.Lot.RecycledShare)).ToList();
        var edges = steps.SelectMany(s => s.ParentLotIds.Select(p => new LotGraphEdge(p, s.Lot.Id))).ToList();
        return new LotGraph(lotId, nodes, edges);
    }
}
