using CivicGrid.Platform.Ledger;

namespace CivicGrid.Server.Hosting;

/// <summary>Server-side registration of the transparency ledger (federation, witness, explorer).</summary>
public static class LedgerServerSetup
{
    /// <summary>Adds the ledger's platform services; the endpoints are mapped by <c>MapLedgerEndpoints</c>.</summary>
    public static IServiceCollection AddLedgerServer(this IServiceCollection services) => services.AddLedgerPlatform();
}
