namespace CivicGrid.Platform.Storage;

/// <summary>
/// A module's own tables (governance, supply chains, energy operations …) kept in the platform database next to the
/// core schema. Each module owns one EF Core context per provider with its own migrations and its own migrations
/// history table, so modules evolve their schemas independently. Register an implementation as a singleton;
/// platform start-up applies every module's pending migrations after the core schema's.
/// </summary>
public interface IModuleDatabase
{
    /// <summary>A short name for messages, e.g. <c>governance</c>.</summary>
    string Module { get; }

    /// <summary>Applies the module's pending migrations and returns their names (empty when current).</summary>
    Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken ct);
}
