using System.Buffers;
using System.Net;
using System.Net.Sockets;
using CivicGrid.Platform.Accounts;
using CivicGrid.Platform.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CivicGrid.Platform.Telemetry;

/// <summary>
/// An embedded MQTT broker (MQTTnet) that takes readings published to <c>{prefix}/{kind}/{deviceId}</c> (a reading
/// object or an array; device and kind come from the topic) or <c>{prefix}/batch</c> (an array of full readings).
/// Clients sign in with an API key of an operator or administrator as the password. A QoS 1 message is acknowledged
/// only after its readings are committed; a full queue delays the acknowledgement, which slows the publisher. MQTT 5
/// clients get refusals as PUBACK reason codes with a reason string; MQTT 3.1.1 clients, whose PUBACK carries no
/// reason, are disconnected instead so the message is not taken for stored.
/// </summary>
public sealed class TelemetryMqttBroker(
    IServiceProvider services, TelemetryIngestor ingestor, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<TelemetryMqttBroker> logger)
    : IHostedService, IAsyncDisposable
{
    private const string V5Key = "civicgrid.v5";
    private MqttServer? _server;

    /// <summary>The port the broker listens on, or null when it is not running.</summary>
    public int? Port { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var mqtt = options.Value.Mqtt;
        if (!mqtt.Enabled)
        {
            return;
        }
        var address = IPAddress.TryParse(mqtt.BindAddress, out var parsed)
            ? parsed
            : throw new PlatformStorageException($"Configuration value CivicGrid:Telemetry:Mqtt:BindAddress = '{mqtt.BindAddress}' is not an IP address.");
        var port = mqtt.Port == 0 ? FreeTcpPort(address) : mqtt.Port;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(port)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        await _server.StartAsync().ConfigureAwait(false);
        Port = port;
        logger.LogInformation("Telemetry MQTT broker listening on {Address}:{Port} (topics {Prefix}/…)", address, port, mqtt.TopicPrefix);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            await server.StopAsync().ConfigureAwait(false);
        }
        Port = null;
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        _server = null;
        return ValueTask.CompletedTask;
    }

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        e.SessionItems[V5Key] = e.ProtocolVersion == MqttProtocolVersion.V500;
        await using var scope = services.CreateAsyncScope();
        var identity = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().ValidateAsync(e.Password, CancellationToken.None).ConfigureAwait(false);
        if (identity is null)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            return;
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var user = await users.FindByIdAsync(identity.UserId).ConfigureAwait(false);
        var roles = user is null ? [] : await users.GetRolesAsync(user).ConfigureAwait(false);
        if (!roles.Contains(PlatformRoles.Operator) && !roles.Contains(PlatformRoles.Administrator))
        {
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
        }
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        // The broker is an ingestion endpoint, not a message bus: nothing is forwarded to subscribers.
        e.ProcessPublish = false;
        var prefix = options.Value.Mqtt.TopicPrefix.TrimEnd('/');
        var topic = e.ApplicationMessage.Topic;
        if (!TryParseTopic(topic, prefix, out var deviceId, out var kind))
        {
            Refuse(e, MqttPubAckReasonCode.TopicNameInvalid, $"topic must be {prefix}/batch or {prefix}/{{meter|water|device}}/{{deviceId}}");
            return;
        }
        TelemetryParseResult parsed;
        try
        {
            var payload = e.ApplicationMessage.Payload;
            parsed = TelemetryBatchParser.Parse(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray(), "mqtt " + topic,
                time.GetUtcNow(), options.Value.MaxBatchReadings, deviceId, kind);
        }
        catch (TelemetryFormatException ex)
        {
            Refuse(e, MqttPubAckReasonCode.PayloadFormatInvalid, ex.Message);
            return;
        }
        if (!parsed.IsValid)
        {
            Refuse(e, MqttPubAckReasonCode.PayloadFormatInvalid, string.Join("; ", parsed.Errors.Take(5).Select(x => $"{x.Key}: {x.Reason}")));
            return;
        }
        try
        {
            await ingestor.SubmitAsync(parsed.Readings, e.CancellationToken).ConfigureAwait(false);
            e.Response.ReasonCode = MqttPubAckReasonCode.Success;
        }
        catch (Exception ex) when (ex is TelemetryStorageException or TelemetryShutdownException or OperationCanceledException)
        {
            Refuse(e, MqttPubAckReasonCode.UnspecifiedError, "not stored, send again: " + ex.Message);
        }
    }

    private void Refuse(InterceptingPublishEventArgs e, MqttPubAckReasonCode code, string reason)
    {
        logger.LogDebug("MQTT message on {Topic} from {Client} refused: {Reason}", e.ApplicationMessage.Topic, e.ClientId, reason);
        e.Response.ReasonCode = code;
        e.Response.ReasonString = reason.Length > 500 ? reason[..500] : reason;
        if (!(e.SessionItems[V5Key] is true))
        {
            e.CloseConnection = true;
        }
    }

    /// <summary>Splits <c>{prefix}/batch</c> or <c>{prefix}/{kind}/{deviceId}</c>.</summary>
    public static bool TryParseTopic(string topic, string prefix, out string? deviceId, out TelemetryKind? kind)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(prefix);
        deviceId = null;
        kind = null;
        if (!topic.StartsWith(prefix + "/", StringComparison.Ordinal))
        {
            return false;
        }
        var rest = topic[(prefix.Length + 1)..].Split('/');
        if (rest is ["batch"])
        {
            return true;
        }
        if (rest is not [var kindText, { Length: > 0 } device])
        {
            return false;
        }
        kind = kindText switch
        {
            "meter" => TelemetryKind.Meter,
            "water" => TelemetryKind.Water,
            "device" => TelemetryKind.Device,
            _ => null,
        };
        deviceId = device;
        return kind is not null;
    }

    private static int FreeTcpPort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
