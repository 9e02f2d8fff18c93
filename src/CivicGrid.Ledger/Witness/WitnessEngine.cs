using System.Globalization;
using System.Text;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Notes;

namespace CivicGrid.Ledger.Witness;

/// <summary>An HTTP answer without the HTTP: status code, content type and body.</summary>
public sealed record WitnessResponse(int Status, string ContentType, byte[] Body)
{
    /// <summary>The body as text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    internal static WitnessResponse Text(int status, string message) =>
        new(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message + "\n"));
}

/// <summary>A parsed <c>add-checkpoint</c> request body.</summary>
public sealed record AddCheckpointRequest(long OldSize, IReadOnlyList<byte[]> ConsistencyProof, byte[] Checkpoint)
{
    /// <summary>Most proof lines a request may carry.</summary>
    public const int MaxProofLines = 63;

    /// <summary>Formats a request body: <c>old N</c>, proof lines, a blank line, the signed checkpoint.</summary>
    public string Format()
    {
        var sb = new StringBuilder("old ").Append(OldSize.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var p in ConsistencyProof)
        {
            sb.Append(Convert.ToBase64String(p)).Append('\n');
        }
        return sb.Append('\n').Append(Encoding.UTF8.GetString(Checkpoint)).ToString();
    }

    /// <summary>Parses a body; throws <see cref="LedgerFormatException"/> naming the line.</summary>
    public static AddCheckpointRequest Parse(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body);
        var position = 0;
        string NextLine(int number)
        {
            var end = text.IndexOf('\n', position);
            if (end < 0)
            {
                throw new LedgerFormatException("line does not end in a newline", "add-checkpoint", number);
            }
            var line = text[position..end];
            position = end + 1;
            return line;
        }
        var first = NextLine(1);
        if (!first.StartsWith("old ", StringComparison.Ordinal) || !Notes.Checkpoint.TryParseSize(first[4..], out var oldSize))
        {
            throw new LedgerFormatException("first line must be 'old <size>' without leading zeros", "add-checkpoint", 1, 1);
        }
        var proof = new List<byte[]>();
        for (var number = 2; ; number++)
        {
            var line = NextLine(number);
            if (line.Length == 0)
            {
                break;
            }
            if (proof.Count == MaxProofLines)
            {
                throw new LedgerFormatException($"more than {MaxProofLines} consistency proof lines", "add-checkpoint", number);
            }
            if (!NoteKeyText.TryDecodeBase64(line, out var hash) || hash.Length != MerkleHash.Size)
            {
                throw new LedgerFormatException("proof line must be base64 of a 32-byte hash", "add-checkpoint", number, 1);
            }
            proof.Add(hash);
        }
        return new AddCheckpointRequest(oldSize, proof, Encoding.UTF8.GetBytes(text[position..]));
    }
}

/// <summary>
/// The logic of a c2sp.org/tlog-witness: checks a submitted checkpoint against the logs it trusts and its
/// record of each log, and cosigns (tlog-cosignature v1) if the log has only grown. Host it at
/// <c>POST &lt;prefix&gt;/add-checkpoint</c> by passing the body to <see cref="AddCheckpoint"/> and returning the response as is.
/// </summary>
public sealed class WitnessEngine
{
    /// <summary>Content type of a 409 answer: the size the witness holds, in decimal.</summary>
    public const string TreeSizeContentType = "text/x.tlog.size";

    private readonly NoteSigner _cosigner;
    private readonly IWitnessStateStore _state;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, List<NoteVerifierKey>> _logs = new(StringComparer.Ordinal);

    public WitnessEngine(NoteSigner cosigner, IWitnessStateStore state, TimeProvider time, IEnumerable<NoteVerifierKey> trustedLogKeys)
    {
        ArgumentNullException.ThrowIfNull(cosigner);
        ArgumentNullException.ThrowIfNull(trustedLogKeys);
        if (cosigner.Type != NoteSignatureType.CosignatureV1)
        {
            throw new ArgumentException("a witness signs with a cosignature (type 0x04) key", nameof(cosigner));
        }
        _cosigner = cosigner;
        _state = state ?? throw new ArgumentNullException(nameof(state));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        foreach (var key in trustedLogKeys)
        {
            // A log's origin is its key name (tlog-checkpoint convention).
            if (!_logs.TryGetValue(key.Name, out var list))
            {
                _logs[key.Name] = list = [];
            }
            list.Add(key);
        }
    }

