using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using CivicGrid.Platform.Supply;
using CivicGrid.Supply.Pact;

namespace CivicGrid.Server.Hosting;

/// <summary>Where the answer to one received RequestCreatedEvent stands.</summary>
/// <param name="RequestEventId">The request's event id.</param>
/// <param name="RequestSource">The request's <c>source</c> (the requester's events endpoint).</param>
/// <param name="AnswerType">RequestFulfilledEvent or RequestRejectedEvent type, once computed.</param>
/// <param name="State"><c>pending</c>, <c>delivered</c>, <c>undeliverable</c> (no partner for the source) or <c>failed</c>.</param>
/// <param name="Attempts">Delivery attempts made.</param>
/// <param name="LastError">The last delivery error, if any.</param>
public sealed record PactDelivery(string RequestEventId, string RequestSource, string? AnswerType, string State, int Attempts, string? LastError);

/// <summary>
/// Answers PACT RequestCreatedEvents asynchronously, as Action Events prescribes: the request is acknowledged at once
/// (200) and the RequestFulfilledEvent or RequestRejectedEvent is then posted to the requester's events endpoint
/// (the request's <c>source</c>), authenticated with the credentials configured for that partner host
/// (<c>CivicGrid:Pact:Partners</c>), retrying with exponential back-off while the partner is unreachable, answers
/// 5xx, 429 or refuses the token.
/// </summary>
public sealed partial class PactEventDispatcher(PactOptions options, SupplyChainService supply, TimeProvider time, ILogger<PactEventDispatcher> log) : BackgroundService
{
    private readonly Channel<(JsonElement Request, PactClientRegistration Requester, string OwnSource)> _jobs =
        Channel.CreateUnbounded<(JsonElement, PactClientRegistration, string)>();

    private readonly ConcurrentDictionary<string, PactDelivery> _deliveries = new(StringComparer.Ordinal);
    // One client for the process (connection pooling, DNS refresh through the pooled lifetime).
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Answers so far, by request (source and id).</summary>
    public IReadOnlyCollection<PactDelivery> Deliveries => [.. _deliveries.Values];

    /// <summary>Queues the answer to a received (schema-checked) RequestCreatedEvent of <paramref name="requester"/>.</summary>
    public void Enqueue(JsonElement request, PactClientRegistration requester, string ownSource)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var key = Key(request);
        _deliveries[key] = new PactDelivery(request.GetProperty("id").GetString()!, request.GetProperty("source").GetString()!, null, "pending", 0, null);
        _jobs.Writer.TryWrite((request.Clone(), requester, ownSource));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        try
        {
            await foreach (var job in _jobs.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                running.RemoveAll(t => t.IsCompleted);
                // Each answer retries on its own schedule; one slow partner does not hold the others.
                running.Add(AnswerAsync(job.Request, job.Requester, job.OwnSource, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task AnswerAsync(JsonElement request, PactClientRegistration requester, string ownSource, CancellationToken ct)
    {
        var key = Key(request);
        var requestId = request.GetProperty("id").GetString()!;
        var source = request.GetProperty("source").GetString()!;
        try
        {
            var visible = (await supply.FootprintsAsync(ct).ConfigureAwait(false)).Where(f => requester.Allows(OrganisationOf(f))).ToList();
            var answer = PactRequestResponder.Respond(request, visible, ownSource, Guid.NewGuid().ToString(), time.GetUtcNow());
            var endpoint = PactRequestResponder.EventsEndpoint(source);
            var partner = endpoint is null ? null
                : options.Partners.Values.FirstOrDefault(p => PactRequestResponder.EndpointKey(p.EventsEndpoint) == PactRequestResponder.EndpointKey(endpoint));
            if (partner is null)
            {
                _deliveries[key] = new PactDelivery(requestId, source, answer.Type, "undeliverable", 0, $"no partner host is configured for the events endpoint '{source}'");
                LogUndeliverable(log, requestId, source);
                return;
            }
            var client = new PactClient(Http, partner.BaseUrl, partner.ClientId, partner.ClientSecret, partner.AuthBaseUrl);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await client.PostEventAsync(answer, ct).ConfigureAwait(false);
                    _deliveries[key] = new PactDelivery(requestId, source, answer.Type, "delivered", attempt, null);
                    return;
                }
                catch (PactClientException ex) when (Retryable(ex) && attempt < options.DeliveryAttempts)
                {
                    _deliveries[key] = new PactDelivery(requestId, source, answer.Type, "pending", attempt, ex.Message);
                    await Task.Delay(options.RetryDelay * Math.Pow(2, attempt - 1), time, ct).ConfigureAwait(false);
                }
                catch (PactClientException ex)
                {
                    _deliveries[key] = new PactDelivery(requestId, source, answer.Type, "failed", attempt, ex.Message);
                    LogFailed(log, requestId, source, ex);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the answer stays pending.
        }
#pragma warning disable CA1031 // One failed answer (e.g. the supply chain unreadable) must not stop the dispatcher.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _deliveries[key] = new PactDelivery(requestId, source, null, "failed", 0, ex.Message);
            LogFailed(log, requestId, source, ex);
        }
    }

    // Unreachable, server errors, throttling, and refused tokens (a renewal is tried inside the client) are worth retrying.
    private static bool Retryable(PactClientException ex) =>
        ex.Status is null or >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized;

    private static string Key(JsonElement request) => request.GetProperty("source").GetString() + " " + request.GetProperty("id").GetString();

    private static string OrganisationOf(CivicGrid.Supply.Footprints.ProductFootprint footprint) =>
        footprint.CompanyIds.Select(c => c.StartsWith("urn:civicgrid:organisation:", StringComparison.Ordinal) ? c["urn:civicgrid:organisation:".Length..] : null)
            .FirstOrDefault(c => c is not null) ?? "";

    [LoggerMessage(Level = LogLevel.Warning, Message = "PACT request {RequestId}: no partner host configured for {Source}; the answer cannot be delivered")]
    private static partial void LogUndeliverable(ILogger logger, string requestId, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PACT request {RequestId}: delivering the answer to {Source} failed")]
    private static partial void LogFailed(ILogger logger, string requestId, string source, Exception exception);
}
