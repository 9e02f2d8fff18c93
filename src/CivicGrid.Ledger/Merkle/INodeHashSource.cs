namespace CivicGrid.Ledger.Merkle;

/// <summary>
/// Reads the hash of a complete subtree of a log: the node at <c>height</c> (0 = leaf) and <c>index</c>,
/// covering leaves [index·2^height, (index+1)·2^height). Tiles, memory and databases implement it.
/// </summary>
public interface INodeHashSource
{
    /// <summary>The hash of the complete subtree at (<paramref name="height"/>, <paramref name="index"/>).</summary>
    byte[] GetNode(int height, long index);
}

/// <summary>A node source over leaf hashes held in memory, keeping every level (for tests and small logs).</summary>
public sealed class MemoryNodeHashSource : INodeHashSource
{
    private readonly List<List<byte[]>> _levels = [[]];

    /// <summary>Number of leaves.</summary>
    public long Size => _levels[0].Count;

    /// <summary>Appends a leaf hash and updates the complete parents it finishes.</summary>
    public void AppendLeafHash(byte[] leafHash)
    {
        ArgumentNullException.ThrowIfNull(leafHash);
        var hash = leafHash;
        for (var level = 0; ; level++)
        {
            if (_levels.Count == level)
            {
                _levels.Add([]);
            }
            var nodes = _levels[level];
            nodes.Add(hash);
            if (nodes.Count % 2 == 1)
            {
                return;
            }
            hash = MerkleHash.Node(nodes[^2], nodes[^1]);
        }
    }

    public byte[] GetNode(int height, long index)
    {
        if (height >= _levels.Count || index >= _levels[height].Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"node ({height}, {index}) is not complete in a tree of size {Size}");
        }
        return _levels[height][(int)index];
    }
}
