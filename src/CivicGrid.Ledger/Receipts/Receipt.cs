using System.Globalization;
using System.Text;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Notes;

namespace CivicGrid.Ledger.Receipts;

/// <summary>Result of checking a receipt offline.</summary>
public sealed record ReceiptVerification(bool IsValid, string Reason, Checkpoint? Checkpoint, int Cosignatures);

/// <summary>
/// An offline receipt: one text file holding an entry, its inclusion proof and the signed checkpoint it is
/// proven against, verifiable with nothing but the log's verifier key.
/// <code>
/// civicgrid.receipt/v1
/// index 41
/// entry &lt;base64 of the entry&gt;
/// &lt;base64 proof hash, one per line, leaf upwards&gt;
///
/// &lt;signed checkpoint note, verbatim, with any cosignatures&gt;
/// </code>
/// </summary>
public sealed record Receipt(long Index, byte[] Entry, IReadOnlyList<byte[]> Proof, string SignedCheckpoint)
{
    private const string Header = "civicgrid.receipt/v1";

    public string Format()
    {
        var sb = new StringBuilder()
            .Append(Header).Append('\n')
            .Append("index ").Append(Index.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("entry ").Append(Convert.ToBase64String(Entry)).Append('\n');
        foreach (var p in Proof)
        {
            sb.Append(Convert.ToBase64String(p)).Append('\n');
        }
        return sb.Append('\n').Append(SignedCheckpoint).ToString();
    }

    /// <summary>Parses the receipt text; throws <see cref="LedgerFormatException"/> naming the line.</summary>
    public static Receipt Parse(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0)
        {
            throw new LedgerFormatException("no blank line before the checkpoint", source);
        }
        var lines = text[..blank].Split('\n');
        if (lines[0] != Header)
        {
            throw new LedgerFormatException($"first line must be '{Header}'", source, 1, 1);
        }
        if (lines.Length < 3 || !lines[1].StartsWith("index ", StringComparison.Ordinal) || !Checkpoint.TryParseSize(lines[1][6..], out var index))
        {
            throw new LedgerFormatException("second line must be 'index <decimal>'", source, 2, 1);
        }
        if (!lines[2].StartsWith("entry ", StringComparison.Ordinal))
        {
            throw new LedgerFormatException("third line must be 'entry <base64>'", source, 3, 1);
        }
        byte[] entry;
        if (lines[2].Length == 6)
        {
            entry = [];
        }
        else if (!NoteKeyText.TryDecodeBase64(lines[2][6..], out entry))
        {
            throw new LedgerFormatException("entry is not base64", source, 3, 7);
        }
        var proof = new List<byte[]>();
        for (var i = 3; i < lines.Length; i++)
        {
            if (!NoteKeyText.TryDecodeBase64(lines[i], out var h) || h.Length != MerkleHash.Size)
            {
                throw new LedgerFormatException("proof line must be base64 of a 32-byte hash", source, i + 1, 1);
            }
            proof.Add(h);
        }
        return new Receipt(index, entry, proof, text[(blank + 2)..]);
    }

    /// <summary>
    /// Verifies the receipt offline: the checkpoint is signed by <paramref name="logKey"/>, at least
    /// <paramref name="requiredCosignatures"/> of <paramref name="witnesses"/> cosigned it, and the entry is included.
    /// </summary>
    public ReceiptVerification Verify(NoteVerifierKey logKey, IReadOnlyList<NoteVerifierKey>? witnesses = null, int requiredCosignatures = 0)
    {
        ArgumentNullException.ThrowIfNull(logKey);
        SignedCheckpoint cp;
        try
        {
            cp = Notes.SignedCheckpoint.OpenForLog(Encoding.UTF8.GetBytes(SignedCheckpoint), logKey);
        }
        catch (Exception ex) when (ex is NoteVerificationException or LedgerFormatException)
        {
            return new ReceiptVerification(false, "checkpoint: " + ex.Message, null, 0);
        }
        var cosigned = witnesses is null ? 0 : cp.CountCosignatures(witnesses);
        if (cosigned < requiredCosignatures)
        {
            return new ReceiptVerification(false, $"{cosigned} of the required {requiredCosignatures} cosignatures", cp.Checkpoint, cosigned);
        }
        var ok = ProofVerifier.VerifyInclusion(Index, cp.Checkpoint.Size, MerkleHash.Leaf(Entry), Proof, cp.Checkpoint.RootHash);
        return ok
            ? new ReceiptVerification(true, "entry is included in the signed checkpoint", cp.Checkpoint, cosigned)
            : new ReceiptVerification(false, "inclusion proof does not lead to the checkpoint root", cp.Checkpoint, cosigned);
    }
}
