using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using CivicGrid.Ledger;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Witness;
using CivicGrid.Platform.Decisions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Ledger;

/// <summary>A witness signature on a published checkpoint.</summary>
/// <param name="Name">The witness key name.</param>
/// <param name="KeyId">The witness key ID.</param>
/// <param name="Time">When the witness cosigned (tlog-cosignature timestamp), if it is a v1 cosignature.</param>
/// <param name="Verified">True if the signature verifies with a witness key this node is configured with.</param>
public sealed record CheckpointCosignature(string Name, uint KeyId, DateTimeOffset? Time, bool Verified);

/// <summary>The checkpoint a region's log serves, with its cosignatures.</summary>
public sealed record PublishedCheckpoint(string NoteText, Checkpoint Checkpoint, IReadOnlyList<CheckpointCosignature> Cosignatures)
{
    /// <summary>Cosignatures that verify with the configured witness keys.</summary>
    public int VerifiedCosignatures => Cosignatures.Count(c => c.Verified);
}

/// <summary>What one publication round did for a region.</summary>
public sealed record PublicationResult(long Size, int Cosignatures, bool Published, IReadOnlyList<string> Problems);

/// <summary>
/// Publishes region checkpoints under the k-of-n witness policy of <see cref="LedgerPublicationOptions"/>: sends
/// each new checkpoint to every configured witness (c2sp.org/tlog-witness <c>add-checkpoint</c>, with the
/// consistency proof from the size the witness last cosigned), keeps the cosignatures that verify, and writes the
/// cosigned note to the log's storage as the published checkpoint once at least k verify. Without witnesses
/// configured every signed checkpoint is published immediately by the log itself.
/// </summary>
public sealed class LedgerPublisher(
    LedgerTransparencyLogs logs, IOptions<LedgerOptions> options, IHttpClientFactory httpClients, ILogger<LedgerPublisher> logger)
{
    /// <summary>The named <see cref="HttpClient"/> used to reach witnesses.</summary>
    public const string HttpClientName = "CivicGrid.Ledger.Witnesses";

    private readonly ConcurrentDictionary<(string Region, string Witness), long> _witnessSizes = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>The verifier keys of the configured witnesses.</summary>
    public IReadOnlyList<NoteVerifierKey> WitnessKeys => [.. options.Value.Publication.Witnesses.Select((w, i) => ParseWitnessKey(w, i))];

    /// <summary>The checkpoint <paramref name="regionId"/>'s log serves, or null if none is published yet.</summary>
    public PublishedCheckpoint? GetPublished(string regionId)
    {
        var log = logs.GetLog(regionId);
        string? text = options.Value.Publication.RequiresWitnessing ? log.Storage.ReadCheckpoint() : log.LatestCheckpoint.NoteText;
        return text is null ? null : Describe(text, log.VerifierKey);
    }

    /// <summary>Parses a signed checkpoint of a log and lists its cosignatures.</summary>
    public PublishedCheckpoint Describe(string noteText, NoteVerifierKey logKey)
    {
        var signed = SignedCheckpoint.OpenForLog(Encoding.UTF8.GetBytes(noteText), logKey);
        var witnesses = WitnessKeys;
        var textBytes = Encoding.UTF8.GetBytes(signed.Note.Text);
        var cosignatures = signed.Note.UnverifiedSignatures
            .Select(s =>
            {
                var timestamp = Cosignature.Timestamp(s);
                var key = witnesses.FirstOrDefault(w => w.Name == s.Name && w.KeyId == s.KeyId);
                var verified = key is not null && NoteKeyText.TryDecodeBase64(s.Base64, out var raw) && key.Verify(textBytes, raw.AsSpan(4));
                return new CheckpointCosignature(s.Name, s.KeyId,
                    timestamp is { } t && t <= long.MaxValue ? DateTimeOffset.FromUnixTimeSeconds((long)t) : null, verified);
            })
            .ToList();
        return new PublishedCheckpoint(noteText, signed.Checkpoint, cosignatures);
    }

    /// <summary>Asks the witnesses to cosign the region's latest checkpoint and publishes it if enough do.</summary>
    public async Task<PublicationResult> PublishAsync(string regionId, CancellationToken cancellationToken)
    {
        var policy = options.Value.Publication;
        var log = logs.GetLog(regionId);
        var latest = log.LatestCheckpoint;
        if (!policy.RequiresWitnessing)
        {
            return new PublicationResult(latest.Checkpoint.Size, 0, true, []);
        }
        var gate = _gates.GetOrAdd(regionId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            latest = log.LatestCheckpoint;
            var current = GetPublished(regionId);
            if (current is not null && current.Checkpoint.Size >= latest.Checkpoint.Size)
            {
                return new PublicationResult(current.Checkpoint.Size, current.VerifiedCosignatures, true, []);
            }
            var problems = new List<string>();
            var note = new StringBuilder(latest.NoteText);
            var keys = WitnessKeys;
            for (var i = 0; i < policy.Witnesses.Count; i++)
            {
                var lines = await RequestCosignatureAsync(regionId, log, latest, policy.Witnesses[i], keys[i], problems, cancellationToken).ConfigureAwait(false);
                note.Append(lines);
            }
            var cosigned = note.ToString();
            var count = SignedCheckpoint.OpenForLog(Encoding.UTF8.GetBytes(cosigned), log.VerifierKey).CountCosignatures(keys);
            if (count < policy.RequiredCosignatures)
            {
                problems.Add($"{count} of the required {policy.RequiredCosignatures} cosignatures");
                logger.LogWarning("Checkpoint {Size} of region {RegionId} is not published: {Problems}",
                    latest.Checkpoint.Size, regionId, string.Join("; ", problems));
                return new PublicationResult(latest.Checkpoint.Size, count, false, problems);
            }
            log.Storage.PublishCheckpoint(cosigned);
            return new PublicationResult(latest.Checkpoint.Size, count, true, problems);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<string> RequestCosignatureAsync(
        string regionId, TransparencyLog log, SignedCheckpoint latest, PublicationWitnessOptions witness, NoteVerifierKey key,
        List<string> problems, CancellationToken cancellationToken)
    {
        var size = latest.Checkpoint.Size;
        var slot = (regionId, key.Encoded);
        var old = _witnessSizes.GetValueOrDefault(slot);
        using var client = httpClients.CreateClient(HttpClientName);
        client.Timeout = TimeSpan.FromMilliseconds(Math.Max(1, options.Value.Publication.RequestTimeoutMilliseconds));
        var url = new Uri(witness.Url.TrimEnd('/') + "/add-checkpoint", UriKind.Absolute);
        // One retry: a 409 tells the size the witness holds, which the next request proves consistency from.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (old > size)
            {
                problems.Add($"witness {key.Name} holds size {old}, larger than this log's {size}");
                return "";
            }
            var proof = old == 0 || old == size ? [] : log.ConsistencyProof(old, size);
            var body = new AddCheckpointRequest(old, proof, Encoding.UTF8.GetBytes(latest.NoteText)).Format();
            HttpResponseMessage response;
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "text/plain");
                response = await client.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                problems.Add($"witness {key.Name} at {url} is unreachable: {ex.Message}");
                return "";
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    _witnessSizes[slot] = size;
                    return VerifiedLines(latest, text, key, log.VerifierKey, problems);
                }
                if (response.StatusCode == HttpStatusCode.Conflict && response.Content.Headers.ContentType?.MediaType == WitnessEngine.TreeSizeContentType
                    && long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var held))
                {
                    old = held;
                    _witnessSizes[slot] = held;
                    continue;
                }
                problems.Add($"witness {key.Name} answered {(int)response.StatusCode}: {text.Trim()}");
                return "";
            }
        }
        problems.Add($"witness {key.Name} kept answering 409");
        return "";
    }

    // Only lines that are a valid cosignature by this witness go into the published note.
    private static string VerifiedLines(SignedCheckpoint latest, string body, NoteVerifierKey key, NoteVerifierKey logKey, List<string> problems)
    {
        try
        {
            var cosigned = SignedCheckpoint.OpenForLog(Encoding.UTF8.GetBytes(latest.NoteText + body), logKey);
            if (cosigned.CountCosignatures([key]) == 1)
            {
                return body;
            }
        }
        catch (Exception ex) when (ex is NoteVerificationException or LedgerFormatException)
        {
            problems.Add($"witness {key.Name} sent a malformed cosignature: {ex.Message}");
            return "";
        }
        problems.Add($"witness {key.Name} sent a cosignature that does not verify");
        return "";
    }

    private static NoteVerifierKey ParseWitnessKey(PublicationWitnessOptions witness, int index)
    {
        var key = NoteVerifierKey.TryParse(witness.VerifierKey);
        if (key is null || key.Type != NoteSignatureType.CosignatureV1)
        {
            throw new PlatformStorageException(
                $"Configuration value CivicGrid:Ledger:Publication:Witnesses:{index}:VerifierKey is not a cosignature (type 0x04) verifier key.");
        }
        if (!Uri.TryCreate(witness.Url, UriKind.Absolute, out _))
        {
            throw new PlatformStorageException($"Configuration value CivicGrid:Ledger:Publication:Witnesses:{index}:Url must be an absolute URL.");
        }
        return key;
    }
}
