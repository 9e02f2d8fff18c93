using System.Buffers.Binary;
using System.Collections.Concurrent;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Tiles;

namespace CivicGrid.Ledger.Storage;

/// <summary>
/// A log on the local file system. Durability comes from an append-only write-ahead file
/// (<c>entries.wal</c>: per entry a big-endian u32 length, the 32-byte leaf hash and the bytes) that is
/// fsynced before an append is acknowledged. The tree is then served from <c>public/</c> as c2sp.org/tlog-tiles
/// (hash tiles, entry bundles, <c>checkpoint</c>). Tiles are derived data: after an unclean shutdown they are
/// rewritten from the write-ahead file, and a torn tail of that file (never acknowledged) is cut off.
/// </summary>
public sealed class FileSystemLogStorage : ILogStorage, ITileStore
{
    private const string WalName = "entries.wal";
    private const string CleanMarker = "clean-shutdown";
    private const int HeaderSize = 4 + MerkleHash.Size;

    private readonly object _gate = new();
    private readonly FileStream _wal;
    private readonly FileStream _lock;
    private readonly List<List<byte[]>> _edge = [[]];
    private readonly List<bool> _edgeDirty = [false];
    private readonly List<byte[]> _bundleEdge = [];
    private readonly List<(byte[] Entry, byte[] Leaf)> _pending = [];
    private readonly ConcurrentDictionary<string, byte[]> _fullTileCache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int, long), byte[][]> _expandedFullTiles = new();
    private readonly CompactRange _range = new();
    private readonly HashSet<string> _unsynced = new(StringComparer.Ordinal);
    private long _durable;
    private bool _disposed;
    private bool _failed;

    /// <summary>Opens (or creates) the log in <paramref name="directory"/>, recovering from any crash.</summary>
    public FileSystemLogStorage(string directory)
    {
        Directory.CreateDirectory(directory);
        Directory.CreateDirectory(Path.Combine(directory, "public"));
        RootDirectory = Path.GetFullPath(directory);
        PublicDirectory = Path.Combine(RootDirectory, "public");
        try
        {
            // One writer per log: an exclusive lock the kernel releases if the process dies.
            _lock = new FileStream(Path.Combine(RootDirectory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"the log in {RootDirectory} is open in another process", ex);
        }
        var marker = Path.Combine(RootDirectory, CleanMarker);
        var clean = File.Exists(marker);
        if (clean)
        {
            File.Delete(marker);
            DurableFile.SyncDirectory(RootDirectory);
        }
        if (!clean)
        {
            // Temp files of writes interrupted by the crash were never renamed into place: drop them.
            foreach (var temp in Directory.EnumerateFiles(PublicDirectory, ".*.tmp", SearchOption.AllDirectories))
            {
                File.Delete(temp);
            }
        }
        _wal = new FileStream(Path.Combine(RootDirectory, WalName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        Recover(rewriteTiles: !clean);
    }

    /// <summary>The log's private folder (write-ahead file, keys).</summary>
    public string RootDirectory { get; }

    /// <summary>The folder to serve read-only over HTTP: checkpoint and tiles.</summary>
    public string PublicDirectory { get; }

    /// <summary>Bytes of the torn, unacknowledged tail removed at open (0 after a clean shutdown).</summary>
    public long RecoveredTornBytes { get; private set; }

    public long DurableSize => Interlocked.Read(ref _durable);

    public long IntegratedSize { get; private set; }

    private void Recover(bool rewriteTiles)
    {
        _wal.Position = 0;
        var header = new byte[HeaderSize];
        long good = 0;
        var length = _wal.Length;
        while (true)
        {
            if (length - good < HeaderSize || _wal.Read(header) != HeaderSize)
            {
                break;
            }
            var size = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (size > int.MaxValue || good + HeaderSize + size > length)
            {
                break;
            }
            var entry = new byte[size];
            _wal.ReadExactly(entry);
            var leaf = MerkleHash.Leaf(entry);
            if (!leaf.AsSpan().SequenceEqual(header.AsSpan(4)))
            {
                break;
            }
            good += HeaderSize + size;
            _pending.Add((entry, leaf));
            _durable++;
            if (_pending.Count >= 65536)
            {
                IntegratePending(writeTiles: rewriteTiles, writeEdge: false);
            }
        }
        if (good < length)
        {
            RecoveredTornBytes = length - good;
            _wal.SetLength(good);
            _wal.Flush(flushToDisk: true);
        }
        _wal.Position = good;
        IntegratePending(writeTiles: rewriteTiles, writeEdge: true);
    }

    public long AppendDurable(IReadOnlyList<byte[]> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var leaves = new byte[entries.Count][];
        var total = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Length > EntryBundle.MaxEntrySize)
            {
                throw new ArgumentException($"entry {i} has {entries[i].Length} bytes; store larger payloads with PayloadStore", nameof(entries));
            }
            leaves[i] = MerkleHash.Leaf(entries[i]);
            total += HeaderSize + entries[i].Length;
        }
        var buffer = new byte[total];
        var offset = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(offset), (uint)entries[i].Length);
            leaves[i].CopyTo(buffer, offset + 4);
            entries[i].CopyTo(buffer, offset + HeaderSize);
            offset += HeaderSize + entries[i].Length;
        }
        lock (_gate)
        {
            if (_failed)
            {
                throw new IOException("an earlier write to the log failed; reopen the log to recover it");
            }
            var first = _durable;
            try
            {
                _wal.Write(buffer);
                _wal.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                // After a failed write or fsync the file's state is unknown: refuse further appends, so nothing
                // is ever acknowledged behind a damaged record. Reopening scans the file and cuts the damage off.
                _failed = true;
                throw;
            }
            for (var i = 0; i < entries.Count; i++)
            {
                _pending.Add((entries[i], leaves[i]));
            }
            Interlocked.Add(ref _durable, entries.Count);
            return first;
        }
    }

    public (long Size, byte[] Root) Integrate()
    {
        lock (_gate)
        {
            if (_failed)
            {
                throw new IOException("an earlier write to the log failed; reopen the log to recover it");
            }
            try
            {
                IntegratePending(writeTiles: true, writeEdge: true);
            }
            catch (IOException)
            {
                // The in-memory tree may be half updated: stop here; reopening rebuilds it from the write-ahead file.
                _failed = true;
                throw;
            }
            return (IntegratedSize, _range.Root());
        }
    }

    private void IntegratePending(bool writeTiles, bool writeEdge)
    {
        foreach (var (entry, leaf) in _pending)
        {
            _range.Append(leaf);
            _bundleEdge.Add(entry);
            var index = IntegratedSize++;
            AddToEdge(0, leaf, writeTiles);
            if (_bundleEdge.Count == TilePath.TileWidth)
            {
                if (writeTiles)
                {
                    WriteTile(TilePath.EntryBundle(index / TilePath.TileWidth, TilePath.TileWidth), EntryBundle.Encode(_bundleEdge));
                }
                _bundleEdge.Clear();
            }
        }
        var hadPending = _pending.Count > 0;
        _pending.Clear();
        if (!writeEdge || (!hadPending && !writeTiles))
        {
            return;
        }
        var size = IntegratedSize;
        for (var level = 0; level < _edge.Count; level++)
        {
            if (_edge[level].Count > 0 && (_edgeDirty[level] || writeTiles))
            {
                var index = (size >> (TilePath.TileHeight * level)) / TilePath.TileWidth;
                WriteTile(TilePath.HashTile(level, index, _edge[level].Count), Concat(_edge[level]));
            }
            _edgeDirty[level] = false;
        }
        if (_bundleEdge.Count > 0)
        {
            WriteTile(TilePath.EntryBundle(size / TilePath.TileWidth, _bundleEdge.Count), EntryBundle.Encode(_bundleEdge));
        }
    }

    private void AddToEdge(int level, byte[] hash, bool writeTiles)
    {
        if (_edge.Count == level)
        {
            _edge.Add([]);
            _edgeDirty.Add(false);
        }
        var tile = _edge[level];
        tile.Add(hash);
        _edgeDirty[level] = true;
        if (tile.Count < TilePath.TileWidth)
        {
            return;
        }
        var data = Concat(tile);
        // Index of the tile just completed: the number of level-`level` nodes so far, over 256, minus one.
        var index = ((IntegratedSize >> (TilePath.TileHeight * level)) / TilePath.TileWidth) - 1;
        if (writeTiles)
        {
            WriteTile(TilePath.HashTile(level, index, TilePath.TileWidth), data);
        }
        tile.Clear();
        _edgeDirty[level] = false;
        AddToEdge(level + 1, TileNodeSource.HashRange(data, 0, TilePath.TileWidth), writeTiles);
    }

    private static byte[] Concat(List<byte[]> hashes)
    {
        var data = new byte[hashes.Count * MerkleHash.Size];
        for (var i = 0; i < hashes.Count; i++)
        {
            hashes[i].CopyTo(data, i * MerkleHash.Size);
        }
        return data;
    }

    private void WriteTile(string relative, byte[] data)
    {
        var path = Path.Combine(PublicDirectory, relative);
        DurableFile.WriteAtomic(path, data, fsync: false);
        _unsynced.Add(path);
    }

    public INodeHashSource Nodes(long treeSize)
    {
        if (treeSize > IntegratedSize)
        {
            throw new ArgumentOutOfRangeException(nameof(treeSize), $"tree size {treeSize} exceeds the integrated size {IntegratedSize}");
        }
        return new TileNodeSource(this, treeSize, _expandedFullTiles);
    }

    /// <summary>
    /// Tiles for proofs: full tiles from disk (cached), partial tiles as prefixes of the in-memory right edge,
    /// so a proof can be made for any earlier tree size even if that size's partial tile was never written.
    /// </summary>
    byte[]? ITileStore.Read(string path)
    {
        var c = TilePath.Parse(path);
        if (c.IsPartial)
        {
            lock (_gate)
            {
                var nodes = c.IsEntryBundle ? IntegratedSize : IntegratedSize >> (TilePath.TileHeight * c.Level);
                var edgeIndex = nodes / TilePath.TileWidth;
                if (c.Index == edgeIndex)
                {
                    if (c.IsEntryBundle)
                    {
                        return _bundleEdge.Count >= c.Width ? EntryBundle.Encode(_bundleEdge.Take(c.Width)) : null;
                    }
                    var edge = c.Level < _edge.Count ? _edge[c.Level] : [];
                    return edge.Count >= c.Width ? Concat(edge.GetRange(0, c.Width)) : null;
                }
                if (c.Index > edgeIndex)
                {
                    return null;
                }
            }
            var full = ReadFull(c with { Width = TilePath.TileWidth });
            if (full is null)
            {
                return null;
            }
            return c.IsEntryBundle
                ? EntryBundle.Encode(EntryBundle.Decode(full, path).Take(c.Width))
                : full[..(c.Width * MerkleHash.Size)];
        }
        return ReadFull(c);
    }

    private byte[]? ReadFull(TileCoordinate c)
    {
        var path = c.Path;
        if (_fullTileCache.TryGetValue(path, out var cached))
        {
            return cached;
        }
        var file = Path.Combine(PublicDirectory, path);
        if (!File.Exists(file))
        {
            return null;
        }
        var data = File.ReadAllBytes(file);
        if (_fullTileCache.Count > 8192)
        {
            _fullTileCache.Clear();
        }
        _fullTileCache[path] = data;
        return data;
    }

    public byte[] ReadEntry(long index)
    {
        if (index < 0 || index >= IntegratedSize)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"entry {index} is not in a log of size {IntegratedSize}");
        }
        var bundleIndex = index / TilePath.TileWidth;
        var width = (int)Math.Min(TilePath.TileWidth, IntegratedSize - (bundleIndex * TilePath.TileWidth));
        var path = TilePath.EntryBundle(bundleIndex, width);
        var data = ((ITileStore)this).Read(path) ?? throw new LedgerFormatException("entry bundle is missing", path);
        return EntryBundle.Decode(data, path)[(int)(index % TilePath.TileWidth)];
    }

    public void PublishCheckpoint(string signedCheckpoint)
    {
        ArgumentNullException.ThrowIfNull(signedCheckpoint);
        DurableFile.WriteAtomic(Path.Combine(PublicDirectory, "checkpoint"), System.Text.Encoding.UTF8.GetBytes(signedCheckpoint), fsync: true);
    }

    public string? ReadCheckpoint()
    {
        var file = Path.Combine(PublicDirectory, "checkpoint");
        return File.Exists(file) ? File.ReadAllText(file) : null;
    }

    /// <summary>
    /// Integrates what is pending, fsyncs every tile written in this session and marks the shutdown clean,
    /// so the next open trusts the tiles instead of rewriting them from the write-ahead file.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        lock (_gate)
        {
            if (_failed)
            {
                // Not a clean shutdown: without the marker the next open rebuilds everything from the write-ahead file.
                _wal.Dispose();
                _lock.Dispose();
                _disposed = true;
                return;
            }
            IntegratePending(writeTiles: true, writeEdge: true);
            _wal.Flush(flushToDisk: true);
            _wal.Dispose();
            var directories = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in _unsynced)
            {
                try
                {
                    using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite);
                    RandomAccess.FlushToDisk(handle);
                    directories.Add(Path.GetDirectoryName(file)!);
                }
                catch (FileNotFoundException)
                {
                }
            }
            foreach (var dir in directories)
            {
                DurableFile.SyncDirectory(dir);
            }
            _unsynced.Clear();
            DurableFile.WriteAtomic(Path.Combine(RootDirectory, CleanMarker), [], fsync: true);
            _lock.Dispose();
            _disposed = true;
        }
    }
}
