using System.Net;
using System.Text;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Witness;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// This node as a c2sp.org/tlog-witness over real HTTP, and the k-of-n publication of region checkpoints by
/// nodes that ask each other to cosign (log node → witness nodes on loopback).
/// </summary>
public sealed class LedgerWitnessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Witness_endpoint_answers_every_status_code_of_the_spec()
    {
        using var folders = new LedgerTestFolders();
        using var log = NoteSigner.Generate("example.com/witnessed-log");
        using var impostor = NoteSigner.Generate("example.com/witnessed-log");
        var data = folders.Create();
        var witnessKey = LedgerTestNode.PlaceWitnessKey(data, "witness.test");
        await using var node = await LedgerTestNode.StartAsync(data, new Dictionary<string, string?>
        {
            ["CivicGrid:Ledger:Witness:Name"] = "witness.test",
            ["CivicGrid:Ledger:Witness:Logs:0:Origin"] = log.Name,
            ["CivicGrid:Ledger:Witness:Logs:0:VerifierKey"] = log.VerifierKey.Encoded,
        });
        using var client = node.CreateClient();
        var tree = new MemoryNodeHashSource();
        for (var i = 0; i < 10; i++)
        {
            tree.AppendLeafHash(MerkleHash.Leaf(Encoding.UTF8.GetBytes($"entry {i}")));
        }
        string Signed(long size, NoteSigner signer) => SignedCheckpoint.Sign(new Checkpoint(signer.Name, size, MerkleProofs.Root(tree, size)), signer);
        Task<HttpResponseMessage> Submit(long old, IReadOnlyList<byte[]> proof, string checkpoint) =>
            LedgerHttpTests.PostTextAsync(client, "/api/ledger/witness/add-checkpoint",
                new AddCheckpointRequest(old, proof, Encoding.UTF8.GetBytes(checkpoint)).Format());

        // 200: first checkpoint, cosigned with the witness key and a timestamp.
        var first = await Submit(0, [], Signed(4, log));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var cosigned = Signed(4, log) + await first.Content.ReadAsStringAsync(Ct);
        Assert.Equal(1, SignedCheckpoint.OpenForLog(Encoding.UTF8.GetBytes(cosigned), log.VerifierKey).CountCosignatures([witnessKey]));

        // 409 with the size the witness holds, as text/x.tlog.size.
        var conflict = await Submit(0, [], Signed(7, log));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(WitnessEngine.TreeSizeContentType, conflict.Content.Headers.ContentType?.MediaType);
        Assert.Equal("4\n", await conflict.Content.ReadAsStringAsync(Ct));

        // 422: a consistency proof that does not verify.
        var bad = MerkleProofs.Consistency(tree, 4, 7).Select(h => h.ToArray()).ToList();
        bad[0][0] ^= 1;
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Submit(4, bad, Signed(7, log))).StatusCode);

        // 200 again with the right proof, and the state advanced.
        Assert.Equal(HttpStatusCode.OK, (await Submit(4, MerkleProofs.Consistency(tree, 4, 7), Signed(7, log))).StatusCode);
        Assert.Equal(7, node.Services.GetRequiredService<LedgerWitness>().Latest(log.Name)?.Size);

        // 403: the right origin signed by a key the witness does not trust for it.
        Assert.Equal(HttpStatusCode.Forbidden, (await Submit(7, MerkleProofs.Consistency(tree, 7, 10), Signed(10, impostor))).StatusCode);

        // 404: an origin the witness does not witness.
        using var other = NoteSigner.Generate("example.com/other-log");
        Assert.Equal(HttpStatusCode.NotFound, (await Submit(0, [], Signed(3, other))).StatusCode);

        // 400: a malformed body, and an old size beyond the checkpoint.
        Assert.Equal(HttpStatusCode.BadRequest, (await LedgerHttpTests.PostTextAsync(client, "/api/ledger/witness/add-checkpoint", "old 01\n\n")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Submit(9, [], Signed(8, log))).StatusCode);
    }

    [Fact]
    public async Task Region_checkpoint_is_published_only_with_k_of_n_cosignatures_and_witnesses_check_consistency()
    {
        using var folders = new LedgerTestFolders();
        var region = LedgerTestNode.FirstRegionId;
        var logData = folders.Create();
        var w1Data = folders.Create();
        var w2Data = folders.Create();
        var logKey = LedgerTestNode.PlaceRegionKey(logData, region);
        var w1Key = LedgerTestNode.PlaceWitnessKey(w1Data, "witness-one.test");
        var w2Key = LedgerTestNode.PlaceWitnessKey(w2Data, "witness-two.test");
        var w2Port = LedgerTestNode.FreePort();
        Dictionary<string, string?> WitnessSettings(string name) => new()
        {
            ["CivicGrid:DemoCity:Enabled"] = "false",
            ["CivicGrid:Ledger:Witness:Name"] = name,
            ["CivicGrid:Ledger:Witness:Logs:0:Origin"] = logKey.Name,
            ["CivicGrid:Ledger:Witness:Logs:0:VerifierKey"] = logKey.Encoded,
        };
        await using var w1 = await LedgerTestNode.StartAsync(w1Data, WitnessSettings("witness-one.test"));
        var w2 = await LedgerTestNode.StartAsync(w2Data, WitnessSettings("witness-two.test"), w2Port);
        var logSettings = new Dictionary<string, string?>
        {
            ["CivicGrid:Ledger:Publication:RequiredCosignatures"] = "2",
            ["CivicGrid:Ledger:Publication:IntervalMilliseconds"] = "600000",
            ["CivicGrid:Ledger:Publication:Witnesses:0:VerifierKey"] = w1Key.Encoded,
            ["CivicGrid:Ledger:Publication:Witnesses:0:Url"] = w1.Url + "/api/ledger/witness",
            ["CivicGrid:Ledger:Publication:Witnesses:1:VerifierKey"] = w2Key.Encoded,
            ["CivicGrid:Ledger:Publication:Witnesses:1:Url"] = $"http://127.0.0.1:{w2Port}/api/ledger/witness",
        };
        var logNode = await LedgerTestNode.StartAsync(logData, logSettings);
        try
        {
            using var client = logNode.CreateClient();
            var publisher = logNode.Services.GetRequiredService<LedgerPublisher>();
            for (var i = 0; i < 5; i++)
            {
                await logNode.AppendDecisionAsync(region, $"asset-{i}", $"shed {i}");
            }
            var result = await publisher.PublishAsync(region, Ct);
            Assert.True(result.Published, string.Join("; ", result.Problems));
            var served = await ServedCheckpointAsync(client, region, logKey);
            Assert.Equal(5, served.Checkpoint.Size);
            Assert.Equal(2, served.CountCosignatures([w1Key, w2Key]));

            // Growth: both witnesses check the consistency proof from the size they cosigned.
            for (var i = 5; i < 9; i++)
            {
                await logNode.AppendDecisionAsync(region, $"asset-{i}", $"shed {i}");
            }
            Assert.True((await publisher.PublishAsync(region, Ct)).Published);
            Assert.Equal(9, (await ServedCheckpointAsync(client, region, logKey)).Checkpoint.Size);
            Assert.Equal(9, w1.Services.GetRequiredService<LedgerWitness>().Latest(logKey.Name)?.Size);

            // One witness down: 1 of 2 is not enough, the served checkpoint stays where it was.
            await w2.DisposeAsync();
            await logNode.AppendDecisionAsync(region, "asset-9", "shed 9");
            var blocked = await publisher.PublishAsync(region, Ct);
            Assert.False(blocked.Published);
            Assert.Equal(1, blocked.Cosignatures);
            Assert.Equal(9, (await ServedCheckpointAsync(client, region, logKey)).Checkpoint.Size);

            // The witness comes back with its state on disk; a restarted log node learns its size from a 409.
            w2 = await LedgerTestNode.StartAsync(w2Data, WitnessSettings("witness-two.test"), w2Port);
            await logNode.DisposeAsync();
            logNode = await LedgerTestNode.StartAsync(logData, logSettings);
            var resumed = await logNode.Services.GetRequiredService<LedgerPublisher>().PublishAsync(region, Ct);
            Assert.True(resumed.Published, string.Join("; ", resumed.Problems));
            using var client2 = logNode.CreateClient();
            var final = await ServedCheckpointAsync(client2, region, logKey);
            Assert.Equal(10, final.Checkpoint.Size);
            Assert.Equal(2, final.CountCosignatures([w1Key, w2Key]));
        }
        finally
        {
            await logNode.DisposeAsync();
            await w2.DisposeAsync();
        }
    }

    [Fact]
    public async Task Witness_refuses_a_fork_of_a_log_it_has_cosigned()
    {
        using var folders = new LedgerTestFolders();
        var region = LedgerTestNode.FirstRegionId;
        var logData = folders.Create();
        var wData = folders.Create();
        using var logSigner = NoteSigner.Generate(LedgerTransparencyLogs.OriginOf(region));
        Directory.CreateDirectory(Path.Combine(logData, "ledger", "keys"));
        await File.WriteAllTextAsync(Path.Combine(logData, "ledger", "keys", region + ".key"), logSigner.EncodePrivate() + "\n", Ct);
        var wKey = LedgerTestNode.PlaceWitnessKey(wData, "witness.fork.test");
        await using var witness = await LedgerTestNode.StartAsync(wData, new Dictionary<string, string?>
        {
            ["CivicGrid:DemoCity:Enabled"] = "false",
            ["CivicGrid:Ledger:Witness:Name"] = "witness.fork.test",
            ["CivicGrid:Ledger:Witness:Logs:0:Origin"] = logSigner.Name,
            ["CivicGrid:Ledger:Witness:Logs:0:VerifierKey"] = logSigner.VerifierKey.Encoded,
        });
        await using var logNode = await LedgerTestNode.StartAsync(logData, new Dictionary<string, string?>
        {
            ["CivicGrid:Ledger:Publication:RequiredCosignatures"] = "1",
            ["CivicGrid:Ledger:Publication:IntervalMilliseconds"] = "600000",
            ["CivicGrid:Ledger:Publication:Witnesses:0:VerifierKey"] = wKey.Encoded,
            ["CivicGrid:Ledger:Publication:Witnesses:0:Url"] = witness.Url + "/api/ledger/witness",
        });
        for (var i = 0; i < 3; i++)
        {
            await logNode.AppendDecisionAsync(region, $"asset-{i}", $"restrict {i}");
        }
        Assert.True((await logNode.Services.GetRequiredService<LedgerPublisher>().PublishAsync(region, Ct)).Published);

        // The same key signs a different history of the same size and a longer one: the witness cosigns neither.
        var fork = new MemoryNodeHashSource();
        for (var i = 0; i < 6; i++)
        {
            fork.AppendLeafHash(MerkleHash.Leaf(Encoding.UTF8.GetBytes($"rewritten {i}")));
        }
        using var client = witness.CreateClient();
        var same = SignedCheckpoint.Sign(new Checkpoint(logSigner.Name, 3, MerkleProofs.Root(fork, 3)), logSigner);
        var sameAnswer = await LedgerHttpTests.PostTextAsync(client, "/api/ledger/witness/add-checkpoint",
            new AddCheckpointRequest(3, [], Encoding.UTF8.GetBytes(same)).Format());
        Assert.Equal(HttpStatusCode.Conflict, sameAnswer.StatusCode);
        var longer = SignedCheckpoint.Sign(new Checkpoint(logSigner.Name, 6, MerkleProofs.Root(fork, 6)), logSigner);
        var longerAnswer = await LedgerHttpTests.PostTextAsync(client, "/api/ledger/witness/add-checkpoint",
            new AddCheckpointRequest(3, MerkleProofs.Consistency(fork, 3, 6), Encoding.UTF8.GetBytes(longer)).Format());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, longerAnswer.StatusCode);
        Assert.Equal(3, witness.Services.GetRequiredService<LedgerWitness>().Latest(logSigner.Name)?.Size);
    }

    [Fact]
    public async Task Witness_monitor_fetches_the_published_log_and_detects_a_split_view()
    {
        using var folders = new LedgerTestFolders();
        var region = LedgerTestNode.FirstRegionId;
        var logData = folders.Create();
        var forkData = folders.Create();
        var wData = folders.Create();
        using var logSigner = NoteSigner.Generate(LedgerTransparencyLogs.OriginOf(region));
        foreach (var data in new[] { logData, forkData })
        {
            Directory.CreateDirectory(Path.Combine(data, "ledger", "keys"));
            await File.WriteAllTextAsync(Path.Combine(data, "ledger", "keys", region + ".key"), logSigner.EncodePrivate() + "\n", Ct);
        }
        var wKey = LedgerTestNode.PlaceWitnessKey(wData, "witness.monitor.test");
        var logPort = LedgerTestNode.FreePort();
        await using var witness = await LedgerTestNode.StartAsync(wData, new Dictionary<string, string?>
        {
            ["CivicGrid:DemoCity:Enabled"] = "false",
            ["CivicGrid:Ledger:Witness:Name"] = "witness.monitor.test",
            ["CivicGrid:Ledger:Witness:Logs:0:Origin"] = logSigner.Name,
            ["CivicGrid:Ledger:Witness:Logs:0:VerifierKey"] = logSigner.VerifierKey.Encoded,
            ["CivicGrid:Ledger:Witness:Logs:0:Url"] = $"http://127.0.0.1:{logPort}/api/ledger/logs/{region}/",
        });
        var monitor = witness.Services.GetRequiredService<LedgerWitnessMonitor>();
        await using (var logNode = await LedgerTestNode.StartAsync(logData, new Dictionary<string, string?>
        {
            ["CivicGrid:Ledger:Publication:RequiredCosignatures"] = "1",
            ["CivicGrid:Ledger:Publication:IntervalMilliseconds"] = "600000",
            ["CivicGrid:Ledger:Publication:Witnesses:0:VerifierKey"] = wKey.Encoded,
            ["CivicGrid:Ledger:Publication:Witnesses:0:Url"] = witness.Url + "/api/ledger/witness",
        }, logPort))
        {
            for (var i = 0; i < 3; i++)
            {
                await logNode.AppendDecisionAsync(region, $"asset-{i}", $"restrict {i}");
            }
            Assert.True((await logNode.Services.GetRequiredService<LedgerPublisher>().PublishAsync(region, Ct)).Published);
            var report = Assert.Single(await monitor.CheckAllAsync(Ct));
            Assert.True(report.Consistent, report.Detail);
            Assert.Equal(3, report.PublishedSize);
            Assert.Equal(3, report.CosignedSize);
        }

        // Another history under the same key and URL, longer than what the witness cosigned: a split view.
        await using var forkNode = await LedgerTestNode.StartAsync(forkData, new Dictionary<string, string?>(), logPort);
        for (var i = 0; i < 6; i++)
        {
            await forkNode.AppendDecisionAsync(region, $"other-{i}", $"different {i}");
        }
        var fork = Assert.Single(await monitor.CheckAllAsync(Ct));
        Assert.False(fork.Consistent, fork.Detail);
        Assert.Equal(6, fork.PublishedSize);
        using var client = witness.CreateClient();
        var view = await (await client.GetAsync(new Uri("/api/ledger/witness", UriKind.Relative), Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"consistent\":false", view, StringComparison.Ordinal);
    }

    private static async Task<SignedCheckpoint> ServedCheckpointAsync(HttpClient client, string region, NoteVerifierKey logKey)
    {
        var response = await client.GetAsync(new Uri($"/api/ledger/logs/{region}/checkpoint", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return SignedCheckpoint.OpenForLog(await response.Content.ReadAsByteArrayAsync(Ct), logKey);
    }
}
