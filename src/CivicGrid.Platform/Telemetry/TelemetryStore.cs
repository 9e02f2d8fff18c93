using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CivicGrid.Platform.Telemetry;

/// <summary>The time series failed to store a batch (database unreachable, disk full …); nothing of the batch was stored.</summary>
public sealed class TelemetryStorageException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Appends readings to <c>telemetry_readings</c> in one transaction per call: prepared-statement inserts inside one
/// transaction on SQLite, binary COPY into a staging table then one <c>INSERT … ON CONFLICT DO NOTHING</c> on
/// PostgreSQL. A reading whose (device, time, sequence) is already stored is a duplicate and changes nothing.
/// </summary>
public sealed class TelemetryStore(IOptions<PlatformOptions> options, IDbContextFactory<TelemetryDbContext> databases, TimeProvider time)
{
    private const string Columns = "device_id, time, sequence, kind, power_kw, energy_kwh, interval_s, pressure_head_m, flow_m3_per_s, state";

    private bool UsesPostgres => options.Value.StorageProvider == StorageProvider.PostgreSQL;

    /// <summary>Stores the readings; element i of the result says whether reading i was new (false: a duplicate).</summary>
    public async Task<bool[]> AppendAsync(IReadOnlyList<TelemetryReading> readings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(readings);
        if (readings.Count == 0)
        {
            return [];
        }
        try
        {
            return UsesPostgres
                ? await AppendPostgresAsync(readings, ct).ConfigureAwait(false)
                : await AppendSqliteAsync(readings, ct).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new TelemetryStorageException("The telemetry batch could not be stored: " + ex.Message, ex);
        }
    }

    /// <summary>A device's readings in time order (then sequence), optionally within [from, to), at most <paramref name="take"/>.</summary>
    public async Task<IReadOnlyList<TelemetryReading>> ReadAsync(string deviceId, DateTimeOffset? from, DateTimeOffset? to, int take, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        await using var db = databases.CreateDbContext();
        var query = db.Readings.AsNoTracking().Where(r => r.DeviceId == deviceId);
        if (from is { } f)
        {
            query = query.Where(r => r.Time >= f);
        }
        if (to is { } t)
        {
            query = query.Where(r => r.Time < t);
        }
        var rows = await query.OrderBy(r => r.Time).ThenBy(r => r.Sequence).Take(take).ToListAsync(ct).ConfigureAwait(false);
        return rows.ConvertAll(ToReading);
    }

    /// <summary>The device's latest reading by (time, sequence), or null when it has none.</summary>
    public async Task<TelemetryReading?> LatestAsync(string deviceId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        await using var db = databases.CreateDbContext();
        var row = await db.Readings.AsNoTracking().Where(r => r.DeviceId == deviceId)
            .OrderByDescending(r => r.Time).ThenByDescending(r => r.Sequence).FirstOrDefaultAsync(ct).ConfigureAwait(false);
        return row is null ? null : ToReading(row);
    }

