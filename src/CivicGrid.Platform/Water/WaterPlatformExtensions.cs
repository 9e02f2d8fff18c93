using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CivicGrid.Platform.Water;

/// <summary>Registers the water services of the platform.</summary>
public static class WaterPlatformExtensions
{
    /// <summary>Adds <see cref="WaterNetworkRunner"/> (stateless, one per process).</summary>
    public static IServiceCollection AddWaterPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<WaterNetworkRunner>();
        return services;
    }
}
