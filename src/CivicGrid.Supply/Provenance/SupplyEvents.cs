using System.Text.Json.Serialization;

namespace CivicGrid.Supply.Provenance;

/// <summary>The kinds of transformation a lot can undergo; each states its yield bounds.</summary>
public enum TransformationKind
{
    /// <summary>One lot divided into several of the same material; mass is conserved exactly (yield 1).</summary>
    Split,

    /// <summary>Several lots of one material combined; mass is conserved exactly (yield 1).</summary>
    Merge,

    /// <summary>Primary processing (concentrate → metal); output lighter than input within stated yields.</summary>
    Refine,

    /// <summary>Recovery of material from waste; the output counts as recycled content.</summary>
    Recycle,

    /// <summary>Making a product or component from materials.</summary>
    Manufacture,
}

/// <summary>
/// One event in a supply chain. Every event carries the organisation that makes it and that organisation's
/// sequence number (strictly increasing per organisation, which makes a replayed event detectable).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(LotRegistration), "registration")]
[JsonDerivedType(typeof(LotTransfer), "transfer")]
[JsonDerivedType(typeof(LotTransformation), "transformation")]
public abstract record SupplyEvent(string OrganisationId, long Sequence, DateTimeOffset Time);

/// <summary>
/// A new lot enters the chain from outside it: ore mined, scrap collected, a stockpile declared.
/// Only miners, recyclers and municipalities may register lots: nobody else can create material from nothing.
/// <see cref="EmissionsKgCo2e"/> is the cradle-to-gate footprint of the lot as registered.
/// </summary>
public sealed record LotRegistration(
    string OrganisationId,
    long Sequence,
    DateTimeOffset Time,
    string LotId,
    string Material,
    string Grade,
    double MassKilograms,
    string SiteId,
    string OriginCountry,
    double RecycledShare,
    double EmissionsKgCo2e) : SupplyEvent(OrganisationId, Sequence, Time);

/// <summary>The holder of a whole lot hands it to another organisation (a delivery).</summary>
public sealed record LotTransfer(
    string OrganisationId,
    long Sequence,
    DateTimeOffset Time,
    string LotId,
    string ToOrganisationId,
    string ToSiteId,
    double TransportEmissionsKgCo2e) : SupplyEvent(OrganisationId, Sequence, Time);

/// <summary>An output lot declared by a transformation.</summary>
public sealed record TransformationOutput(string LotId, string Material, string Grade, double MassKilograms);

/// <summary>
/// Input lots are consumed whole and output lots created at the holder's site. The output mass divided by the
/// input mass must lie within <see cref="YieldMinimum"/>…<see cref="YieldMaximum"/> (and never exceed 1).
/// </summary>
public sealed record LotTransformation(
    string OrganisationId,
    long Sequence,
    DateTimeOffset Time,
    TransformationKind Kind,
    IReadOnlyList<string> InputLotIds,
    IReadOnlyList<TransformationOutput> Outputs,
    double YieldMinimum,
    double YieldMaximum,
    double ProcessEmissionsKgCo2e) : SupplyEvent(OrganisationId, Sequence, Time);
