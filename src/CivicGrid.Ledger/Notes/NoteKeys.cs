using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace CivicGrid.Ledger.Notes;

/// <summary>Signature type bytes assigned by C2SP signed-note.</summary>
public static class NoteSignatureType
{
    /// <summary>Ed25519 over the note text.</summary>
    public const byte Ed25519 = 0x01;

    /// <summary>Timestamped Ed25519 witness cosignature (c2sp.org/tlog-cosignature v1).</summary>
    public const byte CosignatureV1 = 0x04;
}

/// <summary>Something that can check one signature on a note: identified by key name and 32-bit key ID.</summary>
public interface INoteVerifier
{
    string Name { get; }

    uint KeyId { get; }

    /// <summary>Checks <paramref name="signature"/> (the bytes after the key ID) over the note text.</summary>
    bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature);
}

/// <summary>Key names, key IDs and strict base64, shared by all note keys.</summary>
public static class NoteKeyText
{
    /// <summary>Key names are non-empty, valid UTF-8, without Unicode spaces or '+'.</summary>
    public static bool IsValidName(string name) =>
        !string.IsNullOrEmpty(name) && !name.Contains('+', StringComparison.Ordinal) && !name.Any(char.IsWhiteSpace)
        && IsWellFormedUtf16(name);

    private static bool IsWellFormedUtf16(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))
                {
                    return false;
                }
                i++;
            }
            else if (char.IsLowSurrogate(s[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>key ID = SHA-256(name || 0x0A || type || public key)[:4], big-endian.</summary>
    public static uint KeyId(string name, byte type, ReadOnlySpan<byte> publicKey)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(buffer, 0);
        buffer[nameBytes.Length] = 0x0A;
        buffer[nameBytes.Length + 1] = type;
        publicKey.CopyTo(buffer.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(buffer));
    }

    /// <summary>Standard base64 without whitespace (the .NET decoder would otherwise skip it).</summary>
    public static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 != 0)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/' || c == '='))
            {
                return false;
            }
        }
        try
        {
            bytes = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Parses exactly eight hex digits.</summary>
    public static bool TryParseKeyId(string hex, out uint id) =>
        uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id) && hex.Length == 8;

    internal static string FormatKeyId(uint id) => id.ToString("x8", CultureInfo.InvariantCulture);
}

/// <summary>
/// A verifier key string <c>name+hex8+base64(type || public key)</c> for Ed25519 (type 0x01) or
/// tlog-cosignature v1 (type 0x04). Splits on the first two '+' only: the base64 part may contain '+'.
/// </summary>
public sealed class NoteVerifierKey : INoteVerifier
{
    private readonly PublicKey _key;

    private NoteVerifierKey(string name, uint keyId, byte type, byte[] publicKey)
    {
        Name = name;
        KeyId = keyId;
        Type = type;
        PublicKeyBytes = publicKey;
        _key = PublicKey.Import(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey);
    }

    public string Name { get; }

    public uint KeyId { get; }

    /// <summary>Signature type byte: <see cref="NoteSignatureType.Ed25519"/> or <see cref="NoteSignatureType.CosignatureV1"/>.</summary>
    public byte Type { get; }

    /// <summary>The raw 32-byte Ed25519 public key.</summary>
    public byte[] PublicKeyBytes { get; }

    /// <summary>The verifier key string.</summary>
    public string Encoded => Name + "+" + NoteKeyText.FormatKeyId(KeyId) + "+" + Convert.ToBase64String([Type, .. PublicKeyBytes]);

    /// <summary>Builds a key from a name and raw public key.</summary>
    public static NoteVerifierKey FromPublicKey(string name, byte type, byte[] publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (!NoteKeyText.IsValidName(name) || publicKey.Length != 32 || (type != NoteSignatureType.Ed25519 && type != NoteSignatureType.CosignatureV1))
        {
            throw new LedgerFormatException("invalid verifier key: bad name, key length or type");
        }
        return new NoteVerifierKey(name, NoteKeyText.KeyId(name, type, publicKey), type, publicKey);
    }

