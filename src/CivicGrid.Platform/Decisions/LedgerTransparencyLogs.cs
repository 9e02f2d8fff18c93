using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CivicGrid.Ledger;
using CivicGrid.Ledger.Canonical;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Storage;
using CivicGrid.Platform.Ledger;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Decisions;

/// <summary>
/// One CivicGrid.Ledger <see cref="TransparencyLog"/> per region: entries and tlog-tiles under
/// <c>&lt;data&gt;/ledger/&lt;region&gt;/</c>, the region's Ed25519 checkpoint key in
/// <c>&lt;data&gt;/ledger/keys/&lt;region&gt;.key</c> (created on first use, owner-only). An append is acknowledged
/// once it is durable and covered by a signed checkpoint; the receipt is the ledger's offline receipt text.
/// With the PostgreSQL provider the entries and tree live in the database (<see cref="PostgresLogStorage"/>) and
/// only the key stays on disk. When witnessing is configured (<see cref="LedgerPublicationOptions"/>) the log's
/// storage publishes only checkpoints that <see cref="LedgerPublisher"/> had cosigned.
/// </summary>
public sealed class LedgerTransparencyLogs : ITransparencyLogs, IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<TransparencyLog>> _logs = new(StringComparer.Ordinal);
    private readonly IOptions<PlatformOptions> _options;
    private readonly IOptions<LedgerOptions> _ledgerOptions;

    public LedgerTransparencyLogs(IOptions<PlatformOptions> options)
        : this(options, Options.Create(new LedgerOptions()))
    {
    }

    public LedgerTransparencyLogs(IOptions<PlatformOptions> options, IOptions<LedgerOptions> ledgerOptions)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _ledgerOptions = ledgerOptions ?? throw new ArgumentNullException(nameof(ledgerOptions));
    }

    /// <summary>The checkpoint origin (key name) of a region's log.</summary>
    public static string OriginOf(string regionId) => "civicgrid/" + regionId;

    public byte[] Canonicalize(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return JsonCanonicalizer.CanonicalizeToUtf8(node.ToJsonString(), "decision record");
    }

    public async Task<TransparencyLogAppend> AppendAsync(string regionId, ReadOnlyMemory<byte> entry, CancellationToken cancellationToken)
    {
        var log = Log(regionId);
        var receipt = await log.AppendWithReceiptAsync(entry.ToArray(), cancellationToken).ConfigureAwait(false);
        return new TransparencyLogAppend(receipt.Index, receipt.Format());
    }

    public string GetVerifierKey(string regionId) => Log(regionId).VerifierKey.Encoded;

    public async ValueTask DisposeAsync()
    {
        foreach (var log in _logs.Values.Where(l => l.IsValueCreated))
        {
            await log.Value.DisposeAsync().ConfigureAwait(false);
        }
        _logs.Clear();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The open log of <paramref name="regionId"/> (opened, and created if new, on first use).</summary>
    public TransparencyLog GetLog(string regionId) => Log(regionId);

    /// <summary>True if <paramref name="regionId"/> can name a log (no path separators, '+', '.' or spaces).</summary>
    public static bool IsValidRegionId(string? regionId) =>
        !string.IsNullOrWhiteSpace(regionId) && regionId.IndexOfAny(['/', '\\', '+', '.']) < 0 && !regionId.Any(char.IsWhiteSpace);

    private TransparencyLog Log(string regionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(regionId);
        if (regionId.IndexOfAny(['/', '\\', '+', '.']) >= 0 || regionId.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"Region id '{regionId}' cannot name a transparency log.", nameof(regionId));
        }
        return _logs.GetOrAdd(regionId, id => new Lazy<TransparencyLog>(() => OpenLog(id))).Value;
    }

    private TransparencyLog OpenLog(string regionId)
    {
        var root = _options.Value.LedgerDirectory;
        try
        {
            var signer = LoadOrCreateSigner(Path.Combine(root, "keys", regionId + ".key"), OriginOf(regionId));
            ILogStorage storage = _options.Value.StorageProvider == StorageProvider.PostgreSQL
                ? new PostgresLogStorage(_options.Value.EffectiveConnectionString, OriginOf(regionId))
                : new FileSystemLogStorage(Path.Combine(root, regionId));
            var logOptions = new TransparencyLogOptions { PublishToStorage = !_ledgerOptions.Value.Publication.RequiresWitnessing };
            return TransparencyLog.Open(storage, signer, logOptions);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or LedgerFormatException or Npgsql.NpgsqlException)
        {
            throw new PlatformStorageException($"The transparency log of region '{regionId}' under {root} cannot be opened: {ex.Message}", ex);
        }
    }

    /// <summary>Loads the key at <paramref name="path"/> or creates it (owner-only, fsynced) for <paramref name="origin"/>.</summary>
    internal static NoteSigner LoadOrCreateSigner(string path, string origin, byte type = NoteSignatureType.Ed25519)
    {
        if (File.Exists(path))
        {
            var signer = NoteSigner.Parse(File.ReadAllText(path).Trim());
            if (signer.Name != origin || signer.Type != type)
            {
                signer.Dispose();
                throw new LedgerFormatException($"key file {path} is for '{signer.Name}', not '{origin}'", path);
            }
            return signer;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var created = NoteSigner.Generate(origin, type);
        var streamOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(path, streamOptions))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(created.EncodePrivate() + "\n");
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        return created;
    }
}
