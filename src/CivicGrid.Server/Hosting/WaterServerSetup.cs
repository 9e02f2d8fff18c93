using CivicGrid.Platform.Water;

namespace CivicGrid.Server.Hosting;

/// <summary>Server-side services of the water module (the network runner behind the Water page and API).</summary>
public static class WaterServerSetup
{
    public static IServiceCollection AddWaterServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddWaterPlatform();
        return services;
    }
}
