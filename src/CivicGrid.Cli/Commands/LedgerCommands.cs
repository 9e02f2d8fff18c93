using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using CivicGrid.Ledger;
using CivicGrid.Ledger.Canonical;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Ledger.Storage;
using CivicGrid.Ledger.Tiles;
using CivicGrid.Ledger.Witness;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid ledger …</c>: create, append to, prove, verify, witness and serve transparency logs.</summary>
public sealed class LedgerCommands : ICommandGroup
{
    private const string LogKeyFile = "log.key";
    private const string LogVkeyFile = "log.vkey";
    private const string WitnessKeyFile = "witness.key";
    private const string WitnessVkeyFile = "witness.vkey";
    private const string WitnessStateFile = "witness-state.json";

    public Command Build()
    {
        var ledger = new Command("ledger", "Transparency log: C2SP checkpoints, tiles, proofs, receipts and witnessing");
        ledger.Subcommands.Add(Init());
        ledger.Subcommands.Add(Append());
        ledger.Subcommands.Add(CheckpointCommand());
        ledger.Subcommands.Add(Prove());
        ledger.Subcommands.Add(Verify());
        ledger.Subcommands.Add(ReceiptCommand());
        ledger.Subcommands.Add(WitnessCommand());
        ledger.Subcommands.Add(Serve());
        return ledger;
    }

    private static Argument<DirectoryInfo> DirArgument() => new("dir") { Description = "The log's folder" };

    private static Command Init()
    {
        var dir = DirArgument();
        var origin = new Option<string>("--origin") { Description = "Create a log with this origin (key name), e.g. civicgrid.example/region-north" };
        var witness = new Option<string>("--witness") { Description = "Create a witness with this cosigner name instead of a log" };
        var cmd = new Command("init", "Create a log (Ed25519 key + empty tiles) or a witness (cosigner key + state)");
        cmd.Arguments.Add(dir);
        cmd.Options.Add(origin);
        cmd.Options.Add(witness);
        cmd.SetAction(async (parse, ct) =>
        {
            var folder = parse.GetValue(dir)!.FullName;
            var name = parse.GetValue(origin);
            var witnessName = parse.GetValue(witness);
            if ((name is null) == (witnessName is null))
            {
                return CliOutput.Error(parse, "give exactly one of --origin (a log) or --witness (a witness)");
            }
            var keyFile = Path.Combine(folder, name is not null ? LogKeyFile : WitnessKeyFile);
            if (File.Exists(keyFile))
            {
                return CliOutput.Error(parse, $"{keyFile} already exists");
            }
            Directory.CreateDirectory(folder);
            NoteSigner signer;
            try
            {
                signer = NoteSigner.Generate(name ?? witnessName!, name is not null ? NoteSignatureType.Ed25519 : NoteSignatureType.CosignatureV1);
            }
            catch (LedgerFormatException ex)
            {
                return CliOutput.Error(parse, ex.Message);
            }
            using (signer)
            {
                WriteSecret(keyFile, signer.EncodePrivate() + "\n");
                var vkey = signer.VerifierKey.Encoded;
                await File.WriteAllTextAsync(Path.Combine(folder, name is not null ? LogVkeyFile : WitnessVkeyFile), vkey + "\n", ct);
                if (name is not null)
                {
                    await using var log = TransparencyLog.Open(new FileSystemLogStorage(folder), signer);
                }
                if (parse.GetValue(CliOutput.Json))
                {
                    CliOutput.WriteJson(new { dir = folder, kind = name is not null ? "log" : "witness", vkey });
                }
                else
                {
                    Console.Out.WriteLine(vkey);
                }
            }
            return CliOutput.Ok;
        });
        return cmd;
    }

    private static void WriteSecret(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var fs = new FileStream(path, options);
        fs.Write(Encoding.UTF8.GetBytes(text));
        fs.Flush(flushToDisk: true);
    }

    private static NoteSigner LoadSigner(string folder, string file) =>
        NoteSigner.Parse(File.ReadAllText(Path.Combine(folder, file)).Trim());

