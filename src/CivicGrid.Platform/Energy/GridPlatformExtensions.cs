using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CivicGrid.Platform.Energy;

/// <summary>Registers the grid-study services (no tables of their own: studies are not decisions).</summary>
public static class GridPlatformExtensions
{
    /// <summary>Adds the singleton <see cref="GridStudyService"/>. Call after <c>AddCivicGridPlatform</c>.</summary>
    public static IServiceCollection AddGridPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<GridStudyService>();
        return services;
    }
}
