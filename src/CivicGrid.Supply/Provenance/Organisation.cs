namespace CivicGrid.Supply.Provenance;

/// <summary>The role an organisation plays in a material supply chain.</summary>
public enum OrganisationKind
{
    Miner,
    Recycler,
    Refiner,
    Manufacturer,
    Trader,
    Municipality,
}

/// <summary>
/// A party that registers, transforms and transfers material lots. Every event it makes is signed with the
/// Ed25519 key whose public half is <see cref="PublicKey"/> (32 raw bytes).
/// </summary>
/// <param name="Id">Stable identifier, unique in a chain.</param>
/// <param name="Name">Display name.</param>
/// <param name="Kind">Role in the chain.</param>
/// <param name="CountryCode">ISO 3166-1 alpha-2 country of the organisation (used for concentration by country).</param>
/// <param name="Region">The region (district, prefecture) it serves or sits in; used for withholding analysis.</param>
/// <param name="PublicKey">Raw Ed25519 public key.</param>
public sealed record Organisation(string Id, string Name, OrganisationKind Kind, string CountryCode, string Region, byte[] PublicKey);
