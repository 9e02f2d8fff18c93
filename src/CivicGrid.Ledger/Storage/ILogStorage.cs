using CivicGrid.Ledger.Merkle;

namespace CivicGrid.Ledger.Storage;

/// <summary>
/// Durable storage behind a <see cref="TransparencyLog"/>. The file-system implementation serves the log as
/// tlog-tiles; a database backend (PostgreSQL) implements the same contract.
/// </summary>
public interface ILogStorage : IDisposable
{
    /// <summary>Entries that are durable (acknowledged).</summary>
    long DurableSize { get; }

    /// <summary>Entries integrated into the tree (hashes and tiles written); ≤ <see cref="DurableSize"/>.</summary>
    long IntegratedSize { get; }

    /// <summary>Durably stores a batch (on disk when this returns) and returns the index of its first entry.</summary>
    long AppendDurable(IReadOnlyList<byte[]> entries);

    /// <summary>Integrates every durable entry into the tree and returns (size, root).</summary>
    (long Size, byte[] Root) Integrate();

    /// <summary>Complete-subtree hashes for proofs against any tree size ≤ <see cref="IntegratedSize"/>.</summary>
    INodeHashSource Nodes(long treeSize);

    /// <summary>The entry at <paramref name="index"/> (&lt; <see cref="IntegratedSize"/>).</summary>
    byte[] ReadEntry(long index);

    /// <summary>Atomically replaces the published signed checkpoint.</summary>
    void PublishCheckpoint(string signedCheckpoint);

    /// <summary>The latest published signed checkpoint, or null.</summary>
    string? ReadCheckpoint();
}
