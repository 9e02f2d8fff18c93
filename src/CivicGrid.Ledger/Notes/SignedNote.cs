using System.Buffers.Binary;
using System.Text;

namespace CivicGrid.Ledger.Notes;

/// <summary>One signature line of a note: <c>— name base64(keyID || signature)</c>.</summary>
public sealed record NoteSignature(string Name, uint KeyId, string Base64)
{
    /// <summary>The line as it appears in a note, with its final newline.</summary>
    public string ToLine() => "\u2014 " + Name + " " + Base64 + "\n";
}

/// <summary>Why a note was refused.</summary>
public enum NoteError
{
    /// <summary>The bytes are not a well-formed signed note.</summary>
    Malformed,

    /// <summary>No signature from a known key.</summary>
    Unverified,

    /// <summary>A signature from a known key failed.</summary>
    InvalidSignature,

    /// <summary>Two known verifiers share the name and key ID of a signature.</summary>
    AmbiguousKey,
}

/// <summary>A note was refused: malformed, unverified, carrying a bad signature, or ambiguous.</summary>
public sealed class NoteVerificationException : Exception
{
    public NoteVerificationException(NoteError error, string message, SignedNote? note = null)
        : base(message)
    {
        Error = error;
        Note = note;
    }

    public NoteVerificationException()
        : this(NoteError.Malformed, "malformed note")
    {
    }

    public NoteVerificationException(string message)
        : this(NoteError.Malformed, message)
    {
    }

    public NoteVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public NoteError Error { get; }

    /// <summary>For <see cref="NoteError.Unverified"/>: the parsed note with all its signatures unverified.</summary>
    public SignedNote? Note { get; }
}

/// <summary>A set of trusted verifiers, looked up by (name, key ID). Duplicates make a lookup ambiguous.</summary>
public sealed class NoteVerifierList
{
    private readonly Dictionary<(string, uint), List<INoteVerifier>> _byKey = [];

    public NoteVerifierList(params IEnumerable<INoteVerifier> verifiers)
    {
        ArgumentNullException.ThrowIfNull(verifiers);
        foreach (var v in verifiers)
        {
            if (!_byKey.TryGetValue((v.Name, v.KeyId), out var list))
            {
                _byKey[(v.Name, v.KeyId)] = list = [];
            }
            list.Add(v);
        }
    }

    /// <summary>The verifier for (name, id), null if unknown; throws if ambiguous.</summary>
    public INoteVerifier? Find(string name, uint keyId)
    {
        if (!_byKey.TryGetValue((name, keyId), out var list))
        {
            return null;
        }
        if (list.Count > 1)
        {
            throw new NoteVerificationException(NoteError.AmbiguousKey, $"ambiguous key {name}+{keyId:x8}");
        }
        return list[0];
    }
}

/// <summary>
/// A C2SP signed note: text (ending in a newline), a blank line, then signature lines.
/// <see cref="Open"/> follows the rules of c2sp.org/signed-note and golang.org/x/mod/sumdb/note.
/// </summary>
public sealed class SignedNote
{
    /// <summary>Most signatures accepted in one note (the spec requires at least 16; Go's limit is 100).</summary>
    public const int MaxSignatures = 100;

    private SignedNote(string text, IReadOnlyList<NoteSignature> verified, IReadOnlyList<NoteSignature> unverified)
    {
        Text = text;
        Signatures = verified;
        UnverifiedSignatures = unverified;
    }

    /// <summary>The signed text, including its final newline.</summary>
    public string Text { get; }

    /// <summary>Signatures verified by a known key, in note order, without duplicates.</summary>
    public IReadOnlyList<NoteSignature> Signatures { get; }

    /// <summary>Signatures from unknown keys, not verified.</summary>
    public IReadOnlyList<NoteSignature> UnverifiedSignatures { get; }

