using CivicGrid.Platform.Telemetry;

namespace CivicGrid.Server.Hosting;

/// <summary>Server-side services of telemetry ingestion (HTTP batches and the embedded MQTT broker).</summary>
public static class TelemetryServerSetup
{
    public static IServiceCollection AddTelemetryServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddTelemetryPlatform();
        return services;
    }
}
