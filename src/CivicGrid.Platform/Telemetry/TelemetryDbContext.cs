using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CivicGrid.Platform.Telemetry;

/// <summary>One row of <c>telemetry_readings</c>; the key (device, time, sequence) is what makes a reading a duplicate.</summary>
public sealed class TelemetryReadingEntity
{
    public string DeviceId { get; set; } = "";

    public DateTimeOffset Time { get; set; }

    public long Sequence { get; set; }

    public TelemetryKind Kind { get; set; }

    public double? PowerKw { get; set; }

    public double? EnergyKwh { get; set; }

    public double? IntervalSeconds { get; set; }

    public double? PressureHeadM { get; set; }

    public double? FlowM3PerS { get; set; }

    public string? State { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>
/// The telemetry time series (<c>telemetry_readings</c>) next to the core schema, with its own migrations and history
/// table. The ingestion path writes with provider-specific bulk SQL (<see cref="TelemetryStore"/>); EF Core owns the
/// schema and serves the occasional query.
/// </summary>
public class TelemetryDbContext : DbContext
{
    public const string HistoryTable = "__telemetry_migrations";

    public const string TableName = "telemetry_readings";

    protected TelemetryDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<TelemetryReadingEntity> Readings => Set<TelemetryReadingEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<TelemetryReadingEntity>(e =>
        {
            e.ToTable(TableName);
            e.HasKey(r => new { r.DeviceId, r.Time, r.Sequence });
            e.Property(r => r.DeviceId).HasColumnName("device_id").HasMaxLength(128);
            e.Property(r => r.Time).HasColumnName("time");
            e.Property(r => r.Sequence).HasColumnName("sequence");
            e.Property(r => r.Kind).HasColumnName("kind").HasConversion<short>();
            e.Property(r => r.PowerKw).HasColumnName("power_kw");
            e.Property(r => r.EnergyKwh).HasColumnName("energy_kwh");
            e.Property(r => r.IntervalSeconds).HasColumnName("interval_s");
            e.Property(r => r.PressureHeadM).HasColumnName("pressure_head_m");
            e.Property(r => r.FlowM3PerS).HasColumnName("flow_m3_per_s");
            e.Property(r => r.State).HasColumnName("state").HasMaxLength(64);
            e.Property(r => r.ReceivedAt).HasColumnName("received_at");
        });
    }
}

/// <summary>The SQLite flavour (migrations in Telemetry/Migrations/Sqlite): times are stored as UTC ticks so they sort.</summary>
public sealed class SqliteTelemetryDbContext(DbContextOptions<SqliteTelemetryDbContext> options) : TelemetryDbContext(options)
{
    /// <summary>How a time is stored in SQLite.</summary>
    public static readonly ValueConverter<DateTimeOffset, long> UtcTicks = new(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<TelemetryReadingEntity>(e =>
        {
            e.Property(r => r.Time).HasConversion(UtcTicks);
            e.Property(r => r.ReceivedAt).HasConversion(UtcTicks);
        });
    }
}

/// <summary>The PostgreSQL flavour (migrations in Telemetry/Migrations/PostgreSql).</summary>
public sealed class PostgresTelemetryDbContext(DbContextOptions<PostgresTelemetryDbContext> options) : TelemetryDbContext(options)
{
}

/// <summary>Lets <c>dotnet ef migrations add … --context SqliteTelemetryDbContext</c> build the model without a host.</summary>
public sealed class SqliteTelemetryDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTelemetryDbContext>
{
    public SqliteTelemetryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTelemetryDbContext>().UseSqlite("Data Source=design.db", x => x.MigrationsHistoryTable(TelemetryDbContext.HistoryTable)).Options);
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgresTelemetryDbContext</c> build the model without a server.</summary>
public sealed class PostgresTelemetryDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTelemetryDbContext>
{
    public PostgresTelemetryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTelemetryDbContext>().UseNpgsql("Host=localhost;Database=civicgrid_design", x => x.MigrationsHistoryTable(TelemetryDbContext.HistoryTable)).Options);
}

/// <summary>Applies the telemetry table's migrations at platform start-up.</summary>
public sealed class TelemetryModuleDatabase : Storage.IModuleDatabase
{
    public string Module => "telemetry";

    public async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        var factory = (IDbContextFactory<TelemetryDbContext>?)services.GetService(typeof(IDbContextFactory<TelemetryDbContext>))
            ?? throw new InvalidOperationException("AddTelemetryPlatform registers the telemetry database.");
        await using var db = factory.CreateDbContext();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct).ConfigureAwait(false)).ToList();
        if (pending.Count > 0)
        {
            await db.Database.MigrateAsync(ct).ConfigureAwait(false);
        }
        return pending;
    }
}
