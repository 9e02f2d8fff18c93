using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Server.Tests.Infrastructure;

/// <summary>Which database a test class runs the server on.</summary>
public enum TestStorage
{
    Sqlite,
    PostgreSQL,
}

/// <summary>
/// One running server per test collection: a temporary data directory and, for PostgreSQL, a fresh database.
/// Started on first use so that a missing PostgreSQL skips the tests instead of failing the fixture.
/// </summary>
public abstract class ServerFixture(TestStorage storage) : IAsyncLifetime
{
    private readonly TempFolder folder = RepositoryPaths.CreateTempFolder();
    private readonly SemaphoreSlim gate = new(1, 1);
    private CivicGridServerFactory? factory;
    private string? database;

    public TestStorage Storage { get; } = storage;

    public string DataDirectory => folder.Path;

    public async Task<CivicGridServerFactory> ServerAsync()
    {
        var server = Storage == TestStorage.PostgreSQL ? TestPostgres.RequireServer() : null;
        await gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (factory is null)
            {
                if (server is not null)
                {
                    database = await TestPostgres.CreateDatabaseAsync(server, "civicgrid_server", TestContext.Current.CancellationToken);
                }
                var created = new CivicGridServerFactory(folder.Path, database);
                await created.StartAsync();
                factory = created;
            }
            return factory;
        }
        finally
        {
            gate.Release();
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
        if (database is not null && TestPostgres.ServerConnectionString is { } server)
        {
            await TestPostgres.DropDatabaseAsync(server, database);
        }
        folder.Dispose();
        gate.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteServerFixture() : ServerFixture(TestStorage.Sqlite);

public sealed class PostgresServerFixture() : ServerFixture(TestStorage.PostgreSQL);

/// <summary>Test classes that share one server on SQLite (one start instead of one per class).</summary>
[CollectionDefinition(Name)]
public sealed class SqliteServerCollection : ICollectionFixture<SqliteServerFixture>
{
    public const string Name = "Server on SQLite";
}

/// <summary>Test classes that share one server on a fresh PostgreSQL database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresServerCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "Server on PostgreSQL";
}
