using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CivicGrid.Ledger;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Storage;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class LedgerCommandTests
{
    private const string TesseraKey = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";

    [Fact]
    public async Task Verify_tiles_accepts_the_tessera_log_and_rejects_a_wrong_key()
    {
        var dir = ReferenceData.Require("ledger/tessera-log");
        var ok = await CliRunner.RunAsync("ledger", "verify", "--tiles", dir, "--vkey", TesseraKey, "--json");
        Assert.Equal(0, ok.ExitCode);
        using var doc = JsonDocument.Parse(ok.StdOut);
        Assert.True(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(15, doc.RootElement.GetProperty("size").GetInt64());
        Assert.Equal(14, doc.RootElement.GetProperty("consistency_proofs_checked").GetInt32());

        using var other = NoteSigner.Generate("example.com/log/testdata");
        var bad = await CliRunner.RunAsync("ledger", "verify", "--tiles", dir, "--vkey", other.VerifierKey.Encoded);
        Assert.Equal(1, bad.ExitCode);
    }

    [Fact]
    public async Task Verify_checkpoint_exits_zero_only_for_a_valid_signature()
    {
        var dir = ReferenceData.Require("ledger/tessera-log");
        Assert.Equal(0, (await CliRunner.RunAsync("ledger", "verify", "--checkpoint", Path.Combine(dir, "checkpoint.9"), "--vkey", TesseraKey)).ExitCode);
        using var temp = RepositoryPaths.CreateTempFolder();
        var tampered = Path.Combine(temp.Path, "cp");
        await File.WriteAllTextAsync(tampered, (await File.ReadAllTextAsync(Path.Combine(dir, "checkpoint.9"), TestContext.Current.CancellationToken)).Replace("\n9\n", "\n10\n", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        Assert.Equal(1, (await CliRunner.RunAsync("ledger", "verify", "--checkpoint", tampered, "--vkey", TesseraKey)).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("ledger", "verify", "--checkpoint", tampered, "--vkey", "not-a-key")).ExitCode);
    }

    [Fact]
    public async Task Init_append_receipt_and_witness_work_end_to_end()
    {
        using var temp = RepositoryPaths.CreateTempFolder();
        var log = Path.Combine(temp.Path, "log");
        var init = await CliRunner.RunAsync("ledger", "init", log, "--origin", "civicgrid.test/north", "--json");
        Assert.Equal(0, init.ExitCode);
        var vkey = JsonDocument.Parse(init.StdOut).RootElement.GetProperty("vkey").GetString()!;
        var record = Path.Combine(temp.Path, "decision.json");
        await File.WriteAllTextAsync(record, "{ \"region\": \"north\", \"amount\": 2.50 }", TestContext.Current.CancellationToken);
        var append = await CliRunner.RunAsync("ledger", "append", log, "--data", "first", "--record", record, "--json");
        Assert.Equal(0, append.ExitCode);
        Assert.Equal(2, JsonDocument.Parse(append.StdOut).RootElement.GetProperty("size").GetInt64());

        var receiptFile = Path.Combine(temp.Path, "receipt.txt");
        Assert.Equal(0, (await CliRunner.RunAsync("ledger", "receipt", log, "--index", "1", "--out", receiptFile)).ExitCode);
        Assert.Contains("entry " + Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"amount\":2.5,\"region\":\"north\"}")),
            await File.ReadAllTextAsync(receiptFile, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(0, (await CliRunner.RunAsync("ledger", "verify", "--receipt", receiptFile, "--vkey", vkey)).ExitCode);

        var witness = Path.Combine(temp.Path, "witness");
        Assert.Equal(0, (await CliRunner.RunAsync("ledger", "init", witness, "--witness", "civicgrid.test/w1")).ExitCode);
        var request = Path.Combine(temp.Path, "request");
        var body = await CliRunner.RunAsync("ledger", "prove", log, "--from", "0", "--witness-request");
        await File.WriteAllTextAsync(request, body.StdOut, TestContext.Current.CancellationToken);
        var first = await CliRunner.RunAsync("ledger", "witness", witness, "--log-vkey", vkey, "--request", request, "--json");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(200, JsonDocument.Parse(first.StdOut).RootElement.GetProperty("status").GetInt32());
        var again = await CliRunner.RunAsync("ledger", "witness", witness, "--log-vkey", vkey, "--request", request, "--json");
        var answer = JsonDocument.Parse(again.StdOut).RootElement;
        Assert.Equal(409, answer.GetProperty("status").GetInt32());
        Assert.Equal("text/x.tlog.size", answer.GetProperty("content_type").GetString());
        Assert.Equal("2\n", answer.GetProperty("body").GetString());
    }

    /// <summary>
    /// Crash test: the CLI appends lines from standard input and prints each one only once it is fsynced;
    /// the process is killed at random moments, restarted, and killed again. Afterwards the log must verify
    /// and hold every acknowledged line at its acknowledged index.
    /// </summary>
    [Fact]
    public async Task Killing_the_appender_repeatedly_loses_no_acknowledged_entry()
    {
        using var temp = RepositoryPaths.CreateTempFolder();
        var log = Path.Combine(temp.Path, "log");
        Assert.Equal(0, (await CliRunner.RunAsync("ledger", "init", log, "--origin", "civicgrid.test/crash")).ExitCode);
        var acked = new Dictionary<long, string>();
        var random = new Random(20261122);
        for (var round = 0; round < 6; round++)
        {
            foreach (var (index, line) in await AppendUntilKilledAsync(log, round, random.Next(0, 400)))
            {
                Assert.True(acked.TryAdd(index, line), $"index {index} acknowledged twice");
            }
        }
        Assert.True(acked.Count > 100, $"only {acked.Count} entries were acknowledged before the kills");

        var verify = await CliRunner.RunAsync("ledger", "verify", "--tiles", log, "--vkey", Path.Combine(log, "log.vkey"), "--json");
        Assert.True(verify.ExitCode == 0, verify.StdOut + verify.StdErr);
        using var signer = NoteSigner.Parse((await File.ReadAllTextAsync(Path.Combine(log, "log.key"), TestContext.Current.CancellationToken)).Trim());
        await using var reopened = TransparencyLog.Open(new FileSystemLogStorage(log), signer);
        foreach (var (index, line) in acked)
        {
            Assert.Equal(line, Encoding.UTF8.GetString(reopened.ReadEntry(index)));
        }
    }

    [Fact]
    public async Task Serve_hosts_the_checkpoint_and_tiles_read_only_and_nothing_else()
    {
        using var temp = RepositoryPaths.CreateTempFolder();
        var log = Path.Combine(temp.Path, "log");
        Assert.Equal(0, (await CliRunner.RunAsync("ledger", "init", log, "--origin", "civicgrid.test/served")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("ledger", "append", log, "--data", "a", "--data", "b")).ExitCode);
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "civicgrid.dll"), "ledger", "serve", log, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }
        using var server = Process.Start(info)!;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            string? checkpoint = null;
            for (var attempt = 0; attempt < 120 && checkpoint is null; attempt++)
            {
                try
                {
                    checkpoint = await http.GetStringAsync("checkpoint", TestContext.Current.CancellationToken);
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(500, TestContext.Current.CancellationToken);
                }
            }
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(log, "public", "checkpoint"), TestContext.Current.CancellationToken), checkpoint);
            var tile = await http.GetByteArrayAsync("tile/0/000.p/2", TestContext.Current.CancellationToken);
            Assert.Equal(64, tile.Length);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("log.key", TestContext.Current.CancellationToken)).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("tile/0/000.p/9", TestContext.Current.CancellationToken)).StatusCode);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    private static async Task<List<(long, string)>> AppendUntilKilledAsync(string log, int round, int killDelayMs)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "civicgrid.dll"), "ledger", "append", log, "--lines" })
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var acks = new List<(long, string)>();
        var firstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                lock (acks)
                {
                    acks.Add((long.Parse(line[..space], System.Globalization.CultureInfo.InvariantCulture), line[(space + 1)..]));
                }
                firstAck.TrySetResult();
            }
        });
        _ = process.StandardError.ReadToEndAsync();
        var writer = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 1_000_000; i++)
                {
                    await process.StandardInput.WriteLineAsync($"round {round} line {i}");
                    if (i % 64 == 0)
                    {
                        await process.StandardInput.FlushAsync();
                    }
                }
            }
            catch (IOException)
            {
                // The child was killed: the pipe is gone.
            }
        });
        await firstAck.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(killDelayMs);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        await reader;
        await writer;
        return acks;
    }
}
