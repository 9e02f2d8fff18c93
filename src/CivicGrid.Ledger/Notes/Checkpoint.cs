using System.Globalization;
using System.Text;
using CivicGrid.Ledger.Merkle;

namespace CivicGrid.Ledger.Notes;

/// <summary>
/// A c2sp.org/tlog-checkpoint body: origin line, decimal tree size, base64 root hash, optional extension lines.
/// </summary>
public sealed record Checkpoint
{
    public Checkpoint(string origin, long size, byte[] rootHash, IReadOnlyList<string>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(rootHash);
        if (origin.Length == 0 || origin.Contains('\n', StringComparison.Ordinal))
        {
            throw new LedgerFormatException("checkpoint origin must be one non-empty line");
        }
        if (size < 0 || rootHash.Length != MerkleHash.Size)
        {
            throw new LedgerFormatException("checkpoint size must be ≥ 0 and the root 32 bytes");
        }
        Origin = origin;
        Size = size;
        RootHash = rootHash;
        Extensions = extensions ?? [];
    }

    public string Origin { get; }

    public long Size { get; }

    public byte[] RootHash { get; }

    public IReadOnlyList<string> Extensions { get; }

    /// <summary>The note text of the checkpoint (what is signed).</summary>
    public string ToText()
    {
        var sb = new StringBuilder()
            .Append(Origin).Append('\n')
            .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Convert.ToBase64String(RootHash)).Append('\n');
        foreach (var e in Extensions)
        {
            sb.Append(e).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Parses a checkpoint body (the note text, ending in a newline).</summary>
    public static Checkpoint Parse(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text[^1] != '\n')
        {
            throw new LedgerFormatException("checkpoint must end in a newline", source);
        }
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            throw new LedgerFormatException("checkpoint needs origin, size and root hash lines", source, lines.Length + 1);
        }
        if (lines[0].Length == 0)
        {
            throw new LedgerFormatException("empty origin line", source, 1);
        }
        if (!TryParseSize(lines[1], out var size))
        {
            throw new LedgerFormatException("tree size must be a decimal without leading zeros", source, 2, 1);
        }
        if (!NoteKeyText.TryDecodeBase64(lines[2], out var root) || root.Length != MerkleHash.Size)
        {
            throw new LedgerFormatException("root hash must be base64 of 32 bytes", source, 3, 1);
        }
        for (var i = 3; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                throw new LedgerFormatException("empty extension line", source, i + 1);
            }
        }
        return new Checkpoint(lines[0], size, root, lines[3..]);
    }

    internal static bool TryParseSize(string text, out long size)
    {
        size = 0;
        if (text.Length == 0 || text.Length > 19 || (text.Length > 1 && text[0] == '0') || !text.All(char.IsAsciiDigit))
        {
            return false;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }
}

/// <summary>A checkpoint together with the signed note it came from.</summary>
public sealed record SignedCheckpoint(Checkpoint Checkpoint, SignedNote Note, string NoteText)
{
    /// <summary>Verifies the note against the log's key(s) (and any witness keys), then parses the checkpoint.</summary>
    public static SignedCheckpoint Open(ReadOnlySpan<byte> message, NoteVerifierList known, string? source = null)
    {
        var note = SignedNote.Open(message, known);
        var checkpoint = Checkpoint.Parse(note.Text, source);
        return new SignedCheckpoint(checkpoint, note, Encoding.UTF8.GetString(message));
    }

    /// <summary>Opens a checkpoint that must be signed by <paramref name="logKey"/> and whose origin is the key name.</summary>
    public static SignedCheckpoint OpenForLog(ReadOnlySpan<byte> message, NoteVerifierKey logKey, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(logKey);
        var opened = Open(message, new NoteVerifierList(logKey), source);
        if (!opened.Note.Signatures.Any(s => s.Name == logKey.Name && s.KeyId == logKey.KeyId))
        {
            throw new NoteVerificationException(NoteError.Unverified, "checkpoint is not signed by the log key");
        }
        return opened;
    }

    /// <summary>Signs a checkpoint with the log key and formats it.</summary>
    public static string Sign(Checkpoint checkpoint, NoteSigner signer)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return SignedNote.Sign(checkpoint.ToText(), signer);
    }

    /// <summary>Counts valid cosignatures from <paramref name="witnesses"/> on this note (k-of-n policies).</summary>
    public int CountCosignatures(IEnumerable<NoteVerifierKey> witnesses)
    {
        ArgumentNullException.ThrowIfNull(witnesses);
        var text = Encoding.UTF8.GetBytes(Note.Text);
        var all = Note.Signatures.Concat(Note.UnverifiedSignatures).ToList();
        var count = 0;
        foreach (var w in witnesses.Where(w => w.Type == NoteSignatureType.CosignatureV1).DistinctBy(w => (w.Name, w.KeyId)))
        {
            var sig = all.FirstOrDefault(s => s.Name == w.Name && s.KeyId == w.KeyId);
            if (sig is not null && NoteKeyText.TryDecodeBase64(sig.Base64, out var raw) && w.Verify(text, raw.AsSpan(4)))
            {
                count++;
            }
        }
        return count;
    }
}
