using System.Text;
using System.Threading.Channels;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Ledger.Storage;

namespace CivicGrid.Ledger;

/// <summary>Tuning of a <see cref="TransparencyLog"/>.</summary>
public sealed record TransparencyLogOptions
{
    /// <summary>Most entries written and fsynced together (group commit).</summary>
    public int MaxBatchSize { get; init; } = 4096;

    /// <summary>
    /// When true (default) every signed checkpoint is written to the storage as the published one. When false
    /// checkpoints are signed and kept in memory only, and a publisher (for instance one that first collects
    /// witness cosignatures) decides what the storage publishes.
    /// </summary>
    public bool PublishToStorage { get; init; } = true;
}

/// <summary>
/// A verifiable append-only log: appends are batched (group commit), acknowledged only once durable, then
/// integrated into the Merkle tree and published as a checkpoint signed with the log's key.
/// </summary>
public sealed class TransparencyLog : IAsyncDisposable
{
    private readonly ILogStorage _storage;
    private readonly NoteSigner _signer;
    private readonly TransparencyLogOptions _options;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly object _checkpointGate = new();
    private readonly List<(long Size, TaskCompletionSource<SignedCheckpoint> Done)> _waiters = [];
    private SignedCheckpoint _latest;

    private TransparencyLog(ILogStorage storage, NoteSigner signer, TransparencyLogOptions options)
    {
        _storage = storage;
        _signer = signer;
        _options = options;
        _latest = Publish();
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The log's origin (its key name).</summary>
    public string Origin => _signer.Name;

    /// <summary>The key that verifies this log's checkpoints.</summary>
    public NoteVerifierKey VerifierKey => _signer.VerifierKey;

    /// <summary>The latest published signed checkpoint.</summary>
    public SignedCheckpoint LatestCheckpoint
    {
        get
        {
            lock (_checkpointGate)
            {
                return _latest;
            }
        }
    }

    /// <summary>Opens a log over <paramref name="storage"/>; integrates anything durable and publishes a checkpoint.</summary>
    public static TransparencyLog Open(ILogStorage storage, NoteSigner signer, TransparencyLogOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(signer);
        return new TransparencyLog(storage, signer, options ?? new TransparencyLogOptions());
    }

    /// <summary>Appends one entry; completes with its index once it is durable (fsynced).</summary>
    public Task<long> AppendAsync(byte[] entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Length > Tiles.EntryBundle.MaxEntrySize)
        {
            throw new ArgumentException("entry too large for a bundle: store it with PayloadStore and append the pointer", nameof(entry));
        }
        var pending = new Pending(entry, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(TransparencyLog));
        }
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Completes with the first published checkpoint whose size is at least <paramref name="size"/>.</summary>
    public Task<SignedCheckpoint> WaitForCheckpointAsync(long size, CancellationToken cancellationToken = default)
    {
        lock (_checkpointGate)
        {
            if (_latest.Checkpoint.Size >= size)
            {
                return Task.FromResult(_latest);
            }
            var tcs = new TaskCompletionSource<SignedCheckpoint>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((size, tcs));
            return tcs.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Appends and waits until a checkpoint covers the entry; returns its offline receipt.</summary>
    public async Task<Receipt> AppendWithReceiptAsync(byte[] entry, CancellationToken cancellationToken = default)
    {
        var index = await AppendAsync(entry, cancellationToken).ConfigureAwait(false);
        var checkpoint = await WaitForCheckpointAsync(index + 1, cancellationToken).ConfigureAwait(false);
        return CreateReceipt(index, checkpoint);
    }

    /// <summary>An offline receipt for entry <paramref name="index"/> against <paramref name="checkpoint"/> (default: latest).</summary>
    public Receipt CreateReceipt(long index, SignedCheckpoint? checkpoint = null)
    {
        var cp = checkpoint ?? LatestCheckpoint;
        var proof = InclusionProof(index, cp.Checkpoint.Size);
        return new Receipt(index, _storage.ReadEntry(index), proof, cp.NoteText);
    }

    /// <summary>Inclusion proof of entry <paramref name="index"/> in the tree of size <paramref name="treeSize"/>.</summary>
    public IReadOnlyList<byte[]> InclusionProof(long index, long treeSize) =>
        MerkleProofs.Inclusion(_storage.Nodes(treeSize), index, treeSize);

    /// <summary>Consistency proof between two published tree sizes.</summary>
    public IReadOnlyList<byte[]> ConsistencyProof(long size1, long size2) =>
        MerkleProofs.Consistency(_storage.Nodes(size2), size1, size2);

    /// <summary>The entry at <paramref name="index"/>.</summary>
    public byte[] ReadEntry(long index) => _storage.ReadEntry(index);

    /// <summary>The storage behind the log (tiles, the published checkpoint).</summary>
    public ILogStorage Storage => _storage;

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var p))
            {
                batch.Add(p);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            long first;
            try
            {
                first = _storage.AppendDurable([.. batch.Select(b => b.Entry)]);
            }
            catch (Exception ex)
            {
                // Nothing of this batch is acknowledged; the appenders see the failure.
                foreach (var p in batch)
                {
                    p.Done.TrySetException(ex);
                }
                continue;
            }
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(first + i);
            }
            try
            {
                Publish();
            }
            catch (IOException)
            {
                // The entries are durable; integration and the checkpoint are retried after the next batch
                // and at the next open.
            }
        }
    }

    private SignedCheckpoint Publish()
    {
        var (size, root) = _storage.Integrate();
        lock (_checkpointGate)
        {
            if (_latest is not null && _latest.Checkpoint.Size == size)
            {
                return _latest;
            }
        }
        var checkpoint = new Checkpoint(_signer.Name, size, root);
        var note = SignedCheckpoint.Sign(checkpoint, _signer);
        if (_options.PublishToStorage)
        {
            _storage.PublishCheckpoint(note);
        }
        var signed = SignedCheckpoint.OpenForLog(Encoding.UTF8.GetBytes(note), _signer.VerifierKey);
        List<TaskCompletionSource<SignedCheckpoint>> ready;
        lock (_checkpointGate)
        {
            _latest = signed;
            ready = [.. _waiters.Where(w => w.Size <= size).Select(w => w.Done)];
            _waiters.RemoveAll(w => w.Size <= size);
        }
        foreach (var r in ready)
        {
            r.TrySetResult(signed);
        }
        return signed;
    }

    /// <summary>Finishes pending appends, then closes the storage.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _storage.Dispose();
    }

    private sealed record Pending(byte[] Entry, TaskCompletionSource<long> Done);
}
