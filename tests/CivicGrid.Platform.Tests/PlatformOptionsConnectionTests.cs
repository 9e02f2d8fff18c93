using CivicGrid.Platform;
using Npgsql;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>The PostgreSQL connection string every component shares gets a bounded pool unless the operator chose one.</summary>
public sealed class PlatformOptionsConnectionTests
{
    private static NpgsqlConnectionStringBuilder Effective(string configured) =>
        new(new PlatformOptions { StorageProvider = StorageProvider.PostgreSQL, ConnectionString = configured }.EffectiveConnectionString);

    [Fact]
    public void A_connection_string_without_a_pool_size_gets_the_bounded_default()
    {
        var b = Effective("Host=db.example;Username=civicgrid;Database=city");
        Assert.Equal(PlatformOptions.DefaultMaxPoolSize, b.MaxPoolSize);
        Assert.Equal("db.example", b.Host);
        Assert.Equal("city", b.Database);
    }

    [Theory]
    [InlineData("Host=db;Database=city;Maximum Pool Size=120", 120)]
    [InlineData("host=db;database=city;maximum pool size=7", 7)]
    [InlineData("Host=db;Database=city;MaxPoolSize=100", 100)]
    public void An_explicit_pool_size_is_kept(string configured, int expected) =>
        Assert.Equal(expected, Effective(configured).MaxPoolSize);

    [Fact]
    public void A_minimum_pool_size_alone_does_not_count_as_a_maximum()
    {
        var b = Effective("Host=db;Database=city;Minimum Pool Size=2");
        Assert.Equal(2, b.MinPoolSize);
        Assert.Equal(PlatformOptions.DefaultMaxPoolSize, b.MaxPoolSize);
    }

    [Fact]
    public void A_string_npgsql_rejects_is_passed_on_unchanged_for_the_connection_to_report()
    {
        const string configured = "Host=db;Database=city;Bogus Keyword=1";
        var options = new PlatformOptions { StorageProvider = StorageProvider.PostgreSQL, ConnectionString = configured };
        Assert.Equal(configured, options.EffectiveConnectionString);
        Assert.ThrowsAny<ArgumentException>(() => new NpgsqlConnectionStringBuilder(configured));
    }

    [Fact]
    public void Sqlite_connection_strings_are_left_alone()
    {
        var options = new PlatformOptions { StorageProvider = StorageProvider.Sqlite, ConnectionString = "Data Source=/tmp/x.db" };
        Assert.Equal("Data Source=/tmp/x.db", options.EffectiveConnectionString);
    }
}
