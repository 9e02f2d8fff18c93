namespace CivicGrid.Server.Components;

/// <summary>A section of the web UI: one per domain module, shown in the navigation.</summary>
/// <param name="Path">The base-relative path of the module's start page, e.g. <c>energy</c>.</param>
/// <param name="Title">The name shown in the navigation.</param>
/// <param name="Group">The navigation heading the module sits under.</param>
/// <param name="Purpose">One sentence on what the module does for the city.</param>
public sealed record CivicGridModule(string Path, string Title, string Group, string Purpose);

/// <summary>The modules of the web UI in navigation order.</summary>
public static class CivicGridModules
{
    public static IReadOnlyList<CivicGridModule> All { get; } =
    [
        new("energy", "Energy", "Infrastructure",
            "Feeders, PV, batteries and EV charging: power flow, day-ahead schedules and curtailment."),
        new("water", "Water", "Infrastructure",
            "The water network: hydraulics, pressure zones, leak scans and restrictions."),
        new("mobility", "Mobility", "Infrastructure",
            "The road network: traffic assignment and signal timing."),
        new("resources", "Resources", "Infrastructure",
            "Material supply: stocks, allocation and reuse."),
        new("ledger", "Ledger", "Trust and people",
            "The transparency log: checkpoints, inclusion proofs and witnesses of every decision."),
        new("participation", "Participation", "Trust and people",
            "Residents raise local problems, vote and budget."),
        new("studio", "Studio", "Trust and people",
            "The free-time simulator: what automation gives back to each person."),
    ];

    /// <summary>The module whose path is <paramref name="path"/> (case-insensitive), or null.</summary>
    public static CivicGridModule? Find(string? path) =>
        All.FirstOrDefault(m => string.Equals(m.Path, path, StringComparison.OrdinalIgnoreCase));
}
