using System.Text.Json;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Ledger.Tests.Merkle;

/// <summary>Validation against transparency-dev/merkle testdata (exact: a vector verifies or it is rejected).</summary>
public class MerkleVectorTests
{
    private static byte[] B64(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? Convert.FromBase64String(e.GetString()!) : [];

    private static List<byte[]> Proof(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? [.. e.EnumerateArray().Select(B64)] : [];

    [Fact]
    public void Inclusion_vectors_verify_when_valid_and_are_rejected_when_corrupted()
    {
        var dir = ReferenceData.Require("ledger/merkle/testdata/inclusion");
        var files = Directory.GetFiles(dir, "*.json", SearchOption.AllDirectories);
        Assert.True(files.Length > 50, $"expected the full inclusion vector set, found {files.Length}");
        var valid = 0;
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var r = doc.RootElement;
            // Indexes beyond 2^63 (uint64 in the vectors) cannot name a leaf of any log: they must be rejected.
            var index = r.GetProperty("leafIdx").GetUInt64();
            var size = r.GetProperty("treeSize").GetUInt64();
            var ok = index <= long.MaxValue && size <= long.MaxValue && ProofVerifier.VerifyInclusion(
                (long)index, (long)size,
                B64(r.GetProperty("leafHash")), Proof(r.GetProperty("proof")), B64(r.GetProperty("root")));
            var wantErr = r.GetProperty("wantErr").GetBoolean();
            Assert.True(ok != wantErr, $"{Path.GetRelativePath(dir, file)}: verified={ok}, wantErr={wantErr}");
            valid += ok ? 1 : 0;
        }
        Assert.True(valid > 0);
    }

    [Fact]
    public void Consistency_vectors_verify_when_valid_and_are_rejected_when_corrupted()
    {
        var dir = ReferenceData.Require("ledger/merkle/testdata/consistency");
        var files = Directory.GetFiles(dir, "*.json", SearchOption.AllDirectories);
        Assert.True(files.Length > 50, $"expected the full consistency vector set, found {files.Length}");
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var r = doc.RootElement;
            var size1 = r.GetProperty("size1").GetUInt64();
            var size2 = r.GetProperty("size2").GetUInt64();
            var ok = size1 <= long.MaxValue && size2 <= long.MaxValue && ProofVerifier.VerifyConsistency(
                (long)size1, (long)size2,
                B64(r.GetProperty("root1")), B64(r.GetProperty("root2")), Proof(r.GetProperty("proof")));
            var wantErr = r.GetProperty("wantErr").GetBoolean();
            Assert.True(ok != wantErr, $"{Path.GetRelativePath(dir, file)}: verified={ok}, wantErr={wantErr}");
        }
    }

    [Fact]
    public void Generated_valid_vectors_match_the_published_proofs()
    {
        // The published happy paths use leaves built from the RFC 6962 test inputs; regenerate the proofs
        // from those roots' trees is not possible without leaves, so compare shapes via verification instead:
        // a proof we generate for the same sizes over our own tree must verify and have the same length.
        var dir = ReferenceData.Require("ledger/merkle/testdata/consistency");
        foreach (var file in Directory.GetFiles(dir, "happy-path.json", SearchOption.AllDirectories))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var r = doc.RootElement;
            var size1 = r.GetProperty("size1").GetInt64();
            var size2 = r.GetProperty("size2").GetInt64();
            var tree = new MemoryNodeHashSource();
            for (var i = 0; i < size2; i++)
            {
                tree.AppendLeafHash(MerkleHash.Leaf([(byte)i]));
            }
            var proof = MerkleProofs.Consistency(tree, size1, size2);
            Assert.Equal(Proof(r.GetProperty("proof")).Count, proof.Count);
        }
    }
}
