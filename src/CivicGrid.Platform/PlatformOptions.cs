namespace CivicGrid.Platform;

/// <summary>Which database holds platform data and, for PostgreSQL, Orleans grain state.</summary>
public enum StorageProvider
{
    /// <summary>A file under the data directory (the embedded default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server named by <c>ConnectionStrings:CivicGrid</c>.</summary>
    PostgreSQL,
}

/// <summary>How silos find each other.</summary>
public enum OrleansClustering
{
    /// <summary>One in-process silo on loopback (the embedded default).</summary>
    Localhost,

    /// <summary>Orleans ADO.NET membership table on PostgreSQL, for several silos.</summary>
    AdoNet,
}

/// <summary>
/// Platform settings read from the <c>CivicGrid</c> configuration section and
/// <c>ConnectionStrings:CivicGrid</c>.
/// </summary>
public sealed class PlatformOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "CivicGrid";

    /// <summary>The connection string name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "CivicGrid";

    public StorageProvider StorageProvider { get; set; } = StorageProvider.Sqlite;

    /// <summary>PostgreSQL connection string, or an optional override of the SQLite file's connection string.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for SQLite files and transparency logs; relative paths resolve against the working directory.</summary>
    public string DataDirectory { get; set; } = "./data";

    public OrleansClustering Clustering { get; set; } = OrleansClustering.Localhost;

    /// <summary>Orleans cluster id (silos with the same id form one cluster).</summary>
    public string ClusterId { get; set; } = "civicgrid";

    /// <summary>Orleans service id: grain state is keyed by it, so keep it stable across deployments.</summary>
    public string ServiceId { get; set; } = "civicgrid";

    /// <summary>Silo-to-silo port (localhost clustering and AdoNet).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Seed of the demo city generated on an empty database.</summary>
    public int DemoCitySeed { get; set; } = 2026;

    /// <summary>When false, an empty database is left empty instead of receiving the demo city.</summary>
    public bool SeedDemoCity { get; set; } = true;

    /// <summary>User name of the first administrator created on an empty database.</summary>
    public string AdministratorUserName { get; set; } = "admin";

    /// <summary>The data directory as an absolute path.</summary>
    public string DataDirectoryFullPath => Path.GetFullPath(DataDirectory);

    /// <summary>The SQLite file used for platform data (when the provider is SQLite).</summary>
    public string SqliteDatabasePath => Path.Combine(DataDirectoryFullPath, "civicgrid.db");

    /// <summary>The SQLite file used for grain state (when the provider is SQLite).</summary>
    public string SqliteGrainStatePath => Path.Combine(DataDirectoryFullPath, "grains.db");

    /// <summary>The folder holding one transparency log per region.</summary>
    public string LedgerDirectory => Path.Combine(DataDirectoryFullPath, "ledger");

    /// <summary>The connection string EF Core uses for the configured provider.</summary>
    public string EffectiveConnectionString => StorageProvider switch
    {
        StorageProvider.PostgreSQL => string.IsNullOrWhiteSpace(ConnectionString)
            ? throw new PlatformStorageException(
                "CivicGrid:Storage:Provider is PostgreSQL but ConnectionStrings:CivicGrid is empty. Set it to a PostgreSQL connection string.")
            : WithBoundedPool(ConnectionString),
        _ => string.IsNullOrWhiteSpace(ConnectionString)
            ? "Data Source=" + SqliteDatabasePath
            : ConnectionString,
    };

    /// <summary>Connections one process opens at most when the connection string does not say (<c>Maximum Pool Size</c>).</summary>
    public const int DefaultMaxPoolSize = 30;

    // Grain storage, membership, reminders, the telemetry store, the logs and every module context share one Npgsql pool
    // per connection string. Npgsql's default of 100 equals PostgreSQL's default max_connections, so one busy silo could
    // take every connection the server has (and a second silo none); a bound leaves room for the cluster's other silos.
    private static string WithBoundedPool(string connectionString)
    {
        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
                .Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant());
            if (!given.Any(k => k is "MAXIMUMPOOLSIZE" or "MAXPOOLSIZE"))
            {
                builder.MaxPoolSize = DefaultMaxPoolSize;
            }
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return connectionString; // reported with its reason where the connection is first opened
        }
    }
}