    /// <summary>The witness's public cosigner key.</summary>
    public NoteVerifierKey VerifierKey => _cosigner.VerifierKey;

    /// <summary>Handles one <c>add-checkpoint</c> body and returns the answer the spec requires.</summary>
    public WitnessResponse AddCheckpoint(ReadOnlySpan<byte> body)
    {
        AddCheckpointRequest request;
        Checkpoint checkpoint;
        try
        {
            request = AddCheckpointRequest.Parse(body);
            checkpoint = Checkpoint.Parse(SignedNote.Parse(request.Checkpoint).Text, "checkpoint");
        }
        catch (LedgerFormatException ex)
        {
            return WitnessResponse.Text(400, ex.Message);
        }
        catch (NoteVerificationException ex)
        {
            return WitnessResponse.Text(400, ex.Message);
        }
        if (!_logs.TryGetValue(checkpoint.Origin, out var keys))
        {
            return WitnessResponse.Text(404, "unknown log origin");
        }
        try
        {
            SignedNote.Open(request.Checkpoint, new NoteVerifierList(keys.Cast<INoteVerifier>()));
        }
        catch (NoteVerificationException ex) when (ex.Error != NoteError.Malformed)
        {
            return WitnessResponse.Text(403, ex.Message);
        }
        if (request.OldSize > checkpoint.Size)
        {
            return WitnessResponse.Text(400, "old size is larger than the checkpoint size");
        }
        var known = _state.Get(checkpoint.Origin);
        var knownSize = known?.Size ?? 0;
        if (request.OldSize != knownSize)
        {
            return Conflict(knownSize);
        }
        if (request.OldSize == 0 || request.OldSize == checkpoint.Size)
        {
            if (request.ConsistencyProof.Count != 0)
            {
                return WitnessResponse.Text(422, "the consistency proof must be empty");
            }
            if (request.OldSize == checkpoint.Size && request.OldSize != 0 && !known!.RootHash.AsSpan().SequenceEqual(checkpoint.RootHash))
            {
                return WitnessResponse.Text(409, "same size, different root hash");
            }
        }
        else if (!ProofVerifier.VerifyConsistency(request.OldSize, checkpoint.Size, known!.RootHash, checkpoint.RootHash, request.ConsistencyProof))
        {
            return WitnessResponse.Text(422, "consistency proof does not verify");
        }
        if (!_state.TryAdvance(checkpoint.Origin, knownSize, new WitnessedTree(checkpoint.Size, checkpoint.RootHash)))
        {
            return Conflict(_state.Get(checkpoint.Origin)?.Size ?? 0);
        }
        var timestamp = (ulong)_time.GetUtcNow().ToUnixTimeSeconds();
        var signature = _cosigner.Sign(Encoding.UTF8.GetBytes(checkpoint.ToText()), timestamp);
        return new WitnessResponse(200, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(signature.ToLine()));
    }

    private static WitnessResponse Conflict(long size) =>
        new(409, TreeSizeContentType, Encoding.ASCII.GetBytes(size.ToString(CultureInfo.InvariantCulture) + "\n"));

    /// <summary>Adds the cosignature lines of a 200 answer to a signed checkpoint note.</summary>
    public static string AppendCosignatures(string signedCheckpoint, string responseBody)
    {
        ArgumentNullException.ThrowIfNull(signedCheckpoint);
        ArgumentNullException.ThrowIfNull(responseBody);
        if (!signedCheckpoint.EndsWith('\n') || (responseBody.Length > 0 && !responseBody.EndsWith('\n')))
        {
            throw new LedgerFormatException("checkpoint and cosignatures must end in a newline");
        }
        return signedCheckpoint + responseBody;
    }
}