    private static TransparencyLog OpenLog(string folder)
    {
        if (!File.Exists(Path.Combine(folder, LogKeyFile)))
        {
            throw new LedgerFormatException("not a log folder (no log.key): run 'civicgrid ledger init DIR --origin NAME'", folder);
        }
        return TransparencyLog.Open(new FileSystemLogStorage(folder), LoadSigner(folder, LogKeyFile));
    }

    private static Command Append()
    {
        var dir = DirArgument();
        var data = new Option<string[]>("--data") { Description = "Append this text (UTF-8) as an entry; repeatable", AllowMultipleArgumentsPerToken = false };
        var file = new Option<FileInfo>("--file") { Description = "Append the bytes of this file (up to 65,535) as an entry" };
        var record = new Option<FileInfo>("--record") { Description = "Append this JSON file in RFC 8785 canonical form" };
        var payload = new Option<FileInfo>("--payload") { Description = "Store this file of any size and append a hash+pointer entry" };
        var lines = new Option<bool>("--lines") { Description = "Append each line of standard input; print '<index> <line>' once it is durable" };
        var cmd = new Command("append", "Append entries; each is acknowledged only after it is fsynced");
        cmd.Arguments.Add(dir);
        cmd.Options.Add(data);
        cmd.Options.Add(file);
        cmd.Options.Add(record);
        cmd.Options.Add(payload);
        cmd.Options.Add(lines);
        cmd.SetAction(async (parse, ct) =>
        {
            var folder = parse.GetValue(dir)!.FullName;
            try
            {
                var entries = new List<byte[]>();
                foreach (var d in parse.GetValue(data) ?? [])
                {
                    entries.Add(Encoding.UTF8.GetBytes(d));
                }
                if (parse.GetValue(file) is { } f)
                {
                    entries.Add(await File.ReadAllBytesAsync(f.FullName, ct));
                }
                if (parse.GetValue(record) is { } r)
                {
                    entries.Add(JsonCanonicalizer.CanonicalizeToUtf8(await File.ReadAllTextAsync(r.FullName, ct), r.FullName));
                }
                if (parse.GetValue(payload) is { } p)
                {
                    await using var stream = File.OpenRead(p.FullName);
                    var pointer = await new PayloadStore(Path.Combine(folder, "payloads")).StoreAsync(stream, ct);
                    entries.Add(pointer.ToEntry());
                }
                var streaming = parse.GetValue(lines);
                if (entries.Count == 0 && !streaming)
                {
                    return CliOutput.Error(parse, "nothing to append: give --data, --file, --record, --payload or --lines");
                }
                if (entries.Any(e => e.Length > EntryBundle.MaxEntrySize))
                {
                    return CliOutput.Error(parse, "an entry exceeds 65,535 bytes: use --payload for large content");
                }
                await using var log = OpenLog(folder);
                var indexes = new List<long>();
                foreach (var e in entries)
                {
                    indexes.Add(await log.AppendAsync(e, ct));
                }
                if (streaming)
                {
                    await AppendLinesAsync(log, ct);
                }
                var cp = await log.WaitForCheckpointAsync(indexes.Count == 0 ? 0 : indexes[^1] + 1, ct);
                if (parse.GetValue(CliOutput.Json))
                {
                    CliOutput.WriteJson(new { indexes, size = cp.Checkpoint.Size, root = Convert.ToBase64String(cp.Checkpoint.RootHash) });
                }
                else if (!streaming)
                {
                    foreach (var i in indexes)
                    {
                        Console.Out.WriteLine(i.ToString(CultureInfo.InvariantCulture));
                    }
                }
                return CliOutput.Ok;
            }
            catch (Exception ex) when (ex is LedgerFormatException or IOException or UnauthorizedAccessException)
            {
                return CliOutput.Error(parse, ex.Message);
            }
        });
        return cmd;
    }