    /// <summary>Parses a verifier key string; throws <see cref="LedgerFormatException"/> with the reason.</summary>
    public static NoteVerifierKey Parse(string vkey)
    {
        ArgumentNullException.ThrowIfNull(vkey);
        var first = vkey.IndexOf('+', StringComparison.Ordinal);
        var second = first < 0 ? -1 : vkey.IndexOf('+', first + 1);
        if (second < 0)
        {
            throw new LedgerFormatException("verifier key must be name+hex8+base64", "verifier key");
        }
        var name = vkey[..first];
        var hex = vkey[(first + 1)..second];
        var b64 = vkey[(second + 1)..];
        if (!NoteKeyText.IsValidName(name))
        {
            throw new LedgerFormatException("invalid key name", "verifier key", 1, 1);
        }
        if (!NoteKeyText.TryParseKeyId(hex, out var id))
        {
            throw new LedgerFormatException("key ID must be eight hex digits", "verifier key", 1, first + 2);
        }
        if (!NoteKeyText.TryDecodeBase64(b64, out var key) || key.Length != 33)
        {
            throw new LedgerFormatException("key must be base64 of a type byte and a 32-byte Ed25519 key", "verifier key", 1, second + 2);
        }
        if (key[0] != NoteSignatureType.Ed25519 && key[0] != NoteSignatureType.CosignatureV1)
        {
            throw new LedgerFormatException($"unsupported signature type 0x{key[0]:x2}", "verifier key", 1, second + 2);
        }
        var pub = key[1..];
        if (NoteKeyText.KeyId(name, key[0], pub) != id)
        {
            throw new LedgerFormatException("key ID does not match the name and public key", "verifier key", 1, first + 2);
        }
        return new NoteVerifierKey(name, id, key[0], pub);
    }

    /// <summary>Parses, returning null instead of throwing.</summary>
    public static NoteVerifierKey? TryParse(string vkey)
    {
        try
        {
            return Parse(vkey);
        }
        catch (LedgerFormatException)
        {
            return null;
        }
    }

    public bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature)
    {
        if (Type == NoteSignatureType.Ed25519)
        {
            return signature.Length == 64 && SignatureAlgorithm.Ed25519.Verify(_key, text, signature);
        }
        // tlog-cosignature v1: u64 timestamp || Ed25519("cosignature/v1\ntime <t>\n" || text).
        if (signature.Length != 72)
        {
            return false;
        }
        var timestamp = BinaryPrimitives.ReadUInt64BigEndian(signature);
        if (timestamp > long.MaxValue)
        {
            return false;
        }
        var message = Cosignature.SignedMessage(timestamp, text);
        return SignatureAlgorithm.Ed25519.Verify(_key, message, signature[8..]);
    }

    public override string ToString() => Encoded;
}

/// <summary>
/// An Ed25519 note signer (type 0x01) or cosigner (type 0x04). The private key text is
/// <c>PRIVATE+KEY+name+hex8+base64(type || 32-byte seed)</c>, as in golang.org/x/mod/sumdb/note.
/// </summary>
public sealed class NoteSigner : IDisposable
{
    private readonly Key _key;

    private NoteSigner(string name, byte type, Key key)
    {
        Name = name;
        Type = type;
        _key = key;
        PublicKeyBytes = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        KeyId = NoteKeyText.KeyId(name, type, PublicKeyBytes);
    }

    public string Name { get; }

    public byte Type { get; }

    public uint KeyId { get; }

    public byte[] PublicKeyBytes { get; }

    /// <summary>The matching verifier key.</summary>
    public NoteVerifierKey VerifierKey => NoteVerifierKey.FromPublicKey(Name, Type, PublicKeyBytes);

    /// <summary>Creates a fresh random key.</summary>
    public static NoteSigner Generate(string name, byte type = NoteSignatureType.Ed25519)
    {
        if (!NoteKeyText.IsValidName(name))
        {
            throw new LedgerFormatException("invalid key name", "signer key");
        }
        var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new NoteSigner(name, type, key);
    }

