using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Platform.Storage;

/// <summary>
/// Platform data: Identity tables plus regions, households, assets, API keys, operator scopes and
/// decision records. Each provider has its own subclass so each keeps its own migration set.
/// </summary>
public class PlatformDbContext : IdentityDbContext<PlatformUser>
{
    protected PlatformDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Region> Regions => Set<Region>();

    public DbSet<Household> Households => Set<Household>();

    public DbSet<Asset> Assets => Set<Asset>();

    public DbSet<OperatorRegionScope> OperatorRegionScopes => Set<OperatorRegionScope>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<DecisionRecordEntity> DecisionRecords => Set<DecisionRecordEntity>();

    /// <summary>Refreshes the concurrency token of every modified versioned entity, then saves.</summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    private void StampVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IConcurrencyVersioned>())
        {
            if (entry.State == EntityState.Modified)
            {
                entry.Entity.Version = Guid.NewGuid();
            }
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);

        builder.Entity<Region>(e =>
        {
            e.ToTable("regions");
            e.Property(r => r.Id).HasMaxLength(64);
            e.Property(r => r.Name).HasMaxLength(200);
            e.Property(r => r.Version).IsConcurrencyToken();
        });

        builder.Entity<Household>(e =>
        {
            e.ToTable("households");
            e.Property(h => h.Id).HasMaxLength(64);
            e.Property(h => h.RegionId).HasMaxLength(64);
            e.Property(h => h.IncomeGroup).HasConversion<string>().HasMaxLength(16);
            e.Property(h => h.Version).IsConcurrencyToken();
            e.HasOne<Region>().WithMany().HasForeignKey(h => h.RegionId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(h => h.RegionId);
        });

        builder.Entity<Asset>(e =>
        {
            e.ToTable("assets");
            e.Property(a => a.Id).HasMaxLength(96);
            e.Property(a => a.RegionId).HasMaxLength(64);
            e.Property(a => a.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(a => a.Name).HasMaxLength(200);
            e.Property(a => a.HouseholdId).HasMaxLength(64);
            e.Property(a => a.ParentAssetId).HasMaxLength(96);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.HasOne<Region>().WithMany().HasForeignKey(a => a.RegionId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(a => new { a.RegionId, a.Kind });
        });

        builder.Entity<OperatorRegionScope>(e =>
        {
            e.ToTable("operator_region_scopes");
            e.HasKey(s => new { s.UserId, s.RegionId });
            e.Property(s => s.RegionId).HasMaxLength(64);
            e.HasOne<PlatformUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Region>().WithMany().HasForeignKey(s => s.RegionId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.Property(k => k.Prefix).HasMaxLength(16);
            e.Property(k => k.Name).HasMaxLength(200);
            e.Property(k => k.SecretHash).HasMaxLength(32);
            e.HasIndex(k => k.Prefix).IsUnique();
            e.HasOne<PlatformUser>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<DecisionRecordEntity>(e =>
        {
            e.ToTable("decision_records");
            e.Property(d => d.RegionId).HasMaxLength(64);
            e.Property(d => d.Kind).HasMaxLength(64);
            e.Property(d => d.ActorKind).HasMaxLength(16);
            e.Property(d => d.Algorithm).HasMaxLength(200);
            e.Property(d => d.AlgorithmVersion).HasMaxLength(64);
            e.Property(d => d.InputDigest).HasMaxLength(128);
            e.HasIndex(d => new { d.RegionId, d.LogIndex }).IsUnique();
            e.HasIndex(d => d.DecidedAt);
        });
    }
}

/// <summary>The SQLite flavour of <see cref="PlatformDbContext"/> (migrations in Storage/Migrations/Sqlite).</summary>
public sealed class SqlitePlatformDbContext(DbContextOptions<SqlitePlatformDbContext> options) : PlatformDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // SQLite cannot order or compare DateTimeOffset natively; store UTC ticks so queries by time work.
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(DateTimeOffset) || p.ClrType == typeof(DateTimeOffset?)))
            {
                property.SetValueConverter(new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter());
            }
        }
    }
}

/// <summary>The PostgreSQL flavour of <see cref="PlatformDbContext"/> (migrations in Storage/Migrations/PostgreSql).</summary>
public sealed class PostgresPlatformDbContext(DbContextOptions<PostgresPlatformDbContext> options) : PlatformDbContext(options)
{
}
