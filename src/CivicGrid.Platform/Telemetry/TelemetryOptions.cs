namespace CivicGrid.Platform.Telemetry;

/// <summary>Settings of telemetry ingestion, read from <c>CivicGrid:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "CivicGrid:Telemetry";

    /// <summary>Batches that may wait for the writer; when full, HTTP answers 503 and MQTT publishers wait.</summary>
    public int QueueCapacityBatches { get; set; } = 64;

    /// <summary>The most readings one HTTP request or MQTT message may carry.</summary>
    public int MaxBatchReadings { get; set; } = 10_000;

    /// <summary>The most readings committed in one database transaction (queued batches are merged up to this).</summary>
    public int MaxReadingsPerCommit { get; set; } = 20_000;

    /// <summary>What <c>Retry-After</c> says when the queue is full.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>A device that has not reported for this long is marked silent by its watchdog reminder.</summary>
    public TimeSpan SilenceAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the silence watchdog reminder fires (Orleans reminders fire at most once a minute by default).</summary>
    public TimeSpan SilenceCheckPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The embedded MQTT broker.</summary>
    public TelemetryMqttOptions Mqtt { get; } = new();
}

/// <summary>The embedded MQTT broker (<c>CivicGrid:Telemetry:Mqtt</c>); off unless <see cref="Enabled"/>.</summary>
public sealed class TelemetryMqttOptions
{
    public bool Enabled { get; set; }

    /// <summary>TCP port of the broker (0 picks a free port, for tests).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>The address the broker listens on; loopback by default, <c>0.0.0.0</c> for every interface.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The topic prefix: readings go to <c>{prefix}/{kind}/{deviceId}</c> or <c>{prefix}/batch</c>.</summary>
    public string TopicPrefix { get; set; } = "civicgrid/telemetry";
}
