namespace CivicGrid.Ledger.Merkle;

/// <summary>
/// Verification of inclusion and consistency proofs, following RFC 9162 §2.1.3.2 and §2.1.4.2 exactly.
/// Every method returns false (never throws) for a proof that does not verify.
/// </summary>
public static class ProofVerifier
{
    /// <summary>Root computed from a leaf hash and its audit path, or null if the path has the wrong shape.</summary>
    public static byte[]? RootFromInclusionProof(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || index >= size || leafHash.Length != MerkleHash.Size)
        {
            return null;
        }
        var fn = index;
        var sn = size - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0 || p is null || p.Length != MerkleHash.Size)
            {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleHash.Node(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = MerkleHash.Node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    /// <summary>True when <paramref name="proof"/> shows the leaf at <paramref name="index"/> is in the tree (<paramref name="size"/>, <paramref name="root"/>).</summary>
    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        var computed = RootFromInclusionProof(index, size, leafHash, proof);
        return computed is not null && root.Length == MerkleHash.Size && computed.AsSpan().SequenceEqual(root);
    }

    /// <summary>True when <paramref name="proof"/> shows tree (size1, root1) is a prefix of tree (size2, root2).</summary>
    public static bool VerifyConsistency(long size1, long size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (size1 <= 0 || size2 < size1)
        {
            return false;
        }
        if (size1 == size2)
        {
            return proof.Count == 0 && root1.SequenceEqual(root2);
        }
        if (root1.Length != MerkleHash.Size || root2.Length != MerkleHash.Size)
        {
            return false;
        }
        if (proof.Count == 0)
        {
            return false;
        }
        foreach (var p in proof)
        {
            if (p is null || p.Length != MerkleHash.Size)
            {
                return false;
            }
        }
        var path = new List<byte[]>(proof.Count + 1);
        if ((size1 & (size1 - 1)) == 0)
        {
            path.Add(root1.ToArray());
        }
        path.AddRange(proof);
        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        var fr = path[0];
        var sr = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0)
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleHash.Node(c, fr);
                sr = MerkleHash.Node(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = MerkleHash.Node(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && fr.AsSpan().SequenceEqual(root1) && sr.AsSpan().SequenceEqual(root2);
    }
}
