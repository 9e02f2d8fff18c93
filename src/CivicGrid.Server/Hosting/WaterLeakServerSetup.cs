using CivicGrid.Platform.Water;

namespace CivicGrid.Server.Hosting;

/// <summary>Server-side services of water leak detection.</summary>
public static class WaterLeakServerSetup
{
    public static IServiceCollection AddWaterLeakServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddWaterLeaksPlatform();
        return services;
    }
}
