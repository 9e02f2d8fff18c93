using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Orleans.Storage;

namespace CivicGrid.Platform.Runtime;

/// <summary>
/// Orleans grain storage in one SQLite file (Orleans ships no SQLite provider). State is stored as
/// UTF-8 JSON keyed by service id, state name and grain id; the ETag is an integer version, so a write
/// based on a stale read fails with <see cref="InconsistentStateException"/> instead of losing an update.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _connectionString;
    private readonly string _serviceId;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    /// <param name="databasePath">The SQLite file (created with its folder when missing).</param>
    /// <param name="serviceId">Orleans service id; state is keyed by it.</param>
    /// <param name="time">Clock for the rows' modification time (the system clock when null).</param>
    public SqliteGrainStorage(string databasePath, string serviceId, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _serviceId = serviceId;
        _time = time ?? TimeProvider.System;
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await using var connection = await OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload, version FROM grain_state WHERE service_id = $s AND state_name = $n AND grain_id = $g";
        AddKey(command, stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        var payload = (byte[])reader.GetValue(0);
        var version = reader.GetInt64(1);
        try
        {
            grainState.State = JsonSerializer.Deserialize<T>(payload, Json) ?? Activator.CreateInstance<T>();
        }
        catch (JsonException ex)
        {
            throw new PlatformStorageException(
                $"Grain state '{stateName}' of {grainId} in {_connectionString} cannot be read: {ex.Message}", ex);
        }
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = JsonSerializer.SerializeToUtf8Bytes(grainState.State, Json);
        await using var connection = await OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        if (grainState.ETag is null)
        {
            // First write: succeeds only if nobody else created the row meanwhile.
            command.CommandText = """
                INSERT INTO grain_state (service_id, state_name, grain_id, payload, version, modified_utc)
                VALUES ($s, $n, $g, $p, 1, $t)
                ON CONFLICT (service_id, state_name, grain_id) DO NOTHING
                """;
        }
        else
        {
            command.CommandText = """
                UPDATE grain_state SET payload = $p, version = version + 1, modified_utc = $t
                WHERE service_id = $s AND state_name = $n AND grain_id = $g AND version = $v
                """;
            command.Parameters.AddWithValue("$v", ParseETag(grainState.ETag));
        }
        AddKey(command, stateName, grainId);
        command.Parameters.AddWithValue("$p", payload);
        command.Parameters.AddWithValue("$t", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        var rows = await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        if (rows != 1)
        {
            throw new InconsistentStateException(
                $"Version conflict writing '{stateName}' of {grainId}: the stored state changed since it was read.",
                await CurrentVersionAsync(connection, stateName, grainId).ConfigureAwait(false),
                grainState.ETag ?? "(none)");
        }
        var newVersion = grainState.ETag is null ? 1 : ParseETag(grainState.ETag) + 1;
        grainState.ETag = newVersion.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await using var connection = await OpenAsync().ConfigureAwait(false);
        if (grainState.ETag is not null)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM grain_state WHERE service_id = $s AND state_name = $n AND grain_id = $g AND version = $v";
            AddKey(command, stateName, grainId);
            command.Parameters.AddWithValue("$v", ParseETag(grainState.ETag));
            if (await command.ExecuteNonQueryAsync().ConfigureAwait(false) != 1)
            {
                throw new InconsistentStateException(
                    $"Version conflict clearing '{stateName}' of {grainId}.",
                    await CurrentVersionAsync(connection, stateName, grainId).ConfigureAwait(false),
                    grainState.ETag);
            }
        }
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public void Dispose() => _schemaLock.Dispose();

    private static long ParseETag(string etag) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InconsistentStateException($"ETag '{etag}' was not written by this storage.", "(unknown)", etag);

    private void AddKey(SqliteCommand command, string stateName, GrainId grainId)
    {
        command.Parameters.AddWithValue("$s", _serviceId);
        command.Parameters.AddWithValue("$n", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
    }

    private async Task<string> CurrentVersionAsync(SqliteConnection connection, string stateName, GrainId grainId)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM grain_state WHERE service_id = $s AND state_name = $n AND grain_id = $g";
        AddKey(command, stateName, grainId);
        var value = await command.ExecuteScalarAsync().ConfigureAwait(false);
        return value is long v ? v.ToString(CultureInfo.InvariantCulture) : "(none)";
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync().ConfigureAwait(false);
            if (!_schemaReady)
            {
                await EnsureSchemaAsync(connection).ConfigureAwait(false);
            }
            return connection;
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new PlatformStorageException($"The grain state database {_connectionString} cannot be opened: {ex.Message}", ex);
        }
    }

    private async Task EnsureSchemaAsync(SqliteConnection connection)
    {
        await _schemaLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }
            await using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS grain_state (
                    service_id   TEXT    NOT NULL,
                    state_name   TEXT    NOT NULL,
                    grain_id     TEXT    NOT NULL,
                    payload      BLOB    NOT NULL,
                    version      INTEGER NOT NULL,
                    modified_utc TEXT    NOT NULL,
                    PRIMARY KEY (service_id, state_name, grain_id)
                ) WITHOUT ROWID;
                """;
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaLock.Release();
        }
    }
}
