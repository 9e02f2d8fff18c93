using CivicGrid.Platform.Water;

namespace CivicGrid.Server.Hosting;

/// <summary>Server-side services of water operations (pump schedule, sources, restrictions).</summary>
public static class WaterOperationsServerSetup
{
    public static IServiceCollection AddWaterOperationsServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddWaterOperationsPlatform();
        return services;
    }
}
