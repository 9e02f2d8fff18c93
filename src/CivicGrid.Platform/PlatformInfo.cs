namespace CivicGrid.Platform;

/// <summary>Facts about the running platform build.</summary>
public static class PlatformInfo
{
    /// <summary>The product name shown in the UI and API.</summary>
    public const string ProductName = "CivicGrid";
}
