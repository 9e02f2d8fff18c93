using System.Collections.Concurrent;
using CivicGrid.Ledger.Merkle;

namespace CivicGrid.Ledger.Tiles;

/// <summary>
/// Reads complete-subtree hashes of a tree of known size from its hash tiles. A partial tile that is
/// missing is taken as the prefix of the full tile, as tlog-tiles clients do.
/// </summary>
public sealed class TileNodeSource : INodeHashSource
{
    private readonly ITileStore _store;
    private readonly ConcurrentDictionary<(int, long, int), byte[]> _cache = new();
    private readonly ConcurrentDictionary<(int, long, int), byte[][]> _expanded = new();
    private readonly ConcurrentDictionary<(int, long), byte[][]>? _sharedFull;

    /// <param name="store">Where the tiles are read from.</param>
    /// <param name="treeSize">The tree size whose nodes are served.</param>
    /// <param name="sharedFullTiles">
    /// Optional cache of full tiles with all their inner levels hashed, shared between sources of the same log
    /// (full tiles never change), so a proof costs lookups instead of up to 127 hashes per node.
    /// </param>
    public TileNodeSource(ITileStore store, long treeSize, ConcurrentDictionary<(int, long), byte[][]>? sharedFullTiles = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        TreeSize = treeSize;
        _sharedFull = sharedFullTiles;
    }

    public long TreeSize { get; }

    /// <summary>Width of tile (level, index) in a tree of <see cref="TreeSize"/>, 0 if it does not exist.</summary>
    public static int WidthOf(long treeSize, int level, long index)
    {
        var nodesAtLevel = treeSize >> (TilePath.TileHeight * level);
        var remaining = nodesAtLevel - (index * TilePath.TileWidth);
        return (int)Math.Clamp(remaining, 0, TilePath.TileWidth);
    }

    /// <summary>The hashes of one tile (width × 32 bytes), validated for length.</summary>
    public byte[] ReadTile(int level, long index)
    {
        var width = WidthOf(TreeSize, level, index);
        if (width == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"tile {level}/{index} is outside a tree of size {TreeSize}");
        }
        return _cache.GetOrAdd((level, index, width), key =>
        {
            var path = TilePath.HashTile(key.Item1, key.Item2, key.Item3);
            var data = _store.Read(path);
            if (data is null && key.Item3 < TilePath.TileWidth)
            {
                var full = _store.Read(TilePath.HashTile(key.Item1, key.Item2, TilePath.TileWidth));
                if (full is not null && full.Length == TilePath.TileWidth * MerkleHash.Size)
                {
                    data = full[..(key.Item3 * MerkleHash.Size)];
                }
            }
            if (data is null)
            {
                throw new LedgerFormatException("tile is missing", path);
            }
            if (data.Length != key.Item3 * MerkleHash.Size)
            {
                throw new LedgerFormatException($"tile has {data.Length} bytes, expected {key.Item3 * MerkleHash.Size}", path);
            }
            return data;
        });
    }

    public byte[] GetNode(int height, long index)
    {
        var level = height / TilePath.TileHeight;
        var within = height % TilePath.TileHeight;
        var first = index << within;
        var tileIndex = first / TilePath.TileWidth;
        var offset = (int)(first % TilePath.TileWidth);
        if ((index + 1) << height > TreeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"node ({height}, {index}) is not complete in a tree of size {TreeSize}");
        }
        if (within == 0)
        {
            return ReadTile(level, tileIndex).AsSpan(offset * MerkleHash.Size, MerkleHash.Size).ToArray();
        }
        var width = WidthOf(TreeSize, level, tileIndex);
        byte[][] levels;
        if (width == TilePath.TileWidth && _sharedFull is not null)
        {
            levels = _sharedFull.GetOrAdd((level, tileIndex), _ => Expand(ReadTile(level, tileIndex)));
            if (_sharedFull.Count > 16384)
            {
                _sharedFull.Clear();
            }
        }
        else
        {
            levels = _expanded.GetOrAdd((level, tileIndex, width), _ => Expand(ReadTile(level, tileIndex)));
        }
        return levels[within].AsSpan((offset >> within) * MerkleHash.Size, MerkleHash.Size).ToArray();
    }

    /// <summary>All inner levels of a tile: levels[r] holds the complete height-r nodes, concatenated.</summary>
    internal static byte[][] Expand(byte[] tile)
    {
        var levels = new byte[TilePath.TileHeight][];
        levels[0] = tile;
        for (var r = 1; r < TilePath.TileHeight; r++)
        {
            var below = levels[r - 1];
            var count = below.Length / MerkleHash.Size / 2;
            var next = new byte[count * MerkleHash.Size];
            for (var i = 0; i < count; i++)
            {
                MerkleHash.Node(below.AsSpan(2 * i * MerkleHash.Size, MerkleHash.Size), below.AsSpan(((2 * i) + 1) * MerkleHash.Size, MerkleHash.Size))
                    .CopyTo(next, i * MerkleHash.Size);
            }
            levels[r] = next;
        }
        return levels;
    }

    internal static byte[] HashRange(byte[] tile, int offset, int count)
    {
        if (count == 1)
        {
            return tile.AsSpan(offset * MerkleHash.Size, MerkleHash.Size).ToArray();
        }
        var half = count / 2;
        return MerkleHash.Node(HashRange(tile, offset, half), HashRange(tile, offset + half, half));
    }
}
