using System.Security.Cryptography;
using System.Text;
using CivicGrid.Supply.Provenance;

namespace CivicGrid.Supply.Footprints;

/// <summary>
/// Footprints that travel with lots: a lot's embodied emissions are its registered (cradle-to-gate) emissions plus
/// transport on each transfer plus process emissions of each transformation, with a transformation's total
/// allocated to its outputs by mass. This class turns the registry's figures into PACT v3 footprints.
/// </summary>
public static class FootprintAggregator
{
    /// <summary>kg CO2e per kg of the lot.</summary>
    public static double IntensityKgCo2ePerKg(ProvenanceRegistry registry, string lotId)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (!registry.Lots.TryGetValue(lotId, out var record))
        {
            throw new ProvenanceViolationException(ProvenanceViolation.UnknownLot, $"Lot '{lotId}' does not exist.");
        }
        return record.EmbodiedEmissionsKgCo2e / record.Lot.MassKilograms;
    }

    /// <summary>
    /// The PACT v3 footprint of one lot, declared per kilogram, issued by <paramref name="issuerId"/> (a supplier
    /// handing the lot on) or, when null, by its current holder.
    /// </summary>
    public static ProductFootprint ForLot(ProvenanceRegistry registry, string lotId, DateTimeOffset created, string? issuerId = null)
    {
        var intensity = IntensityKgCo2ePerKg(registry, lotId);
        var record = registry.Lots[lotId];
        var holder = registry.Organisations[issuerId ?? record.HolderId];
        var history = ProvenanceQueries.History(registry, lotId);
        var start = history.Min(e => e.Event.Time);
        var end = history.Max(e => e.Event.Time);
        var value = CarbonFootprint.Decimal(intensity);
        var periodEnd = end > start ? end : start.AddSeconds(1);
        var origin = record.Lot.OriginShares.OrderByDescending(kv => kv.Value).First();
        return new ProductFootprint
        {
            Id = DeterministicGuid(lotId, history.Count).ToString(),
            Created = created,
            CompanyName = holder.Name,
            CompanyIds = [$"urn:civicgrid:organisation:{holder.Id}"],
            ProductDescription = $"{record.Lot.Material}, {record.Lot.Grade}; recycled content {record.Lot.RecycledShare:P1}",
            ProductIds = [$"urn:civicgrid:lot:{lotId}"],
            ProductNameCompany = record.Lot.Material,
            ValidityPeriodStart = periodEnd,
            ValidityPeriodEnd = periodEnd.AddYears(3),
            Pcf = new CarbonFootprint
            {
                PcfExcludingBiogenicUptake = value,
                PcfIncludingBiogenicUptake = value,
                FossilGhgEmissions = value,
                ReferencePeriodStart = start,
                ReferencePeriodEnd = periodEnd,
                GeographyCountry = origin.Key.Length == 2 ? origin.Key : null,
                BoundaryProcessesDescription = $"Cradle to gate along {history.Count} signed supply-chain events: registration, transport and transformation emissions.",
                AllocationRulesDescription = "Transformation emissions are allocated to output lots by mass.",
                PrimaryDataShare = "100",
            },
        };
    }

    // A footprint's id is stable for the same lot and history, so re-issuing it does not create a new footprint.
    private static Guid DeterministicGuid(string lotId, int version)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"civicgrid-footprint:{lotId}:{version}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 layout bits, as PACT ids are UUID v4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
