namespace CivicGrid.Ledger.Merkle;

/// <summary>
/// The right edge of a growing tree: one complete-subtree hash per set bit of the size ("peaks").
/// Enough to append leaves and compute the root in O(log n) memory.
/// </summary>
public sealed class CompactRange
{
    private readonly List<byte[]> _peaks = [];

    /// <summary>Number of leaves covered.</summary>
    public long Size { get; private set; }

    /// <summary>Appends one leaf hash.</summary>
    public void Append(byte[] leafHash)
    {
        ArgumentNullException.ThrowIfNull(leafHash);
        var hash = leafHash;
        var size = Size;
        // Each trailing one bit of the old size is a peak of equal height that merges with the new node.
        while ((size & 1) == 1)
        {
            hash = MerkleHash.Node(_peaks[^1], hash);
            _peaks.RemoveAt(_peaks.Count - 1);
            size >>= 1;
        }
        _peaks.Add(hash);
        Size++;
    }

    /// <summary>The RFC 6962 root of the covered leaves.</summary>
    public byte[] Root()
    {
        if (_peaks.Count == 0)
        {
            return MerkleHash.EmptyRoot();
        }
        var root = _peaks[^1];
        for (var i = _peaks.Count - 2; i >= 0; i--)
        {
            root = MerkleHash.Node(_peaks[i], root);
        }
        return root;
    }
}