    private static async Task AppendLinesAsync(TransparencyLog log, CancellationToken ct)
    {
        // Lines are submitted as they arrive (group commit batches them); each is echoed only once durable.
        using var reader = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
        var acks = new List<Task>();
        var output = new SemaphoreSlim(1, 1);
        string? line;
        while ((line = await reader.ReadLineAsync(ct)) is not null)
        {
            var text = line;
            acks.Add(log.AppendAsync(Encoding.UTF8.GetBytes(text), ct).ContinueWith(
                async t =>
                {
                    var index = await t.ConfigureAwait(false);
                    await output.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        await Console.Out.WriteLineAsync(index.ToString(CultureInfo.InvariantCulture) + " " + text).ConfigureAwait(false);
                        await Console.Out.FlushAsync(ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        output.Release();
                    }
                },
                ct, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap());
        }
        await Task.WhenAll(acks);
    }

    private static Command CheckpointCommand()
    {
        var dir = DirArgument();
        var cmd = new Command("checkpoint", "Print the log's latest signed checkpoint");
        cmd.Arguments.Add(dir);
        cmd.SetAction(parse =>
        {
            var folder = parse.GetValue(dir)!.FullName;
            var file = Path.Combine(folder, "public", "checkpoint");
            if (!File.Exists(file))
            {
                return CliOutput.Error(parse, $"{file} not found");
            }
            var note = File.ReadAllText(file);
            try
            {
                var cp = Checkpoint.Parse(SignedNote.Parse(Encoding.UTF8.GetBytes(note)).Text, file);
                if (parse.GetValue(CliOutput.Json))
                {
                    CliOutput.WriteJson(new { origin = cp.Origin, size = cp.Size, root = Convert.ToBase64String(cp.RootHash), note });
                }
                else
                {
                    Console.Out.Write(note);
                }
                return CliOutput.Ok;
            }
            catch (Exception ex) when (ex is LedgerFormatException or NoteVerificationException)
            {
                return CliOutput.Error(parse, ex.Message);
            }
        });
        return cmd;
    }

    private static Command Prove()
    {
        var dir = DirArgument();
        var index = new Option<long?>("--index") { Description = "Inclusion proof for this entry" };
        var size = new Option<long?>("--size") { Description = "Tree size to prove against (default: latest checkpoint)" };
        var from = new Option<long?>("--from") { Description = "Consistency proof from this size (to --size or the latest)" };
        var request = new Option<bool>("--witness-request") { Description = "With --from: print a tlog-witness add-checkpoint body for the latest checkpoint" };
        var cmd = new Command("prove", "Print an inclusion or consistency proof (base64 hashes, one per line)");
        cmd.Arguments.Add(dir);
        cmd.Options.Add(index);
        cmd.Options.Add(size);
        cmd.Options.Add(from);
        cmd.Options.Add(request);
        cmd.SetAction(async (parse, ct) =>
        {
            try
            {
                await using var log = OpenLog(parse.GetValue(dir)!.FullName);
                var latest = log.LatestCheckpoint;
                var n = parse.GetValue(size) ?? latest.Checkpoint.Size;
                if (n > latest.Checkpoint.Size || n < 0)
                {
                    return CliOutput.Error(parse, $"size {n} is beyond the latest checkpoint ({latest.Checkpoint.Size})");
                }
                IReadOnlyList<byte[]> proof;
                string kind;
                if (parse.GetValue(index) is { } i)
                {
                    if (i < 0 || i >= n)
                    {
                        return CliOutput.Error(parse, $"entry {i} is not in a tree of size {n}");
                    }
                    proof = log.InclusionProof(i, n);
                    kind = "inclusion";
                }
                else if (parse.GetValue(from) is { } m)
                {
                    if (parse.GetValue(request))
                    {
                        var p = m == 0 || m == latest.Checkpoint.Size ? [] : log.ConsistencyProof(m, latest.Checkpoint.Size);
                        Console.Out.Write(new AddCheckpointRequest(m, p, Encoding.UTF8.GetBytes(latest.NoteText)).Format());
                        return CliOutput.Ok;
                    }
                    if (m <= 0 || m > n)
                    {
                        return CliOutput.Error(parse, $"no consistency proof from size {m} to {n}");
                    }
                    proof = log.ConsistencyProof(m, n);
                    kind = "consistency";
                }
                else
                {
                    return CliOutput.Error(parse, "give --index (inclusion) or --from (consistency)");
                }
                var hashes = proof.Select(Convert.ToBase64String).ToList();
                if (parse.GetValue(CliOutput.Json))
                {
                    CliOutput.WriteJson(new { kind, index = parse.GetValue(index), from = parse.GetValue(from), size = n, proof = hashes });
                }
                else
                {
                    foreach (var h in hashes)
                    {
                        Console.Out.WriteLine(h);
                    }
                }
                return CliOutput.Ok;
            }
            catch (Exception ex) when (ex is LedgerFormatException or IOException)
            {
                return CliOutput.Error(parse, ex.Message);
            }
        });
        return cmd;
    }

    private static NoteVerifierKey ParseKey(string value)
    {
        var text = File.Exists(value) ? File.ReadAllText(value).Trim() : value.Trim();
        return NoteVerifierKey.Parse(text);
    }

    private static Command Verify()
    {
        var tiles = new Option<DirectoryInfo>("--tiles") { Description = "A static tlog-tiles folder (checkpoint, tile/…) to verify end to end" };
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "One signed checkpoint file to verify" };
        var receipt = new Option<FileInfo>("--receipt") { Description = "An offline receipt file to verify" };
        var vkey = new Option<string>("--vkey") { Description = "The log's verifier key (name+hex8+base64) or a file holding it", Required = true };
        var witnesses = new Option<string[]>("--witness-vkey") { Description = "A trusted witness key (repeatable)" };
        var quorum = new Option<int>("--quorum") { Description = "Cosignatures required from the --witness-vkey keys", DefaultValueFactory = _ => 0 };
        var cmd = new Command("verify", "Verify a tiles log, a checkpoint or a receipt; exit 0 only if valid");
        cmd.Options.Add(tiles);
        cmd.Options.Add(checkpoint);
        cmd.Options.Add(receipt);
        cmd.Options.Add(vkey);
        cmd.Options.Add(witnesses);
        cmd.Options.Add(quorum);
        cmd.SetAction(parse =>
        {
            NoteVerifierKey key;
            List<NoteVerifierKey> witnessKeys;
            try
            {
                key = ParseKey(parse.GetValue(vkey)!);
                witnessKeys = [.. (parse.GetValue(witnesses) ?? []).Select(ParseKey)];
            }
            catch (LedgerFormatException ex)
            {
                return CliOutput.Error(parse, ex.Message);
            }
            var json = parse.GetValue(CliOutput.Json);
            if (parse.GetValue(tiles) is { } dir)
            {
                if (!dir.Exists)
                {
                    return CliOutput.Error(parse, $"{dir.FullName} not found");
                }
                var root = Directory.Exists(Path.Combine(dir.FullName, "public")) && !File.Exists(Path.Combine(dir.FullName, "checkpoint"))
                    ? Path.Combine(dir.FullName, "public") : dir.FullName;
                var report = TiledLogVerifier.Verify(new DirectoryTileStore(root), key, TiledLogVerifier.FindCheckpoints(root));
                if (json)
                {
                    CliOutput.WriteJson(new
                    {
                        valid = report.IsValid,
                        checkpoints = report.Checkpoints.Select(c => c.Size),
                        size = report.Checkpoints.Count > 0 ? report.Checkpoints[^1].Size : 0,
                        entries_checked = report.EntriesChecked,
                        tiles_checked = report.TilesChecked,
                        consistency_proofs_checked = report.ConsistencyProofsChecked,
                        errors = report.Errors,
                    });
                }
                else
                {
                    var table = new Table().AddColumn("check").AddColumn("result");
                    table.AddRow("checkpoints verified", report.Checkpoints.Count.ToString(CultureInfo.InvariantCulture));
                    table.AddRow("tree size", (report.Checkpoints.Count > 0 ? report.Checkpoints[^1].Size : 0).ToString(CultureInfo.InvariantCulture));
                    table.AddRow("entries checked", report.EntriesChecked.ToString(CultureInfo.InvariantCulture));
                    table.AddRow("tiles checked", report.TilesChecked.ToString(CultureInfo.InvariantCulture));
                    table.AddRow("consistency proofs", report.ConsistencyProofsChecked.ToString(CultureInfo.InvariantCulture));
                    table.AddRow("result", report.IsValid ? "[green]valid[/]" : "[red]INVALID[/]");
                    CliOutput.Human(parse).Write(table);
                    foreach (var e in report.Errors)
                    {
                        Console.Error.WriteLine("error: " + e);
                    }
                }
                return report.IsValid ? CliOutput.Ok : CliOutput.Failed;
            }
            if (parse.GetValue(checkpoint) is { } cpFile)
            {
                if (!cpFile.Exists)
                {
                    return CliOutput.Error(parse, $"{cpFile.FullName} not found");
                }
                try
                {
                    var opened = SignedCheckpoint.OpenForLog(File.ReadAllBytes(cpFile.FullName), key, cpFile.FullName);
                    var cosigned = opened.CountCosignatures(witnessKeys);
                    var ok = cosigned >= parse.GetValue(quorum);
                    Report(parse, ok, ok ? "checkpoint signature is valid" : $"only {cosigned} cosignatures", opened.Checkpoint, cosigned);
                    return ok ? CliOutput.Ok : CliOutput.Failed;
                }
                catch (Exception ex) when (ex is NoteVerificationException or LedgerFormatException)
                {
                    Report(parse, false, ex.Message, null, 0);
                    return CliOutput.Failed;
                }
            }
            if (parse.GetValue(receipt) is { } rFile)
            {
                try
                {
                    var result = Receipt.Parse(File.ReadAllText(rFile.FullName), rFile.FullName).Verify(key, witnessKeys, parse.GetValue(quorum));
                    Report(parse, result.IsValid, result.Reason, result.Checkpoint, result.Cosignatures);
                    return result.IsValid ? CliOutput.Ok : CliOutput.Failed;
                }
                catch (Exception ex) when (ex is LedgerFormatException or IOException)
                {
                    return CliOutput.Error(parse, ex.Message);
                }
            }
            return CliOutput.Error(parse, "give --tiles, --checkpoint or --receipt");
        });
        return cmd;
    }

