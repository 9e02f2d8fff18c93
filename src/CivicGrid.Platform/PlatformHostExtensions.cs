using System.Net;
using System.Net.Sockets;
using CivicGrid.Platform.Runtime;
using CivicGrid.Platform.Runtime.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;

namespace CivicGrid.Platform;

/// <summary>Co-hosts the Orleans silo that keeps the city's live state.</summary>
public static class PlatformHostExtensions
{
    /// <summary>
    /// Adds an in-process Orleans silo. Clustering: <c>CivicGrid:Orleans:Clustering</c> = <c>Localhost</c> (default) or
    /// <c>AdoNet</c> (PostgreSQL membership on <c>ConnectionStrings:CivicGrid</c>). Grain storage "civicgrid":
    /// <see cref="SqliteGrainStorage"/> in <c>&lt;data&gt;/grains.db</c> with the SQLite provider, Orleans ADO.NET
    /// persistence with PostgreSQL (tables created at silo start when missing). Reminders: ADO.NET on PostgreSQL with the
    /// PostgreSQL provider (they survive silos leaving), in memory with SQLite (the one-process default, where the silo
    /// is the whole cluster and grains re-register their reminders on activation). Ports 0 mean "pick a free port".
    /// Settings are read from the builder's configuration when this is called.
    /// </summary>
    public static IHostApplicationBuilder AddCivicGridOrleans(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.ReadPlatformOptions();
        var siloPort = options.SiloPort == 0 ? FreeTcpPort() : options.SiloPort;
        var gatewayPort = options.GatewayPort == 0 ? FreeTcpPort() : options.GatewayPort;
        var usesPostgres = options.StorageProvider == StorageProvider.PostgreSQL;
        if (options.Clustering == OrleansClustering.AdoNet && !usesPostgres)
        {
            throw new PlatformStorageException(
                "CivicGrid:Orleans:Clustering = AdoNet needs CivicGrid:Storage:Provider = PostgreSQL and ConnectionStrings:CivicGrid.");
        }

        builder.UseOrleans(silo =>
        {
            if (usesPostgres)
            {
                var connectionString = options.EffectiveConnectionString;
                // The Orleans tables must exist before membership and storage initialise.
                silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new OrleansSchemaInstaller(connectionString));
                silo.AddAdoNetGrainStorage(GrainStorageNames.CivicGrid, o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connectionString;
                });
                silo.UseAdoNetReminderService(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connectionString;
                });
            }
            else
            {
                silo.Services.AddGrainStorage(GrainStorageNames.CivicGrid,
                    (sp, _) => new SqliteGrainStorage(options.SqliteGrainStatePath, options.ServiceId, sp.GetService<TimeProvider>()));
                silo.UseInMemoryReminderService();
            }

            if (options.Clustering == OrleansClustering.AdoNet)
            {
                silo.UseCivicGridAdoNetClustering(builder.Configuration, options, siloPort, gatewayPort);
            }
            else
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            }
        });
        return builder;
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class OrleansSchemaInstaller(string connectionString) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(OrleansSchemaInstaller), ServiceLifecycleStage.First,
                ct => PostgresOrleansSchema.EnsureCreatedWithRemindersAsync(connectionString, ct));
    }
}