    /// <summary>Builds a signer from a 32-byte Ed25519 seed.</summary>
    public static NoteSigner FromSeed(string name, byte type, ReadOnlySpan<byte> seed)
    {
        if (!NoteKeyText.IsValidName(name) || seed.Length != 32)
        {
            throw new LedgerFormatException("invalid key name or seed length", "signer key");
        }
        var key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new NoteSigner(name, type, key);
    }

    /// <summary>Parses <c>PRIVATE+KEY+name+hex8+base64</c>.</summary>
    public static NoteSigner Parse(string skey)
    {
        ArgumentNullException.ThrowIfNull(skey);
        const string prefix = "PRIVATE+KEY+";
        if (!skey.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new LedgerFormatException("signer key must start with PRIVATE+KEY+", "signer key");
        }
        var rest = skey[prefix.Length..];
        var first = rest.IndexOf('+', StringComparison.Ordinal);
        var second = first < 0 ? -1 : rest.IndexOf('+', first + 1);
        if (second < 0)
        {
            throw new LedgerFormatException("signer key must be PRIVATE+KEY+name+hex8+base64", "signer key");
        }
        var name = rest[..first];
        if (!NoteKeyText.IsValidName(name) || !NoteKeyText.TryParseKeyId(rest[(first + 1)..second], out var id)
            || !NoteKeyText.TryDecodeBase64(rest[(second + 1)..], out var key) || key.Length != 33
            || (key[0] != NoteSignatureType.Ed25519 && key[0] != NoteSignatureType.CosignatureV1))
        {
            throw new LedgerFormatException("malformed signer key", "signer key");
        }
        var signer = FromSeed(name, key[0], key.AsSpan(1));
        if (signer.KeyId != id)
        {
            signer.Dispose();
            throw new LedgerFormatException("key ID does not match the name and key", "signer key");
        }
        return signer;
    }

    /// <summary>The private key text (keep it secret).</summary>
    public string EncodePrivate()
    {
        var seed = _key.Export(KeyBlobFormat.RawPrivateKey);
        return "PRIVATE+KEY+" + Name + "+" + NoteKeyText.FormatKeyId(KeyId) + "+" + Convert.ToBase64String([Type, .. seed]);
    }

    /// <summary>The raw signature bytes (after the key ID) for <paramref name="text"/>.</summary>
    public byte[] SignRaw(ReadOnlySpan<byte> text, ulong timestamp = 0)
    {
        if (Type == NoteSignatureType.Ed25519)
        {
            return SignatureAlgorithm.Ed25519.Sign(_key, text);
        }
        var result = new byte[72];
        BinaryPrimitives.WriteUInt64BigEndian(result, timestamp);
        SignatureAlgorithm.Ed25519.Sign(_key, Cosignature.SignedMessage(timestamp, text)).CopyTo(result, 8);
        return result;
    }

    /// <summary>A complete signature (name, key ID and base64) over <paramref name="text"/>.</summary>
    public NoteSignature Sign(ReadOnlySpan<byte> text, ulong timestamp = 0)
    {
        var raw = SignRaw(text, timestamp);
        var full = new byte[4 + raw.Length];
        BinaryPrimitives.WriteUInt32BigEndian(full, KeyId);
        raw.CopyTo(full, 4);
        return new NoteSignature(Name, KeyId, Convert.ToBase64String(full));
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>tlog-cosignature v1 signed message.</summary>
public static class Cosignature
{
    /// <summary>"cosignature/v1\ntime &lt;t&gt;\n" followed by the checkpoint note text.</summary>
    public static byte[] SignedMessage(ulong timestamp, ReadOnlySpan<byte> checkpointText)
    {
        var header = Encoding.ASCII.GetBytes("cosignature/v1\ntime " + timestamp.ToString(CultureInfo.InvariantCulture) + "\n");
        var message = new byte[header.Length + checkpointText.Length];
        header.CopyTo(message, 0);
        checkpointText.CopyTo(message.AsSpan(header.Length));
        return message;
    }

    /// <summary>The timestamp inside a cosignature's base64, or null if it is not a v1 cosignature.</summary>
    public static ulong? Timestamp(NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return NoteKeyText.TryDecodeBase64(signature.Base64, out var raw) && raw.Length == 4 + 72
            ? BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(4))
            : null;
    }
}
