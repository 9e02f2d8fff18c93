using System.Net;
using System.Text;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Ledger.Tiles;
using CivicGrid.Platform.Decisions;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// The ledger's HTTP face on the real server: tiles fetched over HTTP are verified with the engine's verifier
/// against the served checkpoint, receipts verify offline, and bad requests get the right status.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class LedgerHttpTests(SqliteServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tiles_fetched_over_http_verify_against_the_served_checkpoint()
    {
        var server = await fixture.ServerAsync();
        var region = (await server.RegionIdsAsync())[^1];
        // More than one full tile and bundle (256), so full and partial tiles are both served.
        await AppendDecisionsAsync(server.Services, region, 300);
        using var client = server.CreateApiClient();

        var log = await (await client.GetAtAsync($"/api/ledger/logs/{region}")).JsonAsync();
        var key = NoteVerifierKey.Parse(log.GetProperty("verifierKey").GetString()!);
        var response = await client.GetAtAsync($"/api/ledger/logs/{region}/checkpoint");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var checkpoint = SignedCheckpoint.OpenForLog(await response.Content.ReadAsByteArrayAsync(Ct), key).Checkpoint;
        Assert.True(checkpoint.Size >= 300);
        Assert.Equal(LedgerTransparencyLogs.OriginOf(region), checkpoint.Origin);

        var store = await HttpTileStore.FetchAsync(client, $"/api/ledger/logs/{region}/", checkpoint.Size);
        var (entries, tiles) = TiledLogVerifier.VerifyTree(store, checkpoint, allTiles: true, checkEntries: true);
        Assert.Equal(checkpoint.Size, entries);
        Assert.True(tiles >= 3, $"{tiles} tiles checked");
        Assert.Contains(store.CacheControl, kv => !kv.Key.Contains(".p/", StringComparison.Ordinal) && kv.Value.Contains("immutable", StringComparison.Ordinal));
        Assert.All(store.CacheControl.Where(kv => kv.Key.Contains(".p/", StringComparison.Ordinal)),
            kv => Assert.DoesNotContain("immutable", kv.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Receipts_by_index_and_by_decision_verify_offline_and_tampering_is_detected()
    {
        var server = await fixture.ServerAsync();
        var region = (await server.RegionIdsAsync())[0];
        var decisions = await AppendDecisionsAsync(server.Services, region, 3);
        using var client = server.CreateApiClient();
        var key = NoteVerifierKey.Parse((await (await client.GetAtAsync($"/api/ledger/logs/{region}")).JsonAsync()).GetProperty("verifierKey").GetString()!);

        var byIndex = await (await client.GetAtAsync($"/api/ledger/logs/{region}/receipts/{decisions[1].LogIndex}")).Content.ReadAsStringAsync(Ct);
        var receipt = Receipt.Parse(byIndex);
        Assert.True(receipt.Verify(key).IsValid);
        Assert.Equal(decisions[1].CanonicalJson, Encoding.UTF8.GetString(receipt.Entry));

        var byDecision = await client.GetAtAsync($"/api/ledger/decisions/{decisions[2].Record.Id}/receipt");
        Assert.Equal(HttpStatusCode.OK, byDecision.StatusCode);
        var text = await byDecision.Content.ReadAsStringAsync(Ct);
        Assert.True(Receipt.Parse(text).Verify(key).IsValid);

        var valid = await (await PostTextAsync(client, "/api/ledger/receipts/verify", text)).JsonAsync();
        Assert.True(valid.GetProperty("isValid").GetBoolean());
        Assert.Equal(region, valid.GetProperty("regionId").GetString());

        var forged = new Receipt(receipt.Index, Encoding.UTF8.GetBytes(decisions[1].CanonicalJson.Replace("test of the ledger", "forged", StringComparison.Ordinal)),
            receipt.Proof, receipt.SignedCheckpoint).Format();
        var invalid = await (await PostTextAsync(client, "/api/ledger/receipts/verify", forged)).JsonAsync();
        Assert.False(invalid.GetProperty("isValid").GetBoolean());
        var garbage = await (await PostTextAsync(client, "/api/ledger/receipts/verify", "hello")).JsonAsync();
        Assert.False(garbage.GetProperty("isValid").GetBoolean());
    }

    [Fact]
    public async Task Bad_tile_paths_unknown_regions_and_tiles_beyond_the_tree_are_refused()
    {
        var server = await fixture.ServerAsync();
        var region = (await server.RegionIdsAsync())[0];
        await AppendDecisionsAsync(server.Services, region, 1);
        using var client = server.CreateApiClient();
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAtAsync($"/api/ledger/logs/{region}/tile/0/12")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAtAsync($"/api/ledger/logs/{region}/tile/0/000.p/256")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAtAsync($"/api/ledger/logs/{region}/tile/0/x001/000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAtAsync($"/api/ledger/logs/{region}/tile/entries/999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAtAsync("/api/ledger/logs/no-such-region/checkpoint")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAtAsync($"/api/ledger/logs/{region}/receipts/99999999")).StatusCode);
        // Anyone may read the log: no API key was sent.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAtAsync($"/api/ledger/logs/{region}/tile/entries/000.p/1")).StatusCode);
    }

    [Fact]
    public async Task Witness_endpoint_of_a_node_witnessing_no_log_answers_404_and_400()
    {
        var server = await fixture.ServerAsync();
        using var client = server.CreateApiClient();
        using var log = NoteSigner.Generate("example.com/unknown-log");
        var checkpoint = SignedCheckpoint.Sign(new Checkpoint(log.Name, 0, CivicGrid.Ledger.Merkle.MerkleHash.EmptyRoot()), log);
        var unknown = await PostTextAsync(client, "/api/ledger/witness/add-checkpoint", "old 0\n\n" + checkpoint);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var malformed = await PostTextAsync(client, "/api/ledger/witness/add-checkpoint", "not a request");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("text/plain", malformed.Content.Headers.ContentType?.MediaType);
    }

    internal static async Task<HttpResponseMessage> PostTextAsync(HttpClient client, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "text/plain");
        return await client.PostAsync(new Uri(path, UriKind.Relative), content, Ct);
    }

    private static async Task<List<DecisionReceipt>> AppendDecisionsAsync(IServiceProvider services, string region, int count)
    {
        var results = new DecisionReceipt[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (i, ct) =>
        {
            using var scope = services.CreateScope();
            var log = scope.ServiceProvider.GetRequiredService<IDecisionLog>();
            results[i] = await log.AppendAsync(new DecisionRequest(DecisionKind.WaterRestriction, region, [$"{region}-asset-{i}"], DecisionActor.Automatic,
                new DecisionAlgorithm("ledger-http-test", "1"), DecisionRequest.DigestOf($"input {i}"), $"outcome {i}", "test of the ledger"), ct);
        });
        return [.. results.OrderBy(r => r.LogIndex)];
    }
}

