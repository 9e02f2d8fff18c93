using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CivicGrid.Platform.Governance;

/// <summary>
/// The participation tables (<c>governance_*</c>) kept next to the core schema, with their own migrations
/// and history table. One subclass per provider so each keeps its own migration set.
/// </summary>
public class GovernanceDbContext : DbContext
{
    public const string HistoryTable = "__governance_migrations";

    protected GovernanceDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<ParticipantEntity> Participants => Set<ParticipantEntity>();

    public DbSet<IssueEntity> Issues => Set<IssueEntity>();

    public DbSet<IssueSupportEntity> Supports => Set<IssueSupportEntity>();

    public DbSet<IssueReportEntity> Reports => Set<IssueReportEntity>();

    public DbSet<IssueCommentEntity> Comments => Set<IssueCommentEntity>();

    public DbSet<CommentReportEntity> CommentReports => Set<CommentReportEntity>();

    public DbSet<IssueAuditEntity> Audit => Set<IssueAuditEntity>();

    public DbSet<IssueScenarioEntity> Scenarios => Set<IssueScenarioEntity>();

    public DbSet<VoteEntity> Votes => Set<VoteEntity>();

    public DbSet<BudgetEntity> Budgets => Set<BudgetEntity>();

    public DbSet<ProposalEntity> Proposals => Set<ProposalEntity>();

    public DbSet<BallotEntity> Ballots => Set<BallotEntity>();

    public DbSet<StatementEntity> Statements => Set<StatementEntity>();

