using CivicGrid.Ledger.Merkle;
using Xunit;

namespace CivicGrid.Ledger.Tests.Merkle;

public class MerkleProofTests
{
    private static MemoryNodeHashSource Tree(int size)
    {
        var tree = new MemoryNodeHashSource();
        for (var i = 0; i < size; i++)
        {
            tree.AppendLeafHash(MerkleHash.Leaf(BitConverter.GetBytes(i)));
        }
        return tree;
    }

    [Fact]
    public void Empty_tree_root_is_sha256_of_nothing()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleHash.EmptyRoot()));
    }

    [Fact]
    public void Rfc6962_reference_root_for_eight_leaves_matches()
    {
        // RFC 6962 test inputs as used by transparency-dev/merkle and Certificate Transparency.
        string[] leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
        var tree = new MemoryNodeHashSource();
        foreach (var l in leaves)
        {
            tree.AppendLeafHash(MerkleHash.Leaf(Convert.FromHexString(l)));
        }
        Assert.Equal("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328", Convert.ToHexStringLower(MerkleProofs.Root(tree, 8)));
        Assert.Equal("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", Convert.ToHexStringLower(MerkleProofs.Root(tree, 1)));
    }

    [Fact]
    public void Every_inclusion_proof_up_to_70_leaves_verifies_and_a_flipped_bit_is_rejected()
    {
        var tree = Tree(70);
        for (var size = 1; size <= 70; size++)
        {
            var root = MerkleProofs.Root(tree, size);
            for (var index = 0; index < size; index++)
            {
                var leaf = tree.GetNode(0, index);
                var proof = MerkleProofs.Inclusion(tree, index, size);
                Assert.True(ProofVerifier.VerifyInclusion(index, size, leaf, proof, root), $"{index}/{size}");
                if (proof.Count > 0)
                {
                    var bad = proof.Select(p => (byte[])p.Clone()).ToList();
                    bad[^1][0] ^= 1;
                    Assert.False(ProofVerifier.VerifyInclusion(index, size, leaf, bad, root));
                }
                Assert.False(ProofVerifier.VerifyInclusion(index, size, MerkleHash.Leaf([1, 2, 3]), proof, root));
            }
        }
    }

    [Fact]
    public void Every_consistency_proof_up_to_70_leaves_verifies_and_a_wrong_root_is_rejected()
    {
        var tree = Tree(70);
        for (var size2 = 1; size2 <= 70; size2++)
        {
            var root2 = MerkleProofs.Root(tree, size2);
            for (var size1 = 1; size1 <= size2; size1++)
            {
                var root1 = MerkleProofs.Root(tree, size1);
                var proof = MerkleProofs.Consistency(tree, size1, size2);
                Assert.True(ProofVerifier.VerifyConsistency(size1, size2, root1, root2, proof), $"{size1}->{size2}");
                if (size1 < size2)
                {
                    Assert.False(ProofVerifier.VerifyConsistency(size1, size2, root2, root2, proof));
                }
            }
        }
    }

    [Fact]
    public void Consistency_from_size_zero_is_an_error()
    {
        var tree = Tree(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.Consistency(tree, 0, 4));
        Assert.False(ProofVerifier.VerifyConsistency(0, 4, MerkleHash.EmptyRoot(), MerkleProofs.Root(tree, 4), []));
    }

    [Fact]
    public void Compact_range_root_matches_the_full_tree_at_every_size()
    {
        var tree = Tree(300);
        var range = new CompactRange();
        Assert.Equal(MerkleHash.EmptyRoot(), range.Root());
        for (var i = 0; i < 300; i++)
        {
            range.Append(tree.GetNode(0, i));
            Assert.Equal(MerkleProofs.Root(tree, i + 1), range.Root());
        }
    }
}
