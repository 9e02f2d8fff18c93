using CivicGrid.Ledger;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Storage;
using CivicGrid.Ledger.Tiles;
using Npgsql;
using NpgsqlTypes;

namespace CivicGrid.Platform.Ledger;

/// <summary>
/// A transparency log in PostgreSQL (<c>ledger_logs</c>, <c>ledger_entries</c>). An append is acknowledged only
/// after its transaction committed. Several processes may append to the same log: the log row is locked while a
/// batch takes its indices, so committed entries are always a gap-free prefix, and each process integrates what
/// the others committed. The Merkle tree is rebuilt in memory from the stored leaf hashes at open (32 bytes per
/// entry and level pair, about 64 MB per million entries); proofs and tiles are served from it.
/// </summary>
public sealed class PostgresLogStorage : ILogStorage
{
    private readonly NpgsqlDataSource _source;
    private readonly string _origin;
    private readonly object _gate = new();
    private readonly MemoryNodeHashSource _tree = new();
    private long _durable;
    private bool _disposed;

    /// <summary>Opens (creating the tables and the log row if needed) the log named <paramref name="origin"/>.</summary>
    public PostgresLogStorage(string connectionString, string origin)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(origin);
        _origin = origin;
        _source = NpgsqlDataSource.Create(connectionString);
        try
        {
            using var connection = _source.OpenConnection();
            LedgerSchema.EnsureCreated(connection);
            using (var insert = new NpgsqlCommand("INSERT INTO ledger_logs (origin) VALUES (@o) ON CONFLICT (origin) DO NOTHING", connection))
            {
                insert.Parameters.AddWithValue("o", origin);
                insert.ExecuteNonQuery();
            }
            Integrate();
        }
        catch
        {
            _source.Dispose();
            throw;
        }
    }

    public long DurableSize => Interlocked.Read(ref _durable);

    public long IntegratedSize
    {
        get
        {
            lock (_gate)
            {
                return _tree.Size;
            }
        }
    }

    public long AppendDurable(IReadOnlyList<byte[]> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (entries.Count == 0)
        {
            return DurableSize;
        }
        var leaves = new byte[entries.Count][];
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Length > EntryBundle.MaxEntrySize)
            {
                throw new ArgumentException($"entry {i} has {entries[i].Length} bytes; store larger payloads with PayloadStore", nameof(entries));
            }
            leaves[i] = MerkleHash.Leaf(entries[i]);
        }
        using var connection = _source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        long first;
        // The row lock taken here orders concurrent appenders: indices are handed out and committed in sequence.
        using (var reserve = new NpgsqlCommand("UPDATE ledger_logs SET size = size + @n WHERE origin = @o RETURNING size", connection, transaction))
        {
            reserve.Parameters.AddWithValue("n", (long)entries.Count);
            reserve.Parameters.AddWithValue("o", _origin);
            first = (long)(reserve.ExecuteScalar() ?? throw new IOException($"log {_origin} has no row in ledger_logs")) - entries.Count;
        }
        using (var import = connection.BeginBinaryImport("COPY ledger_entries (origin, idx, leaf_hash, data) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < entries.Count; i++)
            {
                import.StartRow();
                import.Write(_origin, NpgsqlDbType.Text);
                import.Write(first + i, NpgsqlDbType.Bigint);
                import.Write(leaves[i], NpgsqlDbType.Bytea);
                import.Write(entries[i], NpgsqlDbType.Bytea);
            }
            import.Complete();
        }
        transaction.Commit();
        var end = first + entries.Count;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _durable);
        }
        while (seen < end && Interlocked.CompareExchange(ref _durable, end, seen) != seen);
        return first;
    }

    public (long Size, byte[] Root) Integrate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            using var connection = _source.OpenConnection();
            using var select = new NpgsqlCommand(
                "SELECT idx, leaf_hash FROM ledger_entries WHERE origin = @o AND idx >= @from ORDER BY idx", connection);
            select.Parameters.AddWithValue("o", _origin);
            select.Parameters.AddWithValue("from", _tree.Size);
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    if (reader.GetInt64(0) != _tree.Size)
                    {
                        break;
                    }
                    _tree.AppendLeafHash((byte[])reader[1]);
                }
            }
            var size = _tree.Size;
            long seen;
            do
            {
                seen = Interlocked.Read(ref _durable);
            }
            while (seen < size && Interlocked.CompareExchange(ref _durable, size, seen) != seen);
            return (size, size == 0 ? MerkleHash.EmptyRoot() : MerkleProofs.Root(_tree, size));
        }
    }

    public INodeHashSource Nodes(long treeSize)
    {
        if (treeSize > IntegratedSize)
        {
            throw new ArgumentOutOfRangeException(nameof(treeSize), $"tree size {treeSize} exceeds the integrated size {IntegratedSize}");
        }
        return new LockedNodes(this);
    }

    public byte[] ReadEntry(long index)
    {
        if (index < 0 || index >= IntegratedSize)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"entry {index} is not in a log of size {IntegratedSize}");
        }
        using var connection = _source.OpenConnection();
        using var select = new NpgsqlCommand("SELECT data FROM ledger_entries WHERE origin = @o AND idx = @i", connection);
        select.Parameters.AddWithValue("o", _origin);
        select.Parameters.AddWithValue("i", index);
        return (byte[])(select.ExecuteScalar() ?? throw new LedgerFormatException($"entry {index} is missing", _origin));
    }

    /// <summary>Replaces the published checkpoint unless a larger one was published meanwhile (by another process).</summary>
    public void PublishCheckpoint(string signedCheckpoint)
    {
        ArgumentNullException.ThrowIfNull(signedCheckpoint);
        var size = CivicGrid.Ledger.Notes.Checkpoint.Parse(CivicGrid.Ledger.Notes.SignedNote.Parse(System.Text.Encoding.UTF8.GetBytes(signedCheckpoint)).Text).Size;
        using var connection = _source.OpenConnection();
        using var update = new NpgsqlCommand(
            "UPDATE ledger_logs SET checkpoint = @c, checkpoint_size = @s WHERE origin = @o AND (checkpoint_size IS NULL OR checkpoint_size <= @s)", connection);
        update.Parameters.AddWithValue("c", signedCheckpoint);
        update.Parameters.AddWithValue("s", size);
        update.Parameters.AddWithValue("o", _origin);
        update.ExecuteNonQuery();
    }

    public string? ReadCheckpoint()
    {
        using var connection = _source.OpenConnection();
        using var select = new NpgsqlCommand("SELECT checkpoint FROM ledger_logs WHERE origin = @o", connection);
        select.Parameters.AddWithValue("o", _origin);
        return select.ExecuteScalar() as string;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _source.Dispose();
    }

    private sealed class LockedNodes(PostgresLogStorage owner) : INodeHashSource
    {
        public byte[] GetNode(int height, long index)
        {
            lock (owner._gate)
            {
                return owner._tree.GetNode(height, index);
            }
        }
    }
}

