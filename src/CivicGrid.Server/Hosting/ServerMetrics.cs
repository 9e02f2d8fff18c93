using System.Diagnostics.Metrics;

namespace CivicGrid.Server.Hosting;

/// <summary>The server's own OpenTelemetry instruments.</summary>
public sealed class ServerMetrics
{
    private readonly Counter<long> decisionsAppended;
    private readonly Counter<long> apiKeyAuthentications;

    public ServerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ServerSetup.MeterName);
        decisionsAppended = meter.CreateCounter<long>("civicgrid.decisions.appended", unit: "{decision}",
            description: "Decision records appended through the API.");
        apiKeyAuthentications = meter.CreateCounter<long>("civicgrid.api_keys.authentications", unit: "{request}",
            description: "Requests authenticated with an API key, by outcome.");
    }

    public void DecisionAppended(string regionId) =>
        decisionsAppended.Add(1, new KeyValuePair<string, object?>("civicgrid.region", regionId));

    public void ApiKeyAuthentication(bool succeeded) =>
        apiKeyAuthentications.Add(1, new KeyValuePair<string, object?>("civicgrid.outcome", succeeded ? "success" : "failure"));
}
