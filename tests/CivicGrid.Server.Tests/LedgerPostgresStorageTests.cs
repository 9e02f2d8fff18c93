using System.Net;
using System.Text;
using CivicGrid.Ledger;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Tiles;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Ledger;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>The ledger on real PostgreSQL: concurrent appenders in two "processes", restart, and the platform selecting it.</summary>
public sealed class LedgerPostgresStorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_logs_appending_concurrently_to_one_origin_get_distinct_indices_and_one_consistent_tree()
    {
        var server = TestPostgres.RequireServer();
        var database = await TestPostgres.CreateDatabaseAsync(server, "ledger_storage", Ct);
        try
        {
            using var signer = NoteSigner.Generate("civicgrid/pg-test");
            var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<long, byte[]>();
            var a = TransparencyLog.Open(new PostgresLogStorage(database, signer.Name), signer);
            var b = TransparencyLog.Open(new PostgresLogStorage(database, signer.Name), signer);
            await Parallel.ForAsync(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (i, ct) =>
            {
                var entry = Encoding.UTF8.GetBytes($"entry {i} from {(i % 2 == 0 ? "a" : "b")}");
                var index = await (i % 2 == 0 ? a : b).AppendAsync(entry, ct);
                Assert.True(acknowledged.TryAdd(index, entry), $"index {index} handed out twice");
            });
            await a.DisposeAsync();
            await b.DisposeAsync();

            // Restart: a fresh open sees every acknowledged entry at its index, and the tree they form.
            var reopened = TransparencyLog.Open(new PostgresLogStorage(database, signer.Name), signer);
            await using (reopened)
            {
                var checkpoint = reopened.LatestCheckpoint.Checkpoint;
                Assert.Equal(400, checkpoint.Size);
                var expected = new MemoryNodeHashSource();
                for (long i = 0; i < 400; i++)
                {
                    Assert.Equal(acknowledged[i], reopened.ReadEntry(i));
                    expected.AppendLeafHash(MerkleHash.Leaf(acknowledged[i]));
                }
                Assert.Equal(MerkleProofs.Root(expected, 400), checkpoint.RootHash);
                var proof = reopened.InclusionProof(123, 400);
                Assert.True(ProofVerifier.VerifyInclusion(123, 400, MerkleHash.Leaf(acknowledged[123]), proof, checkpoint.RootHash));
                Assert.True(ProofVerifier.VerifyConsistency(100, 400, MerkleProofs.Root(expected, 100), checkpoint.RootHash, reopened.ConsistencyProof(100, 400)));
                Assert.NotNull(reopened.Storage.ReadCheckpoint());

                // Tiles assembled from the database verify like the file log's.
                var store = new StorageTileStore(reopened.Storage, 400);
                Assert.Equal(400, TiledLogVerifier.VerifyTree(store, checkpoint, allTiles: true, checkEntries: true).Entries);
            }
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(server, database);
        }
    }

    [Fact]
    public async Task Platform_on_postgresql_keeps_region_logs_in_the_database_and_serves_their_tiles()
    {
        var server = TestPostgres.RequireServer();
        var database = await TestPostgres.CreateDatabaseAsync(server, "ledger_node", Ct);
        using var folders = new LedgerTestFolders();
        var data = folders.Create();
        var region = LedgerTestNode.FirstRegionId;
        try
        {
            await using (var node = await LedgerTestNode.StartAsync(data, new Dictionary<string, string?> { ["ConnectionStrings:CivicGrid"] = database }))
            {
                for (var i = 0; i < 4; i++)
                {
                    await node.AppendDecisionAsync(region, $"asset-{i}", $"curtail {i}", DecisionKind.Curtailment);
                }
                Assert.IsType<PostgresLogStorage>(node.Services.GetRequiredService<LedgerTransparencyLogs>().GetLog(region).Storage);
                Assert.False(Directory.Exists(Path.Combine(data, "ledger", region)));
            }
            // Restart on the same database: the log continues where it was.
            await using var restarted = await LedgerTestNode.StartAsync(data, new Dictionary<string, string?> { ["ConnectionStrings:CivicGrid"] = database });
            var fifth = await restarted.AppendDecisionAsync(region, "asset-4", "curtail 4", DecisionKind.Curtailment);
            Assert.Equal(4, fifth.LogIndex);
            using var client = restarted.CreateClient();
            var key = restarted.Services.GetRequiredService<LedgerTransparencyLogs>().GetLog(region).VerifierKey;
            var response = await client.GetAsync(new Uri($"/api/ledger/logs/{region}/checkpoint", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var checkpoint = SignedCheckpoint.OpenForLog(await response.Content.ReadAsByteArrayAsync(Ct), key).Checkpoint;
            Assert.Equal(5, checkpoint.Size);
            var store = await HttpTileStore.FetchAsync(client, $"/api/ledger/logs/{region}/", checkpoint.Size);
            Assert.Equal(5, TiledLogVerifier.VerifyTree(store, checkpoint, allTiles: true, checkEntries: true).Entries);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(server, database);
        }
    }

    private sealed class StorageTileStore(CivicGrid.Ledger.Storage.ILogStorage storage, long size) : ITileStore
    {
        public byte[]? Read(string path) => LogTileReader.Read(storage, path, size);
    }
}
