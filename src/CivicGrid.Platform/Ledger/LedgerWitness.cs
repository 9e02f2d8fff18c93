using CivicGrid.Ledger;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Witness;
using CivicGrid.Platform.Decisions;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Ledger;

/// <summary>
/// This node's c2sp.org/tlog-witness: cosigns the checkpoints of the logs named in
/// <see cref="LedgerWitnessOptions.Logs"/>, and only when the log has grown consistently from the last checkpoint
/// it cosigned (the state is kept, fsynced, in <c>&lt;data&gt;/ledger/witness-state.json</c>). The cosigner key is
/// <c>&lt;data&gt;/ledger/keys/witness.key</c>, created on first use.
/// </summary>
public sealed class LedgerWitness : IDisposable
{
    private readonly Lazy<(WitnessEngine Engine, NoteSigner Signer)> _engine;
    private IWitnessStateStore _state = new MemoryWitnessStateStore();
    private IReadOnlyList<string> _origins = [];

    public LedgerWitness(IOptions<PlatformOptions> platform, IOptions<LedgerOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _engine = new Lazy<(WitnessEngine, NoteSigner)>(() => Create(platform.Value, options.Value.Witness, time));
    }

    /// <summary>The witness's cosigner verifier key (give it to the logs that want this node's cosignature).</summary>
    public NoteVerifierKey VerifierKey => _engine.Value.Engine.VerifierKey;

    /// <summary>The origins of the logs this node witnesses.</summary>
    public IReadOnlyList<string> Origins => _engine.Value.Engine is not null ? _origins : [];

    /// <summary>The latest tree cosigned for <paramref name="origin"/>, or null.</summary>
    public WitnessedTree? Latest(string origin) => _engine.Value.Engine is not null ? _state.Get(origin) : null;

    /// <summary>Handles one <c>add-checkpoint</c> request body; the answer is the spec's status, content type and body.</summary>
    public WitnessResponse AddCheckpoint(ReadOnlySpan<byte> body) => _engine.Value.Engine.AddCheckpoint(body);

    private (WitnessEngine, NoteSigner) Create(PlatformOptions platform, LedgerWitnessOptions options, TimeProvider time)
    {
        var keys = new List<NoteVerifierKey>();
        for (var i = 0; i < options.Logs.Count; i++)
        {
            var log = options.Logs[i];
            var key = NoteVerifierKey.TryParse(log.VerifierKey)
                ?? throw new PlatformStorageException($"Configuration value CivicGrid:Ledger:Witness:Logs:{i}:VerifierKey is not a note verifier key (name+hex8+base64).");
            if (key.Name != log.Origin)
            {
                throw new PlatformStorageException(
                    $"Configuration value CivicGrid:Ledger:Witness:Logs:{i}: the verifier key is named '{key.Name}' but the origin is '{log.Origin}'; a log's key name is its origin.");
            }
            keys.Add(key);
        }
        if (!NoteKeyText.IsValidName(options.Name))
        {
            throw new PlatformStorageException($"Configuration value CivicGrid:Ledger:Witness:Name = '{options.Name}' is not a valid key name (no spaces or '+').");
        }
        NoteSigner signer;
        try
        {
            signer = LedgerTransparencyLogs.LoadOrCreateSigner(
                Path.Combine(platform.LedgerDirectory, "keys", "witness.key"), options.Name, NoteSignatureType.CosignatureV1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or LedgerFormatException)
        {
            throw new PlatformStorageException($"The witness key under {platform.LedgerDirectory} cannot be used: {ex.Message}", ex);
        }
        _state = new FileWitnessStateStore(Path.Combine(platform.LedgerDirectory, "witness-state.json"));
        _origins = [.. keys.Select(k => k.Name).Distinct(StringComparer.Ordinal)];
        return (new WitnessEngine(signer, _state, time, keys), signer);
    }

    public void Dispose()
    {
        if (_engine.IsValueCreated)
        {
            _engine.Value.Signer.Dispose();
        }
    }
}