    /// <summary>How many readings are stored in total.</summary>
    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        return await db.Readings.LongCountAsync(ct).ConfigureAwait(false);
    }

    private static TelemetryReading ToReading(TelemetryReadingEntity r) =>
        new(r.DeviceId, r.Kind, r.Time, r.Sequence, r.PowerKw, r.EnergyKwh, r.IntervalSeconds, r.PressureHeadM, r.FlowM3PerS, r.State);

    private async Task<bool[]> AppendSqliteAsync(IReadOnlyList<TelemetryReading> readings, CancellationToken ct)
    {
        var inserted = new bool[readings.Count];
        await using var connection = new SqliteConnection(options.Value.EffectiveConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT OR IGNORE INTO {TelemetryDbContext.TableName} ({Columns}, received_at) " +
            "VALUES ($d, $t, $s, $k, $p, $e, $i, $h, $f, $st, $r)";
        var p = new[] { "$d", "$t", "$s", "$k", "$p", "$e", "$i", "$h", "$f", "$st" }.Select(n => command.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        command.Parameters.AddWithValue("$r", time.GetUtcNow().UtcTicks);
        command.Prepare();
        for (var i = 0; i < readings.Count; i++)
        {
            var r = readings[i];
            p[0].Value = r.DeviceId;
            p[1].Value = r.Time.UtcTicks;
            p[2].Value = r.Sequence;
            p[3].Value = (short)r.Kind;
            p[4].Value = (object?)r.PowerKilowatts ?? DBNull.Value;
            p[5].Value = (object?)r.EnergyKilowattHours ?? DBNull.Value;
            p[6].Value = (object?)r.IntervalSeconds ?? DBNull.Value;
            p[7].Value = (object?)r.PressureHeadMeters ?? DBNull.Value;
            p[8].Value = (object?)r.FlowCubicMetersPerSecond ?? DBNull.Value;
            p[9].Value = (object?)r.State ?? DBNull.Value;
            inserted[i] = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return inserted;
    }

    private async Task<bool[]> AppendPostgresAsync(IReadOnlyList<TelemetryReading> readings, CancellationToken ct)
    {
        var inserted = new bool[readings.Count];
        // Repeats inside one call are settled here (first wins), so the staging table holds each identity once.
        var seen = new HashSet<(string, long, long)>(readings.Count);
        await using var connection = new NpgsqlConnection(options.Value.EffectiveConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE IF NOT EXISTS telemetry_staging (ord integer, device_id varchar(128), time timestamptz, sequence bigint, kind smallint, " +
            "power_kw double precision, energy_kwh double precision, interval_s double precision, pressure_head_m double precision, " +
            "flow_m3_per_s double precision, state varchar(64)) ON COMMIT DELETE ROWS", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY telemetry_staging (ord, {Columns}) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false))
        {
            for (var i = 0; i < readings.Count; i++)
            {
                var r = readings[i];
                if (!seen.Add((r.DeviceId, r.Time.UtcTicks, r.Sequence)))
                {
                    continue;
                }
                await copy.StartRowAsync(ct).ConfigureAwait(false);
                await copy.WriteAsync(i, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await copy.WriteAsync(r.DeviceId, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                await copy.WriteAsync(r.Time.UtcDateTime, NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
                await copy.WriteAsync(r.Sequence, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
                await copy.WriteAsync((short)r.Kind, NpgsqlDbType.Smallint, ct).ConfigureAwait(false);
                await WriteNullableAsync(copy, r.PowerKilowatts, ct).ConfigureAwait(false);
                await WriteNullableAsync(copy, r.EnergyKilowattHours, ct).ConfigureAwait(false);
                await WriteNullableAsync(copy, r.IntervalSeconds, ct).ConfigureAwait(false);
                await WriteNullableAsync(copy, r.PressureHeadMeters, ct).ConfigureAwait(false);
                await WriteNullableAsync(copy, r.FlowCubicMetersPerSecond, ct).ConfigureAwait(false);
                if (r.State is null)
                {
                    await copy.WriteNullAsync(ct).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteAsync(r.State, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                }
            }
            await copy.CompleteAsync(ct).ConfigureAwait(false);
        }
        await using (var insert = new NpgsqlCommand(
            $"WITH ins AS (INSERT INTO {TelemetryDbContext.TableName} ({Columns}, received_at) SELECT {Columns}, @received FROM telemetry_staging " +
            "ON CONFLICT DO NOTHING RETURNING device_id, time, sequence) " +
            "SELECT s.ord FROM ins JOIN telemetry_staging s ON s.device_id = ins.device_id AND s.time = ins.time AND s.sequence = ins.sequence",
            connection, transaction))
        {
            insert.Parameters.AddWithValue("received", NpgsqlDbType.TimestampTz, time.GetUtcNow().UtcDateTime);
            await using var reader = await insert.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                inserted[reader.GetInt32(0)] = true;
            }
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return inserted;
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, double? value, CancellationToken ct) =>
        value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Double, ct) : copy.WriteNullAsync(ct);
}
