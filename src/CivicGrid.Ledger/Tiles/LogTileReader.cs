using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Storage;

namespace CivicGrid.Ledger.Tiles;

/// <summary>
/// Serves the c2sp.org/tlog-tiles view of a log held in any <see cref="ILogStorage"/>, bounded by a tree size:
/// a tile is served only if the tree of that size contains it (a full tile only once all 256 of its hashes
/// exist, a partial tile of width W only if at least W exist), so every answer is immutable for its path.
/// Storages that already keep tiles (<see cref="FileSystemLogStorage"/>) are read directly; others
/// (databases) are assembled from their node hashes and entries.
/// </summary>
public static class LogTileReader
{
    /// <summary>The bytes of <paramref name="path"/> in the tree of <paramref name="treeSize"/>, or null if it has no such tile.</summary>
    /// <exception cref="LedgerFormatException">The path is not a tile path.</exception>
    public static byte[]? Read(ILogStorage storage, string path, long treeSize)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var c = TilePath.Parse(path);
        if (treeSize > storage.IntegratedSize || treeSize <= 0)
        {
            return null;
        }
        var available = c.IsEntryBundle
            ? (int)Math.Clamp(treeSize - (c.Index * TilePath.TileWidth), 0, TilePath.TileWidth)
            : TileNodeSource.WidthOf(treeSize, c.Level, c.Index);
        if (available < c.Width)
        {
            return null;
        }
        if (storage is ITileStore tiles)
        {
            return tiles.Read(c.Path);
        }
        var first = c.Index * TilePath.TileWidth;
        if (c.IsEntryBundle)
        {
            var entries = new List<byte[]>(c.Width);
            for (var i = 0; i < c.Width; i++)
            {
                entries.Add(storage.ReadEntry(first + i));
            }
            return EntryBundle.Encode(entries);
        }
        var nodes = storage.Nodes(treeSize);
        var data = new byte[c.Width * MerkleHash.Size];
        var height = c.Level * TilePath.TileHeight;
        for (var i = 0; i < c.Width; i++)
        {
            nodes.GetNode(height, first + i).CopyTo(data, i * MerkleHash.Size);
        }
        return data;
    }
}
