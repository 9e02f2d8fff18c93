using CivicGrid.Platform.Federation;
using CivicGrid.Platform.Ngsi;

namespace CivicGrid.Server.Hosting;

/// <summary>Server-side registration of data sharing and federation: the NGSI-LD broker and cross-region trades.</summary>
public static class FederationServerSetup
{
    /// <summary>Adds the NGSI-LD and federation platform services; endpoints are mapped by <c>MapNgsiLdAndFederationEndpoints</c>.</summary>
    public static IServiceCollection AddFederationServer(this IServiceCollection services) =>
        services.AddNgsiPlatform().AddFederationPlatform();
}
