using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CivicGrid.Platform.Storage;

/// <summary>Lets <c>dotnet ef migrations add … --context SqlitePlatformDbContext</c> build the model without a host.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePlatformDbContext>
{
    public SqlitePlatformDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePlatformDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgresPlatformDbContext</c> build the model without a server.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPlatformDbContext>
{
    public PostgresDesignTimeFactory()
    {
    }

    public PostgresPlatformDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPlatformDbContext>().UseNpgsql("Host=localhost;Database=civicgrid_design").Options);
}
