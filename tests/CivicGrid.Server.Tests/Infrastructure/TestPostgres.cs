using CivicGrid.Testing;
using Npgsql;
using Xunit;

namespace CivicGrid.Server.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server named by <c>CIVICGRID_TEST_POSTGRES</c> (test.sh starts one). Each test class gets a
/// fresh database on it. Without the variable the PostgreSQL tests skip locally and fail under <c>CI=true</c>.
/// </summary>
public static class TestPostgres
{
    public const string EnvironmentVariable = "CIVICGRID_TEST_POSTGRES";

    public static string? ServerConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } cs ? cs : null;

    /// <summary>Skips (or fails in CI) the calling test when no PostgreSQL server is configured.</summary>
    public static string RequireServer()
    {
        if (ServerConnectionString is { } cs)
        {
            return cs;
        }
        const string reason = "no PostgreSQL test server: set " + EnvironmentVariable + " (./test.sh starts one)";
        if (ReferenceData.IsCi)
        {
            Assert.Fail("PostgreSQL required in CI: " + reason);
        }
        Assert.Skip(reason);
        return "";
    }

    /// <summary>Creates an empty database with a unique name and returns a connection string to it.</summary>
    public static async Task<string> CreateDatabaseAsync(string serverConnectionString, string prefix, CancellationToken ct)
    {
        var name = (prefix + "_" + Guid.NewGuid().ToString("N")[..10]).ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(serverConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        return new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its remaining connections.</summary>
    public static async Task DropDatabaseAsync(string serverConnectionString, string databaseConnectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(databaseConnectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
