using CivicGrid.Platform.Mobility;

namespace CivicGrid.Server.Hosting;

/// <summary>Server-side services of mobility (assignment, signal plans, smart EV charging).</summary>
public static class MobilityServerSetup
{
    public static IServiceCollection AddMobility(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMobilityPlatform();
        return services;
    }
}
