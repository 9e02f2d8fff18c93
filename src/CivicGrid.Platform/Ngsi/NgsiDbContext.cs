using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Platform.Ngsi;

/// <summary>An NGSI-LD entity as stored: id, type, the attributes as normalized JSON, and its system times.</summary>
public class NgsiEntityRow
{
    public required string Id { get; set; }

    public required string Type { get; set; }

    /// <summary>The entity's attributes (normalized NGSI-LD, without id, type and system attributes).</summary>
    public required string Document { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }
}

/// <summary>One instance of an attribute in time (the temporal representation of an entity).</summary>
public class NgsiAttributeInstanceRow
{
    public long Id { get; set; }

    public required string EntityId { get; set; }

    public required string Attribute { get; set; }

    /// <summary>The attribute's <c>observedAt</c>, or the time it was written when it has none.</summary>
    public DateTimeOffset ObservedAt { get; set; }

    /// <summary>The attribute instance as normalized JSON.</summary>
    public required string Instance { get; set; }
}

/// <summary>A subscription as stored, with its notification status.</summary>
public class NgsiSubscriptionRow
{
    public required string Id { get; set; }

    /// <summary>The subscription as NGSI-LD JSON (without status fields).</summary>
    public required string Document { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }
}

/// <summary>
/// The NGSI-LD tables (<c>ngsi_*</c>) kept next to the core schema, with their own migrations and history table.
/// One subclass per provider so each keeps its own migration set.
/// </summary>
public class NgsiDbContext : DbContext
{
    public const string HistoryTable = "__ngsi_migrations";

    protected NgsiDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<NgsiEntityRow> Entities => Set<NgsiEntityRow>();

    public DbSet<NgsiAttributeInstanceRow> AttributeInstances => Set<NgsiAttributeInstanceRow>();

    public DbSet<NgsiSubscriptionRow> Subscriptions => Set<NgsiSubscriptionRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<NgsiEntityRow>(e =>
        {
            e.ToTable("ngsi_entities");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(512);
            e.Property(x => x.Type).HasMaxLength(256);
            e.HasIndex(x => x.Type);
        });
        modelBuilder.Entity<NgsiAttributeInstanceRow>(e =>
        {
            e.ToTable("ngsi_attribute_instances");
            e.Property(x => x.EntityId).HasMaxLength(512);
            e.Property(x => x.Attribute).HasMaxLength(256);
            e.HasIndex(x => new { x.EntityId, x.ObservedAt });
        });
        modelBuilder.Entity<NgsiSubscriptionRow>(e =>
        {
            e.ToTable("ngsi_subscriptions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(512);
        });
    }
}

/// <summary>The SQLite flavour (migrations in Ngsi/Migrations/Sqlite).</summary>
public sealed class SqliteNgsiDbContext(DbContextOptions<SqliteNgsiDbContext> options) : NgsiDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // SQLite cannot order DateTimeOffset natively; store UTC ticks as the core schema does.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(DateTimeOffset)))
            {
                property.SetValueConverter(new DateTimeOffsetToBinaryConverter());
            }
        }
    }
}

/// <summary>The PostgreSQL flavour (migrations in Ngsi/Migrations/PostgreSql).</summary>
public sealed class PostgresNgsiDbContext(DbContextOptions<PostgresNgsiDbContext> options) : NgsiDbContext(options)
{
}

/// <summary>Lets <c>dotnet ef migrations add … --context SqliteNgsiDbContext</c> build the model without a host.</summary>
public sealed class SqliteNgsiDesignTimeFactory : IDesignTimeDbContextFactory<SqliteNgsiDbContext>
{
    public SqliteNgsiDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteNgsiDbContext>()
            .UseSqlite("Data Source=design.db", x => x.MigrationsHistoryTable(NgsiDbContext.HistoryTable)).Options);
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgresNgsiDbContext</c> build the model without a server.</summary>
public sealed class PostgresNgsiDesignTimeFactory : IDesignTimeDbContextFactory<PostgresNgsiDbContext>
{
    public PostgresNgsiDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresNgsiDbContext>()
            .UseNpgsql("Host=localhost;Database=civicgrid_design", x => x.MigrationsHistoryTable(NgsiDbContext.HistoryTable)).Options);
}

/// <summary>Applies the NGSI-LD tables' migrations at platform start-up.</summary>
public sealed class NgsiModuleDatabase : IModuleDatabase
{
    public string Module => "ngsi";

    public async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = services.GetRequiredService<IDbContextFactory<NgsiDbContext>>().CreateDbContext();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct).ConfigureAwait(false)).ToList();
        if (pending.Count > 0)
        {
            await db.Database.MigrateAsync(ct).ConfigureAwait(false);
        }
        return pending;
    }
}