    /// <summary>Formats a note from text and signature lines.</summary>
    public static string Format(string text, IEnumerable<NoteSignature> signatures)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(signatures);
        if (text.Length == 0 || text[^1] != '\n')
        {
            throw new LedgerFormatException("note text must end in a newline");
        }
        var sb = new StringBuilder(text).Append('\n');
        foreach (var s in signatures)
        {
            sb.Append(s.ToLine());
        }
        return sb.ToString();
    }

    /// <summary>Signs <paramref name="text"/> with each signer and formats the note.</summary>
    public static string Sign(string text, params IEnumerable<NoteSigner> signers)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return Format(text, signers.Select(s => s.Sign(bytes)));
    }

    /// <summary>Opens and verifies a note. Throws <see cref="NoteVerificationException"/> when it must be refused.</summary>
    public static SignedNote Open(ReadOnlySpan<byte> message, NoteVerifierList known)
    {
        ArgumentNullException.ThrowIfNull(known);
        var (text, lines) = Split(message);
        var textBytes = Encoding.UTF8.GetBytes(text);
        var verified = new List<NoteSignature>();
        var unverified = new List<NoteSignature>();
        var seen = new HashSet<(string, uint)>();
        var seenUnverified = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (signature, raw) in lines)
        {
            var verifier = known.Find(signature.Name, signature.KeyId);
            if (verifier is null)
            {
                if (seenUnverified.Add(signature.Name + " " + signature.Base64))
                {
                    unverified.Add(signature);
                }
                continue;
            }
            if (!seen.Add((signature.Name, signature.KeyId)))
            {
                continue;
            }
            if (!verifier.Verify(textBytes, raw.AsSpan(4)))
            {
                throw new NoteVerificationException(NoteError.InvalidSignature, $"invalid signature for key {signature.Name}+{signature.KeyId:x8}");
            }
            verified.Add(signature);
        }
        var note = new SignedNote(text, verified, unverified);
        if (verified.Count == 0)
        {
            throw new NoteVerificationException(NoteError.Unverified, "note has no verifiable signatures", note);
        }
        return note;
    }

    /// <summary>Parses a note without verifying anything: every signature is listed as unverified.</summary>
    public static SignedNote Parse(ReadOnlySpan<byte> message)
    {
        var (text, lines) = Split(message);
        return new SignedNote(text, [], [.. lines.Select(l => l.Signature)]);
    }

    private static (string Text, List<(NoteSignature Signature, byte[] Raw)> Lines) Split(ReadOnlySpan<byte> message)
    {
        string all;
        try
        {
            all = new UTF8Encoding(false, true).GetString(message);
        }
        catch (DecoderFallbackException)
        {
            throw Malformed("not valid UTF-8");
        }
        foreach (var c in all)
        {
            if (c < 0x20 && c != '\n')
            {
                throw Malformed($"control character U+{(int)c:X4} (only newline is allowed)");
            }
        }
        var split = all.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw Malformed("no blank line before the signatures");
        }
        var text = all[..(split + 1)];
        var sigs = all[(split + 2)..];
        if (sigs.Length == 0 || sigs[^1] != '\n')
        {
            throw Malformed("signature block must be non-empty and end in a newline");
        }
        var result = new List<(NoteSignature, byte[])>();
        foreach (var line in sigs[..^1].Split('\n'))
        {
            if (!line.StartsWith("\u2014 ", StringComparison.Ordinal))
            {
                throw Malformed("signature line must start with an em dash and a space");
            }
            var body = line[2..];
            var space = body.IndexOf(' ', StringComparison.Ordinal);
            var name = space < 0 ? body : body[..space];
            var b64 = space < 0 ? string.Empty : body[(space + 1)..];
            if (!NoteKeyText.IsValidName(name) || !NoteKeyText.TryDecodeBase64(b64, out var raw) || raw.Length < 5)
            {
                throw Malformed("signature line has a bad key name or base64 signature");
            }
            if (result.Count == MaxSignatures)
            {
                throw Malformed($"more than {MaxSignatures} signatures");
            }
            result.Add((new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(raw), b64), raw));
        }
        return (text, result);
    }

    private static NoteVerificationException Malformed(string detail) =>
        new(NoteError.Malformed, "malformed note: " + detail);
}
