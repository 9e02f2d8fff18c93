namespace CivicGrid.Supply.Provenance;

/// <summary>
/// A quantity of one material held by one organisation at one site. Lots are immutable: a transfer changes the
/// holder of a lot (recorded by the registry), a transformation consumes lots and creates new ones.
/// </summary>
/// <param name="Id">Lot identifier, unique in a chain.</param>
/// <param name="Material">Material name, e.g. "copper", "lithium carbonate", "e-waste (PCB)".</param>
/// <param name="Grade">Grade or specification, free text ("cathode 99.99 %").</param>
/// <param name="MassKilograms">Mass of the lot.</param>
/// <param name="SiteId">Where the lot is stored.</param>
/// <param name="RecycledShare">Share of the mass that comes from recycled (post-consumer or post-industrial) material, 0…1.</param>
/// <param name="OriginShares">Country of primary origin → share of the mass, summing to 1.</param>
public sealed record MaterialLot(
    string Id,
    string Material,
    string Grade,
    double MassKilograms,
    string SiteId,
    double RecycledShare,
    IReadOnlyDictionary<string, double> OriginShares);
