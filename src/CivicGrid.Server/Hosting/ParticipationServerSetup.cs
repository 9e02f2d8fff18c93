using CivicGrid.Platform.Governance;

namespace CivicGrid.Server.Hosting;

/// <summary>Server-side services of citizen participation (issues, votes, budgets, opinion map).</summary>
public static class ParticipationServerSetup
{
    public static IServiceCollection AddParticipation(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddGovernancePlatform();
        return services;
    }
}
