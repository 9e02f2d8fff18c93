namespace CivicGrid.Platform;

/// <summary>The four roles of the platform. Operators are further limited to the regions they are scoped to.</summary>
public static class PlatformRoles
{
    public const string Resident = "resident";
    public const string Operator = "operator";
    public const string Auditor = "auditor";
    public const string Administrator = "administrator";

    /// <summary>Every role, in order of increasing authority.</summary>
    public static IReadOnlyList<string> All { get; } = [Resident, Operator, Auditor, Administrator];
}
