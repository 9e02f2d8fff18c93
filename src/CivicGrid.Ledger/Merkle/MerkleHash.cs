using System.Security.Cryptography;

namespace CivicGrid.Ledger.Merkle;

/// <summary>RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256 (leaf prefix 0x00, node prefix 0x01).</summary>
public static class MerkleHash
{
    /// <summary>Size of every hash in bytes.</summary>
    public const int Size = 32;

    /// <summary>The root of the empty tree: SHA-256 of the empty string.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>MTH({d}) = SHA-256(0x00 || d).</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> entry)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ReadOnlySpan<byte> prefix = [0x00];
        h.AppendData(prefix);
        h.AppendData(entry);
        return h.GetHashAndReset();
    }

    /// <summary>SHA-256(0x01 || left || right).</summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * Size)];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Size)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2).</summary>
    internal static long SplitPoint(long n)
    {
        var k = 1L;
        while (k << 1 < n)
        {
            k <<= 1;
        }
        return k;
    }

    /// <summary>Root of a list of leaf hashes, computed directly (used by tests and small tiles).</summary>
    public static byte[] RootOfLeafHashes(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return leafHashes.Count == 0 ? EmptyRoot() : Range(leafHashes, 0, leafHashes.Count);
    }

    private static byte[] Range(IReadOnlyList<byte[]> hashes, int lo, int hi)
    {
        if (hi - lo == 1)
        {
            return hashes[lo];
        }
        var k = (int)SplitPoint(hi - lo);
        return Node(Range(hashes, lo, lo + k), Range(hashes, lo + k, hi));
    }
}
