namespace CivicGrid.Platform.Decisions;

/// <summary>The result of appending one entry to a region's transparency log.</summary>
/// <param name="Index">Zero-based position of the entry in the region's log.</param>
/// <param name="Receipt">Self-contained proof text: the signed checkpoint and the inclusion proof.</param>
public sealed record TransparencyLogAppend(long Index, string Receipt);

/// <summary>
/// One append-only transparency log per region. The decision log depends only on this, so the log
/// engine can be swapped without touching callers.
/// </summary>
public interface ITransparencyLogs
{
    /// <summary>Serialises a JSON tree the way the log requires (RFC 8785 canonical JSON, UTF-8).</summary>
    byte[] Canonicalize(System.Text.Json.Nodes.JsonNode node);

    /// <summary>Appends <paramref name="entry"/> durably to <paramref name="regionId"/>'s log and returns its receipt.</summary>
    Task<TransparencyLogAppend> AppendAsync(string regionId, ReadOnlyMemory<byte> entry, CancellationToken cancellationToken);

    /// <summary>The public key (signed-note verifier key text) that verifies <paramref name="regionId"/>'s checkpoints.</summary>
    string GetVerifierKey(string regionId);
}
