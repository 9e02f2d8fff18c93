using CivicGrid.Platform.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CivicGrid.Server.Hosting;

/// <summary>Ready only when the platform database answers a query.</summary>
public sealed class DatabaseHealthCheck(PlatformDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("The platform database answers.")
                : HealthCheckResult.Unhealthy("The platform database does not answer.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The platform database failed: " + ex.GetType().Name, ex);
        }
    }
}