    public DbSet<OpinionEntity> Opinions => Set<OpinionEntity>();

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Modified)
            {
                switch (entry.Entity)
                {
                    case IssueEntity i: i.Version = Guid.NewGuid(); break;
                    case VoteEntity v: v.Version = Guid.NewGuid(); break;
                    case BudgetEntity b: b.Version = Guid.NewGuid(); break;
                }
            }
        }
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        var b = modelBuilder;
        b.Entity<ParticipantEntity>(e =>
        {
            e.ToTable("governance_participants");
            e.HasKey(p => p.UserId);
            e.Property(p => p.UserId).HasMaxLength(450);
            e.Property(p => p.RegionId).HasMaxLength(64);
        });
        b.Entity<IssueEntity>(e =>
        {
            e.ToTable("governance_issues");
            e.Property(i => i.RegionId).HasMaxLength(64);
            e.Property(i => i.Category).HasMaxLength(32);
            e.Property(i => i.Title).HasMaxLength(200);
            e.Property(i => i.Description).HasMaxLength(4000);
            e.Property(i => i.AuthorId).HasMaxLength(450);
            e.Property(i => i.Status).HasMaxLength(16);
            e.Property(i => i.Version).IsConcurrencyToken();
            e.HasIndex(i => new { i.RegionId, i.Category });
            e.HasIndex(i => i.CreatedAt);
        });
        b.Entity<IssueSupportEntity>(e =>
        {
            e.ToTable("governance_supports");
            e.HasKey(s => new { s.IssueId, s.ResidentId });
            e.Property(s => s.ResidentId).HasMaxLength(450);
            e.HasOne<IssueEntity>().WithMany().HasForeignKey(s => s.IssueId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<IssueReportEntity>(e =>
        {
            e.ToTable("governance_reports");
            e.HasKey(s => new { s.IssueId, s.ResidentId });
            e.Property(s => s.ResidentId).HasMaxLength(450);
            e.Property(s => s.Reason).HasMaxLength(1000);
            e.HasOne<IssueEntity>().WithMany().HasForeignKey(s => s.IssueId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<IssueCommentEntity>(e =>
        {
            e.ToTable("governance_comments");
            e.Property(c => c.AuthorId).HasMaxLength(450);
            e.Property(c => c.Text).HasMaxLength(4000);
            e.HasOne<IssueEntity>().WithMany().HasForeignKey(c => c.IssueId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(c => new { c.IssueId, c.At });
        });
        b.Entity<CommentReportEntity>(e =>
        {
            e.ToTable("governance_comment_reports");
            e.HasKey(s => new { s.CommentId, s.ResidentId });
            e.Property(s => s.ResidentId).HasMaxLength(450);
            e.Property(s => s.Reason).HasMaxLength(1000);
            e.HasOne<IssueCommentEntity>().WithMany().HasForeignKey(s => s.CommentId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<IssueAuditEntity>(e =>
        {
            e.ToTable("governance_audit");
            e.Property(a => a.ActorId).HasMaxLength(450);
            e.Property(a => a.Role).HasMaxLength(16);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.Reason).HasMaxLength(1000);
            e.HasOne<IssueEntity>().WithMany().HasForeignKey(a => a.IssueId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(a => a.IssueId);
        });
        b.Entity<IssueScenarioEntity>(e =>
        {
            e.ToTable("governance_issue_scenarios");
            e.Property(s => s.ResidentId).HasMaxLength(450);
            e.Property(s => s.Technologies).HasMaxLength(500);
            e.Property(s => s.Preset).HasMaxLength(32);
            e.Property(s => s.Note).HasMaxLength(1000);
            e.HasOne<IssueEntity>().WithMany().HasForeignKey(s => s.IssueId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(s => s.IssueId);
        });
        b.Entity<VoteEntity>(e =>
        {
            e.ToTable("governance_votes");
            e.Property(v => v.RegionId).HasMaxLength(64);
            e.Property(v => v.Title).HasMaxLength(200);
            e.Property(v => v.Method).HasMaxLength(32);
            e.Property(v => v.CreatedBy).HasMaxLength(450);
            e.Property(v => v.Version).IsConcurrencyToken();
            e.HasIndex(v => v.RegionId);
            e.HasIndex(v => v.ClosesAt);
        });
        b.Entity<BudgetEntity>(e =>
        {
            e.ToTable("governance_budgets");
            e.Property(v => v.RegionId).HasMaxLength(64);
            e.Property(v => v.Title).HasMaxLength(200);
            e.Property(v => v.Rule).HasMaxLength(16);
            e.Property(v => v.Phase).HasMaxLength(16);
            e.Property(v => v.CreatedBy).HasMaxLength(450);
            e.Property(v => v.ThresholdPercent).HasPrecision(9, 4);
            e.Property(v => v.BallotKind).HasMaxLength(16).HasDefaultValue("approval");
            e.Property(v => v.Source).HasMaxLength(260);
            e.Property(v => v.Version).IsConcurrencyToken();
            e.HasIndex(v => v.RegionId);
            e.HasIndex(v => v.ClosesAt);
        });
        b.Entity<ProposalEntity>(e =>
        {
            e.ToTable("governance_proposals");
            e.Property(p => p.Title).HasMaxLength(200);
            e.Property(p => p.Description).HasMaxLength(4000);
            e.Property(p => p.AuthorId).HasMaxLength(450);
            e.HasOne<BudgetEntity>().WithMany().HasForeignKey(p => p.BudgetId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(p => new { p.BudgetId, p.Number }).IsUnique();
        });
        b.Entity<BallotEntity>(e =>
        {
            e.ToTable("governance_ballots");
            e.HasKey(x => new { x.ContestId, x.ResidentId });
            e.Property(x => x.ResidentId).HasMaxLength(450);
            e.Property(x => x.Commitment).HasMaxLength(64);
        });
        b.Entity<StatementEntity>(e =>
        {
            e.ToTable("governance_statements");
            e.Property(s => s.RegionId).HasMaxLength(64);
            e.Property(s => s.Text).HasMaxLength(500);
            e.Property(s => s.AuthorId).HasMaxLength(450);
            e.HasIndex(s => s.RegionId);
        });
        b.Entity<OpinionEntity>(e =>
        {
            e.ToTable("governance_opinions");
            e.HasKey(o => new { o.StatementId, o.ResidentId });
            e.Property(o => o.ResidentId).HasMaxLength(450);
            e.HasOne<StatementEntity>().WithMany().HasForeignKey(o => o.StatementId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

/// <summary>The SQLite flavour (migrations in Governance/Migrations/Sqlite).</summary>
public sealed class SqliteGovernanceDbContext(DbContextOptions<SqliteGovernanceDbContext> options) : GovernanceDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // SQLite cannot order DateTimeOffset natively; store UTC ticks as the core schema does.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(DateTimeOffset) || p.ClrType == typeof(DateTimeOffset?)))
            {
                property.SetValueConverter(new DateTimeOffsetToBinaryConverter());
            }
        }
    }
}

/// <summary>The PostgreSQL flavour (migrations in Governance/Migrations/PostgreSql).</summary>
public sealed class PostgresGovernanceDbContext(DbContextOptions<PostgresGovernanceDbContext> options) : GovernanceDbContext(options)
{
}

/// <summary>Lets <c>dotnet ef migrations add … --context SqliteGovernanceDbContext</c> build the model without a host.</summary>
public sealed class SqliteGovernanceDesignTimeFactory : IDesignTimeDbContextFactory<SqliteGovernanceDbContext>
{
    public SqliteGovernanceDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteGovernanceDbContext>()
            .UseSqlite("Data Source=design.db", x => x.MigrationsHistoryTable(GovernanceDbContext.HistoryTable)).Options);
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgresGovernanceDbContext</c> build the model without a server.</summary>
public sealed class PostgresGovernanceDesignTimeFactory : IDesignTimeDbContextFactory<PostgresGovernanceDbContext>
{
    public PostgresGovernanceDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresGovernanceDbContext>()
            .UseNpgsql("Host=localhost;Database=civicgrid_design", x => x.MigrationsHistoryTable(GovernanceDbContext.HistoryTable)).Options);
}
