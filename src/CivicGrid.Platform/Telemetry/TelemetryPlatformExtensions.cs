using System.Globalization;
using CivicGrid.Platform.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CivicGrid.Platform.Telemetry;

/// <summary>Registers telemetry ingestion: the time-series table, the store, the ingestion pipeline and the MQTT broker.</summary>
public static class TelemetryPlatformExtensions
{
    /// <summary>
    /// Adds <see cref="TelemetryDbContext"/> (per provider) as a module database, <see cref="TelemetryStore"/>,
    /// <see cref="TelemetryOptions"/> from <c>CivicGrid:Telemetry</c>, the <see cref="TelemetryIngestor"/> (a hosted
    /// service) and the <see cref="TelemetryMqttBroker"/> (started only when <c>CivicGrid:Telemetry:Mqtt:Enabled</c>).
    /// Needs an Orleans silo or client in the same container (the ingestor writes to device grains). Call after
    /// <c>AddCivicGridPlatform</c>.
    /// </summary>
    public static IServiceCollection AddTelemetryPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<TelemetryOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            if (sp.GetService<IConfiguration>() is { } configuration)
            {
                Bind(o, configuration.GetSection(TelemetryOptions.SectionName));
            }
        });
        services.AddModuleDbContext<TelemetryDbContext, SqliteTelemetryDbContext, PostgresTelemetryDbContext>(
            TelemetryDbContext.HistoryTable, o => new SqliteTelemetryDbContext(o), o => new PostgresTelemetryDbContext(o));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModuleDatabase, TelemetryModuleDatabase>());
        services.TryAddSingleton<TelemetryStore>();
        services.TryAddSingleton<TelemetryIngestor>();
        services.TryAddSingleton<TelemetryMqttBroker>();
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryIngestor>());
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryMqttBroker>());
        return services;
    }

    /// <summary>Reads <c>CivicGrid:Telemetry</c>; a bad value raises a <see cref="PlatformStorageException"/> naming the key.</summary>
    public static void Bind(TelemetryOptions options, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(section);
        options.QueueCapacityBatches = Int(section, "QueueCapacityBatches", options.QueueCapacityBatches, 1);
        options.MaxBatchReadings = Int(section, "MaxBatchReadings", options.MaxBatchReadings, 1);
        options.MaxReadingsPerCommit = Int(section, "MaxReadingsPerCommit", options.MaxReadingsPerCommit, 1);
        options.RetryAfterSeconds = Int(section, "RetryAfterSeconds", options.RetryAfterSeconds, 1);
        options.SilenceAfter = Span(section, "SilenceAfter", options.SilenceAfter);
        options.SilenceCheckPeriod = Span(section, "SilenceCheckPeriod", options.SilenceCheckPeriod);
        var mqtt = section.GetSection("Mqtt");
        options.Mqtt.Enabled = mqtt["Enabled"] is { Length: > 0 } enabled
            ? bool.TryParse(enabled, out var e) ? e : throw Bad("Mqtt:Enabled", enabled, "true or false")
            : options.Mqtt.Enabled;
        options.Mqtt.Port = Int(mqtt, "Port", options.Mqtt.Port, 0, "Mqtt:Port");
        options.Mqtt.BindAddress = mqtt["BindAddress"] is { Length: > 0 } bind ? bind : options.Mqtt.BindAddress;
        options.Mqtt.TopicPrefix = mqtt["TopicPrefix"] is { Length: > 0 } prefix ? prefix.TrimEnd('/') : options.Mqtt.TopicPrefix;
    }

    private static int Int(IConfiguration section, string key, int fallback, int minimum, string? name = null)
    {
        var raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }
        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw Bad(name ?? key, raw, "an integer of at least " + minimum.ToString(CultureInfo.InvariantCulture));
    }

    private static TimeSpan Span(IConfiguration section, string key, TimeSpan fallback)
    {
        var raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }
        return TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? value
            : throw Bad(key, raw, "a positive time span such as 00:15:00");
    }

    private static PlatformStorageException Bad(string key, string value, string expected) =>
        new($"Configuration value CivicGrid:Telemetry:{key} = '{value}' is not valid: expected {expected}.");
}
