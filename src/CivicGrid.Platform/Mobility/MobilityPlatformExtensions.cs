using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CivicGrid.Platform.Mobility;

/// <summary>Registers the mobility module's platform services (no tables of its own: its decisions go to the core log).</summary>
public static class MobilityPlatformExtensions
{
    /// <summary>Adds the singletons <see cref="MobilityService"/> and <see cref="LiveRidePooling"/> (the live fleet). Call after <c>AddCivicGridPlatform</c>.</summary>
    public static IServiceCollection AddMobilityPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<MobilityService>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LiveRidePooling>();
        return services;
    }
}
