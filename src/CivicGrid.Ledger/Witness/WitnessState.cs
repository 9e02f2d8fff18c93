using System.Text.Json;

namespace CivicGrid.Ledger.Witness;

/// <summary>The latest checkpoint a witness cosigned for one log origin.</summary>
public sealed record WitnessedTree(long Size, byte[] RootHash);

/// <summary>
/// Persistent witness state. <see cref="TryAdvance"/> must check and update atomically, so two concurrent
/// requests can never roll a log back (tlog-witness §add-checkpoint).
/// </summary>
public interface IWitnessStateStore
{
    /// <summary>The latest cosigned tree of <paramref name="origin"/>, or null if none.</summary>
    WitnessedTree? Get(string origin);

    /// <summary>Stores <paramref name="next"/> only if the current size is still <paramref name="expectedSize"/>; persists before returning true.</summary>
    bool TryAdvance(string origin, long expectedSize, WitnessedTree next);
}

/// <summary>Witness state kept in memory (tests, embedding).</summary>
public sealed class MemoryWitnessStateStore : IWitnessStateStore
{
    private readonly Dictionary<string, WitnessedTree> _trees = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public WitnessedTree? Get(string origin)
    {
        lock (_gate)
        {
            return _trees.GetValueOrDefault(origin);
        }
    }

    public bool TryAdvance(string origin, long expectedSize, WitnessedTree next)
    {
        lock (_gate)
        {
            if ((_trees.GetValueOrDefault(origin)?.Size ?? 0) != expectedSize)
            {
                return false;
            }
            _trees[origin] = next;
            return true;
        }
    }
}

/// <summary>Witness state in one JSON file, replaced atomically and fsynced on every update.</summary>
public sealed class FileWitnessStateStore(string path) : IWitnessStateStore
{
    private readonly object _gate = new();

    public string Path { get; } = path;

    public WitnessedTree? Get(string origin)
    {
        lock (_gate)
        {
            return Load().GetValueOrDefault(origin);
        }
    }

    public bool TryAdvance(string origin, long expectedSize, WitnessedTree next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_gate)
        {
            var all = Load();
            if ((all.GetValueOrDefault(origin)?.Size ?? 0) != expectedSize)
            {
                return false;
            }
            all[origin] = next;
            var json = JsonSerializer.SerializeToUtf8Bytes(all.ToDictionary(kv => kv.Key, kv => new Stored(kv.Value.Size, Convert.ToBase64String(kv.Value.RootHash))));
            Storage.DurableFile.WriteAtomic(System.IO.Path.GetFullPath(Path), json, fsync: true);
            return true;
        }
    }

    private Dictionary<string, WitnessedTree> Load()
    {
        if (!File.Exists(Path))
        {
            return new(StringComparer.Ordinal);
        }
        try
        {
            var stored = JsonSerializer.Deserialize<Dictionary<string, Stored>>(File.ReadAllBytes(Path)) ?? [];
            return stored.ToDictionary(kv => kv.Key, kv => new WitnessedTree(kv.Value.Size, Convert.FromBase64String(kv.Value.Root)), StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw new LedgerFormatException("witness state is corrupt: " + ex.Message, Path);
        }
    }

    private sealed record Stored(long Size, string Root);
}
