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

    public TileNodeSource(ITileStore store, long treeSize)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        TreeSize = treeSize;
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
        var count = 1 << within;
        var tileIndex = first / TilePath.TileWidth;
        var offset = (int)(first % TilePath.TileWidth);
        if ((index + 1) << height > TreeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"node ({height}, {index}) is not complete in a tree of size {TreeSize}");
        }
        var tile = ReadTile(level, tileIndex);
        return HashRange(tile, offset, count);
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
