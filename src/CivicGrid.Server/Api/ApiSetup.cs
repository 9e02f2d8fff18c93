namespace CivicGrid.Server.Api;

/// <summary>
/// The REST API under <c>/api/</c>: one group per endpoint family, each with its OpenAPI tag and an
/// authorization policy on every endpoint (see <see cref="Security.CivicGridPolicies"/>).
/// </summary>
public static class ApiSetup
{
    public static void MapCivicGridApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapStatusEndpoints();
        api.MapRegionEndpoints();
        api.MapAssetEndpoints();
        api.MapDecisionEndpoints();
        api.MapLedgerEndpoints();
        api.MapAccountApiEndpoints();
        api.MapParticipationEndpoints();
        api.MapWaterEndpoints();
        api.MapWaterOperationsEndpoints();
        api.MapWaterLeakEndpoints();
        api.MapMobilityEndpoints();
        api.MapEnergyVppEndpoints();
        api.MapEnergyGridEndpoints();
        api.MapEnergyMarketEndpoints();
        api.MapEnergyDemandResponseEndpoints();
        api.MapTelemetryEndpoints();
        endpoints.MapSupplyEndpoints();
        endpoints.MapNgsiLdAndFederationEndpoints();
    }
}
