using Npgsql;

namespace CivicGrid.Platform.Runtime;

/// <summary>
/// Installs the Orleans ADO.NET tables and queries (embedded <c>PostgreSQL-Orleans.sql</c>) into a PostgreSQL
/// database when they are missing. Safe to call from several silos at once: an advisory lock serialises them
/// and the script runs in one transaction, so a database never holds half a schema. The reminder tables
/// (<c>PostgreSQL-Reminders.sql</c>) are added the same way to databases created before reminders were used.
/// </summary>
public static class PostgresOrleansSchema
{
    private const long AdvisoryLockKey = 0x43697669634F726CL; // "CivicOrl"

    /// <summary>The schema script text.</summary>
    public static string Script { get; } = LoadScript("PostgreSQL-Orleans.sql");

    /// <summary>The reminder schema script text.</summary>
    public static string RemindersScript { get; } = LoadScript("PostgreSQL-Reminders.sql");

    /// <summary>Creates the Orleans schema (query catalogue, membership, grain state) unless it exists. Returns true when it was created.</summary>
    public static Task<bool> EnsureCreatedAsync(string connectionString, CancellationToken cancellationToken) =>
        EnsureAsync(connectionString, [("orleansquery", Script)], cancellationToken);

    /// <summary>Creates the Orleans schema and the reminder tables where missing. Returns true when something was created.</summary>
    public static Task<bool> EnsureCreatedWithRemindersAsync(string connectionString, CancellationToken cancellationToken) =>
        EnsureAsync(connectionString, [("orleansquery", Script), ("orleansreminderstable", RemindersScript)], cancellationToken);

    private static async Task<bool> EnsureAsync(string connectionString, (string Table, string Script)[] tables, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", connection, transaction))
            {
                lockCommand.Parameters.AddWithValue("k", AdvisoryLockKey);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            var created = false;
            foreach (var (table, script) in tables)
            {
                await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{table}') IS NOT NULL", connection, transaction))
                {
                    if ((bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                    {
                        continue;
                    }
                }
                await using var create = new NpgsqlCommand(script, connection, transaction);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                created = true;
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return created;
        }
        catch (NpgsqlException ex)
        {
            throw new PlatformStorageException($"Could not prepare the Orleans tables in PostgreSQL: {ex.Message}", ex);
        }
    }

    private static string LoadScript(string name)
    {
        using var stream = typeof(PostgresOrleansSchema).Assembly.GetManifestResourceStream("CivicGrid.Platform.Runtime.Sql." + name)
            ?? throw new InvalidOperationException($"The embedded Orleans PostgreSQL script {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