    private static void Report(ParseResult parse, bool valid, string reason, Checkpoint? cp, int cosignatures)
    {
        if (parse.GetValue(CliOutput.Json))
        {
            CliOutput.WriteJson(new { valid, reason, origin = cp?.Origin, size = cp?.Size, root = cp is null ? null : Convert.ToBase64String(cp.RootHash), cosignatures });
        }
        else
        {
            var line = (valid ? "valid: " : "INVALID: ") + reason + (cp is null ? string.Empty : $" ({cp.Origin}, size {cp.Size})");
            if (valid)
            {
                Console.Out.WriteLine(line);
            }
            else
            {
                Console.Error.WriteLine(line);
            }
        }
    }

    private static Command ReceiptCommand()
    {
        var dir = DirArgument();
        var index = new Option<long>("--index") { Description = "The entry", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Write the receipt here instead of standard output" };
        var cmd = new Command("receipt", "Write an offline receipt (entry + signed checkpoint + inclusion proof)");
        cmd.Arguments.Add(dir);
        cmd.Options.Add(index);
        cmd.Options.Add(output);
        cmd.SetAction(async (parse, ct) =>
        {
            try
            {
                await using var log = OpenLog(parse.GetValue(dir)!.FullName);
                var i = parse.GetValue(index);
                if (i < 0 || i >= log.LatestCheckpoint.Checkpoint.Size)
                {
                    return CliOutput.Error(parse, $"entry {i} is not in the log (size {log.LatestCheckpoint.Checkpoint.Size})");
                }
                var text = log.CreateReceipt(i).Format();
                if (parse.GetValue(output) is { } f)
                {
                    await File.WriteAllTextAsync(f.FullName, text, ct);
                    if (parse.GetValue(CliOutput.Json))
                    {
                        CliOutput.WriteJson(new { index = i, file = f.FullName });
                    }
                }
                else if (parse.GetValue(CliOutput.Json))
                {
                    CliOutput.WriteJson(new { index = i, receipt = text });
                }
                else
                {
                    Console.Out.Write(text);
                }
                return CliOutput.Ok;
            }
            catch (Exception ex) when (ex is LedgerFormatException or IOException)
            {
                return CliOutput.Error(parse, ex.Message);
            }
        });
        return cmd;
    }

    private static Command WitnessCommand()
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = "The witness folder (from 'ledger init DIR --witness NAME')" };
        var logKeys = new Option<string[]>("--log-vkey") { Description = "A log key the witness trusts (repeatable)", Required = true };
        var request = new Option<FileInfo>("--request") { Description = "The add-checkpoint request body ('-' or absent: standard input)" };
        var cmd = new Command("witness", "Answer one tlog-witness add-checkpoint request: print status, content type and body; exit 0 on 200");
        cmd.Arguments.Add(dir);
        cmd.Options.Add(logKeys);
        cmd.Options.Add(request);
        cmd.SetAction(async (parse, ct) =>
        {
            var folder = parse.GetValue(dir)!.FullName;
            try
            {
                using var signer = LoadSigner(folder, WitnessKeyFile);
                var keys = (parse.GetValue(logKeys) ?? []).Select(ParseKey).ToList();
                var engine = new WitnessEngine(signer, new FileWitnessStateStore(Path.Combine(folder, WitnessStateFile)), TimeProvider.System, keys);
                byte[] body;
                if (parse.GetValue(request) is { } f && f.Name != "-")
                {
                    body = await File.ReadAllBytesAsync(f.FullName, ct);
                }
                else
                {
                    using var ms = new MemoryStream();
                    await Console.OpenStandardInput().CopyToAsync(ms, ct);
                    body = ms.ToArray();
                }
                var response = engine.AddCheckpoint(body);
                if (parse.GetValue(CliOutput.Json))
                {
                    CliOutput.WriteJson(new { status = response.Status, content_type = response.ContentType, body = response.BodyText });
                }
                else
                {
                    Console.Error.WriteLine($"{response.Status} {response.ContentType}");
                    Console.Out.Write(response.BodyText);
                }
                return response.Status == 200 ? CliOutput.Ok : CliOutput.Failed;
            }
            catch (Exception ex) when (ex is LedgerFormatException or IOException or ArgumentException)
            {
                return CliOutput.Error(parse, ex.Message);
            }
        });
        return cmd;
    }

    private static Command Serve()
    {
        var dir = DirArgument();
        var port = new Option<int>("--port") { Description = "TCP port on localhost", DefaultValueFactory = _ => 8080 };
        var cmd = new Command("serve", "Serve the log's public folder (checkpoint, tiles, bundles) read-only over HTTP until stopped");
        cmd.Arguments.Add(dir);
        cmd.Options.Add(port);
        cmd.SetAction(async (parse, ct) =>
        {
            var folder = parse.GetValue(dir)!.FullName;
            var root = Directory.Exists(Path.Combine(folder, "public")) ? Path.Combine(folder, "public") : folder;
            var store = new DirectoryTileStore(root);
            using var listener = new HttpListener();
            var prefix = $"http://127.0.0.1:{parse.GetValue(port).ToString(CultureInfo.InvariantCulture)}/";
            listener.Prefixes.Add(prefix);
            try
            {
                listener.Start();
            }
            catch (HttpListenerException ex)
            {
                return CliOutput.Error(parse, $"cannot listen on {prefix}: {ex.Message}");
            }
            Console.Error.WriteLine($"serving {root} at {prefix}");
            using var stop = ct.Register(listener.Stop);
            while (!ct.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    break;
                }
                ServeOne(context, store);
            }
            return CliOutput.Ok;
        });
        return cmd;
    }

    private static void ServeOne(HttpListenerContext context, DirectoryTileStore store)
    {
        using var response = context.Response;
        var path = context.Request.Url?.AbsolutePath.TrimStart('/') ?? string.Empty;
        if (context.Request.HttpMethod != "GET" && context.Request.HttpMethod != "HEAD")
        {
            response.StatusCode = 405;
            return;
        }
        var valid = path == "checkpoint" || IsTilePath(path);
        var data = valid ? store.Read(path) : null;
        if (data is null)
        {
            response.StatusCode = 404;
            return;
        }
        response.ContentType = path == "checkpoint" ? "text/plain; charset=utf-8" : "application/octet-stream";
        // Full tiles never change; partial tiles and the checkpoint do.
        response.Headers["Cache-Control"] = path == "checkpoint" || path.Contains(".p/", StringComparison.Ordinal) ? "no-cache" : "public, max-age=604800, immutable";
        response.ContentLength64 = data.Length;
        if (context.Request.HttpMethod == "GET")
        {
            response.OutputStream.Write(data);
        }
    }

    private static bool IsTilePath(string path)
    {
        try
        {
            TilePath.Parse(path);
            return true;
        }
        catch (LedgerFormatException)
        {
            return false;
        }
    }
}
