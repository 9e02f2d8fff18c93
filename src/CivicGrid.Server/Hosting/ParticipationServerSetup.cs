using System.Globalization;
using CivicGrid.Platform.Governance;

namespace CivicGrid.Server.Hosting;

/// <summary>Server-side services of citizen participation (issues, votes, budgets, opinion map).</summary>
public static class ParticipationServerSetup
{
    public static IServiceCollection AddParticipation(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddGovernancePlatform();
        services.AddHostedService<ParticipationScheduler>();
        return services;
    }
}

/// <summary>
/// Closes votes and budgets at their scheduled time on the platform clock: every
/// <c>CivicGrid:Participation:CloseCheckSeconds</c> (default 15) it asks <see cref="ParticipationService"/> to close and
/// tally whatever is due; each tally is an automatic decision record. Several instances may run it: a contest is
/// claimed once by its concurrency token, so a second closer only finds it closed.
/// </summary>
public sealed partial class ParticipationScheduler(IServiceScopeFactory scopes, TimeProvider time, IConfiguration configuration, ILogger<ParticipationScheduler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = configuration["CivicGrid:Participation:CloseCheckSeconds"] is { Length: > 0 } s
            ? int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : 15;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, seconds)), time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var service = scope.ServiceProvider.GetRequiredService<ParticipationService>();
                var closed = await service.CloseDueContestsAsync(time.GetUtcNow(), stoppingToken);
                if (closed > 0)
                {
                    LogClosed(log, closed);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed round (database briefly away, a migration still running) must not stop the schedule; the next round retries.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(log, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} scheduled votes or budgets")]
    private static partial void LogClosed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled closing of votes and budgets failed; retrying on the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
