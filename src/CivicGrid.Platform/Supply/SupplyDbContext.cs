using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CivicGrid.Platform.Supply;

/// <summary>
/// The supply-chain tables (<c>supply_*</c>) next to the core schema, with their own migrations and history table.
/// One subclass per provider so each keeps its own migration set.
/// </summary>
public class SupplyDbContext : DbContext
{
    public const string HistoryTable = "__supply_migrations";

    protected SupplyDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<SupplyOrganisationEntity> Organisations => Set<SupplyOrganisationEntity>();

    public DbSet<SupplyEventEntity> Events => Set<SupplyEventEntity>();

    public DbSet<SupplyLotEntity> Lots => Set<SupplyLotEntity>();

    public DbSet<SupplyFootprintEntity> Footprints => Set<SupplyFootprintEntity>();

    public DbSet<SupplyPactEventEntity> PactEvents => Set<SupplyPactEventEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<SupplyOrganisationEntity>(e =>
        {
            e.ToTable("supply_organisations");
            e.Property(o => o.Id).HasMaxLength(96);
            e.Property(o => o.Name).HasMaxLength(200);
            e.Property(o => o.Kind).HasMaxLength(32);
            e.Property(o => o.CountryCode).HasMaxLength(8);
            e.Property(o => o.Region).HasMaxLength(64);
        });
        modelBuilder.Entity<SupplyEventEntity>(e =>
        {
            e.ToTable("supply_events");
            e.HasKey(x => x.Position);
            e.Property(x => x.Position).ValueGeneratedNever();
            e.Property(x => x.OrganisationId).HasMaxLength(96);
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.Digest).HasMaxLength(64);
            e.Property(x => x.RegionId).HasMaxLength(64);
            e.HasIndex(x => new { x.OrganisationId, x.Sequence }).IsUnique();
            e.HasIndex(x => x.Digest).IsUnique();
        });
        modelBuilder.Entity<SupplyLotEntity>(e =>
        {
            e.ToTable("supply_lots");
            e.Property(l => l.Id).HasMaxLength(128);
            e.Property(l => l.Material).HasMaxLength(128);
            e.Property(l => l.Grade).HasMaxLength(128);
            e.Property(l => l.SiteId).HasMaxLength(128);
            e.Property(l => l.HolderId).HasMaxLength(96);
            e.HasIndex(l => new { l.HolderId, l.Consumed });
        });
        modelBuilder.Entity<SupplyFootprintEntity>(e =>
        {
            e.ToTable("supply_footprints");
            e.Property(f => f.Id).HasMaxLength(36);
            e.Property(f => f.LotId).HasMaxLength(128);
            e.Property(f => f.OrganisationId).HasMaxLength(96);
            e.Property(f => f.Status).HasMaxLength(16);
            e.HasIndex(f => f.Created);
            e.HasIndex(f => f.LotId);
        });
        modelBuilder.Entity<SupplyPactEventEntity>(e =>
        {
            e.ToTable("supply_pact_events");
            e.Property(p => p.EventId).HasMaxLength(200);
            e.Property(p => p.Source).HasMaxLength(500);
            e.Property(p => p.Type).HasMaxLength(200);
            e.Property(p => p.ClientId).HasMaxLength(200);
            e.HasIndex(p => new { p.Source, p.EventId }).IsUnique();
        });
    }
}

/// <summary>The SQLite flavour (migrations in Supply/Migrations/Sqlite).</summary>
public sealed class SqliteSupplyDbContext(DbContextOptions<SqliteSupplyDbContext> options) : SupplyDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // SQLite cannot order DateTimeOffset natively; store UTC ticks so queries by time work.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(DateTimeOffset) || p.ClrType == typeof(DateTimeOffset?)))
            {
                property.SetValueConverter(new DateTimeOffsetToBinaryConverter());
            }
        }
    }
}

/// <summary>The PostgreSQL flavour (migrations in Supply/Migrations/PostgreSql).</summary>
public sealed class PostgresSupplyDbContext(DbContextOptions<PostgresSupplyDbContext> options) : SupplyDbContext(options)
{
}

/// <summary>Lets <c>dotnet ef migrations add … --context SqliteSupplyDbContext</c> build the model without a host.</summary>
public sealed class SqliteSupplyDesignTimeFactory : IDesignTimeDbContextFactory<SqliteSupplyDbContext>
{
    public SqliteSupplyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteSupplyDbContext>().UseSqlite("Data Source=design.db", x => x.MigrationsHistoryTable(SupplyDbContext.HistoryTable)).Options);
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgresSupplyDbContext</c> build the model without a server.</summary>
public sealed class PostgresSupplyDesignTimeFactory : IDesignTimeDbContextFactory<PostgresSupplyDbContext>
{
    public PostgresSupplyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresSupplyDbContext>().UseNpgsql("Host=localhost;Database=civicgrid_design", x => x.MigrationsHistoryTable(SupplyDbContext.HistoryTable)).Options);
}
