using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;

namespace CivicGrid.Supply.Provenance;

/// <summary>An event with the Ed25519 signature of the organisation that made it.</summary>
/// <param name="Event">The event.</param>
/// <param name="Signature">64-byte Ed25519 signature over <see cref="EventSigning.SigningPayload"/>.</param>
public sealed record SignedSupplyEvent(SupplyEvent Event, byte[] Signature)
{
    /// <summary>SHA-256 of the signing payload: the digest that is appended to the transparency log.</summary>
    public byte[] Digest() => SHA256.HashData(EventSigning.SigningPayload(Event));
}

/// <summary>Signs and verifies supply events with Ed25519.</summary>
public static class EventSigning
{
    private static readonly byte[] DomainTag = Encoding.UTF8.GetBytes("civicgrid/supply-event/v1\n");

    /// <summary>JSON settings of the signed form; changing them would invalidate every signature.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
    };

    /// <summary>
    /// The exact bytes that are signed: a domain-separation tag followed by the event's JSON (properties in
    /// declaration order, camelCase, round-trip number format).
    /// </summary>
    public static byte[] SigningPayload(SupplyEvent supplyEvent)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(supplyEvent, SerializerOptions);
        var payload = new byte[DomainTag.Length + json.Length];
        DomainTag.CopyTo(payload, 0);
        json.CopyTo(payload, DomainTag.Length);
        return payload;
    }

    /// <summary>Creates a new Ed25519 key whose private half can be exported (for tests, demos and key files).</summary>
    public static Key CreateKey() =>
        Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

    /// <summary>The raw 32-byte public key of <paramref name="key"/>.</summary>
    public static byte[] PublicKeyBytes(Key key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>Signs <paramref name="supplyEvent"/> with <paramref name="key"/>.</summary>
    public static SignedSupplyEvent Sign(SupplyEvent supplyEvent, Key key)
    {
        ArgumentNullException.ThrowIfNull(supplyEvent);
        ArgumentNullException.ThrowIfNull(key);
        return new SignedSupplyEvent(supplyEvent, SignatureAlgorithm.Ed25519.Sign(key, SigningPayload(supplyEvent)));
    }

    /// <summary>True when <paramref name="signed"/> carries a valid signature by the holder of <paramref name="publicKey"/>.</summary>
    public static bool Verify(SignedSupplyEvent signed, byte[] publicKey)
    {
        ArgumentNullException.ThrowIfNull(signed);
        ArgumentNullException.ThrowIfNull(publicKey);
        if (publicKey.Length != 32 || signed.Signature.Length != 64)
        {
            return false;
        }
        if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key))
        {
            return false;
        }
        return SignatureAlgorithm.Ed25519.Verify(key!, SigningPayload(signed.Event), signed.Signature);
    }
}
