using System.Numerics;

namespace CivicGrid.Ledger.Merkle;

/// <summary>Inclusion and consistency proofs of RFC 9162 §2.1.3–2.1.4 over any <see cref="INodeHashSource"/>.</summary>
public static class MerkleProofs
{
    /// <summary>MTH(D[lo:hi]) from complete subtrees of the source.</summary>
    public static byte[] SubtreeHash(INodeHashSource source, long lo, long hi)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (hi <= lo)
        {
            throw new ArgumentOutOfRangeException(nameof(hi), "empty range");
        }
        var n = hi - lo;
        if ((n & (n - 1)) == 0 && lo % n == 0)
        {
            var height = BitOperations.TrailingZeroCount(n);
            return source.GetNode(height, lo >> height);
        }
        var k = MerkleHash.SplitPoint(n);
        return MerkleHash.Node(SubtreeHash(source, lo, lo + k), SubtreeHash(source, lo + k, hi));
    }

    /// <summary>The root hash of the first <paramref name="size"/> leaves.</summary>
    public static byte[] Root(INodeHashSource source, long size) =>
        size == 0 ? MerkleHash.EmptyRoot() : SubtreeHash(source, 0, size);

    /// <summary>PATH(index, D[0:size]): the audit path of a leaf, ordered from the leaf up.</summary>
    public static IReadOnlyList<byte[]> Inclusion(INodeHashSource source, long index, long size)
    {
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"leaf {index} is not in a tree of size {size}");
        }
        var proof = new List<byte[]>();
        InclusionPath(source, index, 0, size, proof);
        return proof;
    }

    private static void InclusionPath(INodeHashSource source, long m, long lo, long hi, List<byte[]> proof)
    {
        var n = hi - lo;
        if (n == 1)
        {
            return;
        }
        var k = MerkleHash.SplitPoint(n);
        if (m < k)
        {
            InclusionPath(source, m, lo, lo + k, proof);
            proof.Add(SubtreeHash(source, lo + k, hi));
        }
        else
        {
            InclusionPath(source, m - k, lo + k, hi, proof);
            proof.Add(SubtreeHash(source, lo, lo + k));
        }
    }

    /// <summary>PROOF(size1, D[0:size2]): a consistency proof between two tree sizes (0 &lt; size1 ≤ size2).</summary>
    public static IReadOnlyList<byte[]> Consistency(INodeHashSource source, long size1, long size2)
    {
        if (size1 <= 0 || size1 > size2)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), $"no consistency proof from size {size1} to {size2}");
        }
        var proof = new List<byte[]>();
        if (size1 < size2)
        {
            SubProof(source, size1, 0, size2, true, proof);
        }
        return proof;
    }

    private static void SubProof(INodeHashSource source, long m, long lo, long hi, bool complete, List<byte[]> proof)
    {
        var n = hi - lo;
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(SubtreeHash(source, lo, hi));
            }
            return;
        }
        var k = MerkleHash.SplitPoint(n);
        if (m <= k)
        {
            SubProof(source, m, lo, lo + k, complete, proof);
            proof.Add(SubtreeHash(source, lo + k, hi));
        }
        else
        {
            SubProof(source, m - k, lo + k, hi, false, proof);
            proof.Add(SubtreeHash(source, lo, lo + k));
        }
    }
}
