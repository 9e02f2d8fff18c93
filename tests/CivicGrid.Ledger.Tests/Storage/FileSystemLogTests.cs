using System.Text;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Ledger.Storage;
using CivicGrid.Ledger.Tiles;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Ledger.Tests.Storage;

public class FileSystemLogTests
{
    private static byte[] E(int i) => Encoding.UTF8.GetBytes("decision " + i);

    [Fact]
    public async Task Appended_entries_are_served_as_tiles_that_verify_against_the_signed_checkpoint()
    {
        using var temp = RepositoryPaths.CreateTempFolder();
        using var signer = NoteSigner.Generate("civicgrid.test/region-a");
        var storage = new FileSystemLogStorage(temp.Path);
        await using (var log = TransparencyLog.Open(storage, signer))
        {
            var tasks = Enumerable.Range(0, 70_000).Select(i => log.AppendAsync(E(i), TestContext.Current.CancellationToken)).ToList();
            var indexes = await Task.WhenAll(tasks);
            Assert.Equal(Enumerable.Range(0, 70_000).Select(i => (long)i), indexes.Order());
            var cp = await log.WaitForCheckpointAsync(70_000, TestContext.Current.CancellationToken);
            Assert.Equal(70_000, cp.Checkpoint.Size);
            // Entry i was given index i only if the writer kept queue order.
            Assert.Equal(E(12345), log.ReadEntry(indexes[12345]));
        }
        var report = TiledLogVerifier.Verify(new DirectoryTileStore(storage.PublicDirectory), signer.VerifierKey, ["checkpoint"]);
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.Equal(70_000, report.EntriesChecked);
        // Three tile levels: 70,000 leaves → 273 level-1 hashes → 1 level-2 hash.
        Assert.True(File.Exists(Path.Combine(storage.PublicDirectory, "tile/2/000.p/1")));
    }

    [Fact]
    public async Task Proofs_for_earlier_sizes_verify_after_reopening()
    {
        using var temp = RepositoryPaths.CreateTempFolder();
        using var signer = NoteSigner.Generate("civicgrid.test/region-b");
        SignedCheckpoint early;
        await using (var log = TransparencyLog.Open(new FileSystemLogStorage(temp.Path), signer))
        {
            for (var i = 0; i < 300; i++)
            {
                await log.AppendAsync(E(i), TestContext.Current.CancellationToken);
            }
            early = await log.WaitForCheckpointAsync(300, TestContext.Current.CancellationToken);
        }
        await using (var log = TransparencyLog.Open(new FileSystemLogStorage(temp.Path), signer))
        {
            Assert.Equal(300, log.LatestCheckpoint.Checkpoint.Size);
            await Task.WhenAll(Enumerable.Range(300, 500).Select(i => log.AppendAsync(E(i), TestContext.Current.CancellationToken)));
            var late = await log.WaitForCheckpointAsync(800, TestContext.Current.CancellationToken);
            var consistency = log.ConsistencyProof(early.Checkpoint.Size, late.Checkpoint.Size);
            Assert.True(ProofVerifier.VerifyConsistency(early.Checkpoint.Size, late.Checkpoint.Size, early.Checkpoint.RootHash, late.Checkpoint.RootHash, consistency));
            foreach (var index in new long[] { 0, 255, 256, 299 })
            {
                var proof = log.InclusionProof(index, early.Checkpoint.Size);
                Assert.True(ProofVerifier.VerifyInclusion(index, early.Checkpoint.Size, MerkleHash.Leaf(log.ReadEntry(index)), proof, early.Checkpoint.RootHash));
            }
        }
    }

    [Fact]
    public async Task A_torn_unacknowledged_tail_is_cut_and_every_acknowledged_entry_survives()
    {
        using var temp = RepositoryPaths.CreateTempFolder();
        using var signer = NoteSigner.Generate("civicgrid.test/region-c");
        await using (var log = TransparencyLog.Open(new FileSystemLogStorage(temp.Path), signer))
        {
            await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => log.AppendAsync(E(i), TestContext.Current.CancellationToken)));
        }
        // Simulate a crash mid-write: half a record at the end and no clean-shutdown marker.
        File.Delete(Path.Combine(temp.Path, "clean-shutdown"));
        await File.AppendAllBytesAsync(Path.Combine(temp.Path, "entries.wal"), [0, 0, 0, 9, 1, 2, 3], TestContext.Current.CancellationToken);
        var storage = new FileSystemLogStorage(temp.Path);
        Assert.Equal(7, storage.RecoveredTornBytes);
        await using var reopened = TransparencyLog.Open(storage, signer);
        Assert.Equal(1000, reopened.LatestCheckpoint.Checkpoint.Size);
        var report = TiledLogVerifier.Verify(new DirectoryTileStore(storage.PublicDirectory), signer.VerifierKey, ["checkpoint"]);
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
    }

    [Fact]
    public async Task Receipt_verifies_offline_and_fails_for_a_changed_entry_or_another_key()
    {
        using var temp = RepositoryPaths.CreateTempFolder();
        using var signer = NoteSigner.Generate("civicgrid.test/region-d");
        await using var log = TransparencyLog.Open(new FileSystemLogStorage(temp.Path), signer);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => log.AppendAsync(E(i), TestContext.Current.CancellationToken)));
        var receipt = await log.AppendWithReceiptAsync(E(999), TestContext.Current.CancellationToken);
        var text = receipt.Format();
        var parsed = Receipt.Parse(text);
        Assert.True(parsed.Verify(signer.VerifierKey).IsValid);
        Assert.False((parsed with { Entry = E(998) }).Verify(signer.VerifierKey).IsValid);
        using var other = NoteSigner.Generate("civicgrid.test/region-d");
        Assert.False(parsed.Verify(other.VerifierKey).IsValid);
        Assert.False(parsed.Verify(signer.VerifierKey, [], requiredCosignatures: 1).IsValid);
        var bad = Assert.Throws<LedgerFormatException>(() => Receipt.Parse(text.Replace("index ", "index x", StringComparison.Ordinal), "r.txt"));
        Assert.Equal(2, bad.Line);
    }

    [Fact]
    public async Task Large_payload_is_logged_as_a_pointer_and_read_back_verified()
    {
        using var temp = RepositoryPaths.CreateTempFolder();
        var store = new PayloadStore(Path.Combine(temp.Path, "payloads"));
        var payload = new byte[200_000];
        new Random(1).NextBytes(payload);
        var pointer = await store.StoreAsync(new MemoryStream(payload), TestContext.Current.CancellationToken);
        var entry = pointer.ToEntry();
        Assert.True(entry.Length < 200);
        var back = PayloadPointer.TryParse(entry)!;
        Assert.Equal(payload, store.ReadVerified(back));
        var file = Path.Combine(store.Root, back.Location);
        payload[5] ^= 1;
        await File.WriteAllBytesAsync(file, payload, TestContext.Current.CancellationToken);
        Assert.Throws<LedgerFormatException>(() => store.ReadVerified(back));
    }
}
