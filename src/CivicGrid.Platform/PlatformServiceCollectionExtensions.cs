using System.Globalization;
using CivicGrid.Platform.Accounts;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform;

/// <summary>Registers the platform: options, the database, accounts, the city, the decision log.</summary>
public static class PlatformServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PlatformOptions"/> (bound from configuration when first resolved), the provider-specific
    /// <see cref="PlatformDbContext"/> (scoped) and its factory, ASP.NET Core Identity stores for
    /// <see cref="PlatformUser"/> with roles, <see cref="CityRepository"/>, <see cref="RegionAccess"/>,
    /// <see cref="ApiKeyService"/>, the region transparency logs and <see cref="IDecisionLog"/>.
    /// A <see cref="TimeProvider"/> is added (the system clock) unless one is registered already.
    /// </summary>
    public static IServiceCollection AddCivicGridPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // Bind when first resolved, from the host's final configuration (test hosts add sources late).
        services.AddOptions<PlatformOptions>().Configure<IServiceProvider>((options, sp) =>
            Bind(options, sp.GetService<IConfiguration>() ?? configuration));
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton(sp => CreateOptions<SqlitePlatformDbContext>(sp, (b, o) => b.UseSqlite(o.EffectiveConnectionString)));
        services.TryAddSingleton(sp => CreateOptions<PostgresPlatformDbContext>(sp, (b, o) => b.UseNpgsql(o.EffectiveConnectionString)));
        services.TryAddSingleton<IDbContextFactory<PlatformDbContext>, PlatformDbContextFactory>();
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContext());

        services.AddIdentityCore<PlatformUser>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PlatformDbContext>();

        services.TryAddScoped<CityRepository>();
        services.TryAddScoped<RegionAccess>();
        services.TryAddScoped<ApiKeyService>();
        services.TryAddSingleton<ITransparencyLogs, LedgerTransparencyLogs>();
        services.TryAddScoped<IDecisionLog, DecisionLog>();
        return services;
    }

    /// <summary>Reads the platform settings from configuration; bad values raise a <see cref="PlatformStorageException"/> naming the key.</summary>
    public static PlatformOptions ReadPlatformOptions(this IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new PlatformOptions();
        Bind(options, configuration);
        return options;
    }

    private static void Bind(PlatformOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(PlatformOptions.SectionName);
        options.StorageProvider = ParseEnum(section, "Storage:Provider", options.StorageProvider);
        options.ConnectionString = configuration.GetConnectionString(PlatformOptions.ConnectionStringName) is { Length: > 0 } cs ? cs : null;
        options.DataDirectory = section["DataDirectory"] is { Length: > 0 } dir ? dir : options.DataDirectory;
        options.Clustering = ParseEnum(section, "Orleans:Clustering", options.Clustering);
        options.ClusterId = section["Orleans:ClusterId"] is { Length: > 0 } cluster ? cluster : options.ClusterId;
        options.ServiceId = section["Orleans:ServiceId"] is { Length: > 0 } service ? service : options.ServiceId;
        options.SiloPort = ParseInt(section, "Orleans:SiloPort", options.SiloPort);
        options.GatewayPort = ParseInt(section, "Orleans:GatewayPort", options.GatewayPort);
        options.DemoCitySeed = ParseInt(section, "DemoCity:Seed", options.DemoCitySeed);
        options.SeedDemoCity = section["DemoCity:Enabled"] is { Length: > 0 } enabled
            ? bool.TryParse(enabled, out var e) ? e : throw Bad("DemoCity:Enabled", enabled, "true or false")
            : options.SeedDemoCity;
        options.AdministratorUserName = section["Administrator:UserName"] is { Length: > 0 } admin ? admin : options.AdministratorUserName;
    }

    private static T ParseEnum<T>(IConfigurationSection section, string key, T fallback)
        where T : struct, Enum
    {
        var raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }
        return Enum.TryParse<T>(raw.Trim(), ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw Bad(key, raw, string.Join(" | ", Enum.GetNames<T>()));
    }

    private static int ParseInt(IConfigurationSection section, string key, int fallback)
    {
        var raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }
        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Bad(key, raw, "an integer");
    }

    private static PlatformStorageException Bad(string key, string value, string expected) =>
        new($"Configuration value CivicGrid:{key} = '{value}' is not valid: expected {expected}.");

    private static DbContextOptions<T> CreateOptions<T>(IServiceProvider sp, Action<DbContextOptionsBuilder<T>, PlatformOptions> configure)
        where T : DbContext
    {
        var options = sp.GetRequiredService<IOptions<PlatformOptions>>().Value;
        var builder = new DbContextOptionsBuilder<T>();
        configure(builder, options);
        return builder.Options;
    }
}

/// <summary>Creates the <see cref="PlatformDbContext"/> flavour of the configured provider.</summary>
public sealed class PlatformDbContextFactory(IOptions<PlatformOptions> options, IServiceProvider services) : IDbContextFactory<PlatformDbContext>
{
    public PlatformDbContext CreateDbContext() => options.Value.StorageProvider switch
    {
        StorageProvider.PostgreSQL => new PostgresPlatformDbContext(services.GetRequiredService<DbContextOptions<PostgresPlatformDbContext>>()),
        _ => new SqlitePlatformDbContext(services.GetRequiredService<DbContextOptions<SqlitePlatformDbContext>>()),
    };
}