/// <summary>The ledger's PostgreSQL tables, created idempotently under an advisory lock.</summary>
public static class LedgerSchema
{
    /// <summary>The name of the only schema version so far (recorded in <c>__ledger_migrations</c>).</summary>
    public const string InitialMigration = "0001_ledger_initial";

    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS __ledger_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS ledger_logs (
            origin text PRIMARY KEY,
            size bigint NOT NULL DEFAULT 0,
            checkpoint text NULL,
            checkpoint_size bigint NULL);
        CREATE TABLE IF NOT EXISTS ledger_entries (
            origin text NOT NULL REFERENCES ledger_logs (origin),
            idx bigint NOT NULL,
            leaf_hash bytea NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (origin, idx));
        """;

    /// <summary>Creates the tables if missing; returns the migrations applied now (empty when current).</summary>
    public static IReadOnlyList<string> EnsureCreated(NpgsqlConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var transaction = connection.BeginTransaction();
        using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7305190021)", connection, transaction))
        {
            lockCommand.ExecuteNonQuery();
        }
        using (var ddl = new NpgsqlCommand(Ddl, connection, transaction))
        {
            ddl.ExecuteNonQuery();
        }
        using var record = new NpgsqlCommand("INSERT INTO __ledger_migrations (id) VALUES (@id) ON CONFLICT (id) DO NOTHING", connection, transaction);
        record.Parameters.AddWithValue("id", InitialMigration);
        var applied = record.ExecuteNonQuery();
        transaction.Commit();
        return applied == 1 ? [InitialMigration] : [];
    }
}
