using CivicGrid.Supply.Provenance;
using NSec.Cryptography;

namespace CivicGrid.Supply.Tests;

/// <summary>A small hand-built chain with keys kept, so tests can sign (and forge) events.</summary>
internal sealed class ChainFixture : IDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, long> _sequence = new(StringComparer.Ordinal);

    public ChainFixture()
    {
        Add("mine", OrganisationKind.Miner, "CL", "abroad");
        Add("recycler", OrganisationKind.Recycler, "JP", "north");
        Add("refiner", OrganisationKind.Refiner, "JP", "port");
        Add("maker", OrganisationKind.Manufacturer, "JP", "south");
    }

    public ProvenanceRegistry Registry { get; } = new();

    public Dictionary<string, Key> Keys { get; } = new(StringComparer.Ordinal);

    public long Next(string org) => _sequence[org] = _sequence.GetValueOrDefault(org) + 1;

    public SignedSupplyEvent Sign(SupplyEvent e) => EventSigning.Sign(e, Keys[e.OrganisationId]);

    public void Apply(SupplyEvent e) => Registry.Apply(Sign(e));

    public LotRegistration Mine(string lotId, double mass, string org = "mine", string country = "CL") =>
        new(org, Next(org), T0, lotId, "copper concentrate", "28 % Cu", mass, org + "-site", country, 0, mass * 0.3);

    public void Dispose()
    {
        foreach (var key in Keys.Values)
        {
            key.Dispose();
        }
    }

    private void Add(string id, OrganisationKind kind, string country, string region)
    {
        var key = EventSigning.CreateKey();
        Keys[id] = key;
        Registry.AddOrganisation(new Organisation(id, id, kind, country, region, EventSigning.PublicKeyBytes(key)));
    }
}
