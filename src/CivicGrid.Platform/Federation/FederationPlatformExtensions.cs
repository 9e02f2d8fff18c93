using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CivicGrid.Platform.Federation;

/// <summary>Registers cross-region trading (federation peers come from <c>CivicGrid:Federation</c>).</summary>
public static class FederationPlatformExtensions
{
    public static IServiceCollection AddFederationPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<FederationOptions>().BindConfiguration(FederationOptions.SectionName);
        services.AddHttpClient(CrossRegionTradeService.HttpClientName);
        services.TryAddScoped<CrossRegionTradeService>();
        return services;
    }
}