/// <summary>The tiles of one tree size, fetched over HTTP up front (the verifier reads synchronously).</summary>
internal sealed class HttpTileStore : ITileStore
{
    private readonly Dictionary<string, byte[]> _tiles = new(StringComparer.Ordinal);

    /// <summary>Cache-Control of each fetched path.</summary>
    public Dictionary<string, string> CacheControl { get; } = new(StringComparer.Ordinal);

    public byte[]? Read(string path) => _tiles.GetValueOrDefault(path);

    /// <summary>Fetches every hash tile and entry bundle of a tree of <paramref name="size"/> under <paramref name="prefix"/>.</summary>
    public static async Task<HttpTileStore> FetchAsync(HttpClient client, string prefix, long size)
    {
        var store = new HttpTileStore();
        var paths = new List<string>();
        for (var level = 0; (size >> (TilePath.TileHeight * level)) > 0; level++)
        {
            var nodes = size >> (TilePath.TileHeight * level);
            for (long i = 0; i * TilePath.TileWidth < nodes; i++)
            {
                paths.Add(TilePath.HashTile(level, i, (int)Math.Min(TilePath.TileWidth, nodes - (i * TilePath.TileWidth))));
            }
        }
        for (long i = 0; i * TilePath.TileWidth < size; i++)
        {
            paths.Add(TilePath.EntryBundle(i, (int)Math.Min(TilePath.TileWidth, size - (i * TilePath.TileWidth))));
        }
        foreach (var path in paths)
        {
            var response = await client.GetAsync(new Uri(prefix + path, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
            store._tiles[path] = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            store.CacheControl[path] = response.Headers.CacheControl?.ToString() ?? "";
        }
        return store;
    }
}
