using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Tiles;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Ledger.Tests.Tiles;

/// <summary>Validation against transparency-dev/tessera testdata/log (exact byte and hash equality).</summary>
public class TesseraLogTests
{
    private const string Key = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";

    [Fact]
    public void Every_checkpoint_tile_and_bundle_of_the_tessera_log_verifies()
    {
        var dir = ReferenceData.Require("ledger/tessera-log");
        var checkpoints = TiledLogVerifier.FindCheckpoints(dir);
        Assert.Equal(17, checkpoints.Count); // checkpoint and checkpoint.0 … checkpoint.15
        var report = TiledLogVerifier.Verify(new DirectoryTileStore(dir), NoteVerifierKey.Parse(Key), checkpoints);
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.Equal(16, report.Checkpoints.Count);
        Assert.Equal(15, report.Checkpoints[^1].Size);
        Assert.Equal(14, report.ConsistencyProofsChecked); // 1→2 … 14→15 (size 0 has no proof)
        Assert.Equal(Enumerable.Range(1, 15).Sum(), report.EntriesChecked);
    }

    [Fact]
    public void Tessera_entries_are_one_two_three_and_the_root_of_size_3_matches_checkpoint_3()
    {
        var dir = ReferenceData.Require("ledger/tessera-log");
        var store = new DirectoryTileStore(dir);
        var entries = EntryBundle.Decode(store.Read("tile/entries/000.p/3")!);
        Assert.Equal(["one", "two", "three"], entries.Select(e => System.Text.Encoding.UTF8.GetString(e)));
        var cp = TiledLogVerifier.VerifyCheckpointFile(Path.Combine(dir, "checkpoint.3"), NoteVerifierKey.Parse(Key));
        var tree = new MemoryNodeHashSource();
        foreach (var e in entries)
        {
            tree.AppendLeafHash(MerkleHash.Leaf(e));
        }
        Assert.Equal(cp.RootHash, MerkleProofs.Root(tree, 3));
    }

    [Fact]
    public void A_tampered_tile_or_a_wrong_key_makes_verification_fail()
    {
        var dir = ReferenceData.Require("ledger/tessera-log");
        using var temp = RepositoryPaths.CreateTempFolder();
        foreach (var file in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(temp.Path, Path.GetRelativePath(dir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var tile = Path.Combine(temp.Path, "tile/0/000.p/7");
        var bytes = File.ReadAllBytes(tile);
        bytes[40] ^= 1;
        File.SetAttributes(tile, FileAttributes.Normal);
        File.WriteAllBytes(tile, bytes);
        var report = TiledLogVerifier.Verify(new DirectoryTileStore(temp.Path), NoteVerifierKey.Parse(Key), TiledLogVerifier.FindCheckpoints(temp.Path));
        Assert.False(report.IsValid);
        Assert.Contains(report.Errors, e => e.StartsWith("size 7:", StringComparison.Ordinal));

        using var other = NoteSigner.Generate("example.com/log/testdata");
        var wrongKey = TiledLogVerifier.Verify(new DirectoryTileStore(dir), other.VerifierKey, TiledLogVerifier.FindCheckpoints(dir));
        Assert.False(wrongKey.IsValid);
    }
}
