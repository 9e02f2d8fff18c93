using Npgsql;

namespace CivicGrid.Platform.Runtime;

/// <summary>
/// Installs the Orleans ADO.NET tables and queries (embedded <c>PostgreSQL-Orleans.sql</c>) into a PostgreSQL
/// database when they are missing. Safe to call from several silos at once: an advisory lock serialises them
/// and the script runs in one transaction, so a database never holds half a schema.
/// </summary>
public static class PostgresOrleansSchema
{
    private const long AdvisoryLockKey = 0x43697669634F726CL; // "CivicOrl"

    /// <summary>The schema script text.</summary>
    public static string Script { get; } = LoadScript();

    /// <summary>Creates the Orleans schema unless <c>OrleansQuery</c> already exists. Returns true when it was created.</summary>
    public static async Task<bool> EnsureCreatedAsync(string connectionString, CancellationToken cancellationToken)
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
            await using (var exists = new NpgsqlCommand("SELECT to_regclass('orleansquery') IS NOT NULL", connection, transaction))
            {
                if ((bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return false;
                }
            }
            await using (var create = new NpgsqlCommand(Script, connection, transaction))
            {
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NpgsqlException ex)
        {
            throw new PlatformStorageException($"Could not prepare the Orleans tables in PostgreSQL: {ex.Message}", ex);
        }
    }

    private static string LoadScript()
    {
        using var stream = typeof(PostgresOrleansSchema).Assembly.GetManifestResourceStream("CivicGrid.Platform.Runtime.Sql.PostgreSQL-Orleans.sql")
            ?? throw new InvalidOperationException("The embedded Orleans PostgreSQL script is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
