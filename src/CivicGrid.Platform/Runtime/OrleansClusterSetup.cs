using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace CivicGrid.Platform.Runtime;

/// <summary>
/// Cluster mode: Orleans ADO.NET membership on PostgreSQL, the silo's endpoints, and how quickly a silo that stops
/// answering is declared dead. Settings under <c>CivicGrid:Orleans</c> besides the ids and ports of
/// <see cref="PlatformOptions"/>: <c>AdvertisedAddress</c> (the IP address or host name other silos reach this one at;
/// default: this host's address as Orleans resolves its name), <c>ProbeTimeout</c> and <c>NumMissedProbesLimit</c>
/// (Orleans' failure detector; defaults 5 s and 3, about 10–30 s to declare a dead silo).
/// </summary>
public static class OrleansClusterSetup
{
    /// <summary>Joins the cluster named by <see cref="PlatformOptions.ClusterId"/> through the membership table in PostgreSQL.</summary>
    public static ISiloBuilder UseCivicGridAdoNetClustering(this ISiloBuilder silo, IConfiguration configuration, PlatformOptions options, int siloPort, int gatewayPort)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var section = configuration.GetSection(PlatformOptions.SectionName + ":Orleans");
        silo.Configure<ClusterOptions>(c =>
        {
            c.ClusterId = options.ClusterId;
            c.ServiceId = options.ServiceId;
        });

        // Listen on every interface; advertise the address the other silos (and gateways' clients) can reach.
        if (section["AdvertisedAddress"] is { Length: > 0 } advertised)
        {
            if (IPAddress.TryParse(advertised, out var ip))
            {
                silo.ConfigureEndpoints(ip, siloPort, gatewayPort, listenOnAnyHostAddress: true);
            }
            else
            {
                silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, AddressFamily.InterNetwork, listenOnAnyHostAddress: true);
            }
        }
        else
        {
            silo.ConfigureEndpoints(siloPort, gatewayPort, AddressFamily.InterNetwork, listenOnAnyHostAddress: true);
        }

        var probeTimeout = ReadTimeSpan(section, "ProbeTimeout");
        var missedProbes = ReadInt(section, "NumMissedProbesLimit");
        if (probeTimeout is not null || missedProbes is not null)
        {
            silo.Configure<ClusterMembershipOptions>(m =>
            {
                m.ProbeTimeout = probeTimeout ?? m.ProbeTimeout;
                m.NumMissedProbesLimit = missedProbes ?? m.NumMissedProbesLimit;
            });
        }

        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = options.EffectiveConnectionString;
        });
        return silo;
    }

    private static TimeSpan? ReadTimeSpan(IConfigurationSection section, string key) => section[key] switch
    {
        null or "" => null,
        var raw when TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero => value,
        var raw => throw new PlatformStorageException($"CivicGrid:Orleans:{key} must be a positive time span such as 00:00:05, not '{raw}'."),
    };

    private static int? ReadInt(IConfigurationSection section, string key) => section[key] switch
    {
        null or "" => null,
        var raw when int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 => value,
        var raw => throw new PlatformStorageException($"CivicGrid:Orleans:{key} must be a positive integer, not '{raw}'."),
    };
}
