using System.Data.Common;
using Xunit;

namespace CivicGrid.Testing;

/// <summary>
/// A throw-away PostgreSQL database for one test, on the server named by <c>CIVICGRID_TEST_POSTGRES</c>
/// (test.sh starts one). Without the variable a test skips locally and fails under <c>CI=true</c>.
/// Pass the provider factory (e.g. <c>NpgsqlFactory.Instance</c>) so this project needs no driver of its own.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable holding the server's connection string.</summary>
    public const string EnvironmentVariable = "CIVICGRID_TEST_POSTGRES";

    private readonly DbProviderFactory _factory;
    private readonly string _serverConnectionString;

    private PostgresTestDatabase(DbProviderFactory factory, string serverConnectionString, string name, string connectionString)
    {
        _factory = factory;
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The database name, unique per test.</summary>
    public string Name { get; }

    /// <summary>Connection string of the new database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates an empty database; skips (or fails in CI) when no server is configured.</summary>
    public static async Task<PostgresTestDatabase> CreateAsync(DbProviderFactory factory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var server = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            const string reason = EnvironmentVariable + " is not set (./test.sh starts a PostgreSQL server and sets it)";
            if (ReferenceData.IsCi)
            {
                Assert.Fail("PostgreSQL required in CI: " + reason);
            }
            Assert.Skip("PostgreSQL unavailable: " + reason);
        }
        var name = "civicgrid_test_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync(factory, server!, $"CREATE DATABASE {name}", cancellationToken);
        var builder = factory.CreateConnectionStringBuilder() ?? new DbConnectionStringBuilder();
        builder.ConnectionString = server;
        builder["Database"] = name;
        // Dropping the database needs every pooled connection to it gone.
        builder["Pooling"] = false;
        return new PostgresTestDatabase(factory, server!, name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync(_factory, _serverConnectionString, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", CancellationToken.None);
        }
        catch (DbException)
        {
            // Best effort: the server is thrown away after the run anyway.
        }
    }

    private static async Task ExecuteAsync(DbProviderFactory factory, string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = factory.CreateConnection() ?? throw new InvalidOperationException("The provider cannot create connections.");
        connection.ConnectionString = connectionString;
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
