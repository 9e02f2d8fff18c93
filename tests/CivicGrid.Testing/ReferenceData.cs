using Xunit;

namespace CivicGrid.Testing;

/// <summary>
/// Locates the shared validation data (never copied into the repository): the folder named by
/// <c>CIVICGRID_DATA</c>, else <c>../shared/data</c> beside the repository root.
/// When it is absent a test skips with a clear message on a developer machine and fails under <c>CI=true</c>.
/// </summary>
public static class ReferenceData
{
    private static readonly Lazy<string?> Root = new(Locate);

    /// <summary>The data folder, or null when it cannot be found.</summary>
    public static string? Folder => Root.Value;

    /// <summary>True when running under CI, where missing data is a failure, not a skip.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The full path of <paramref name="relativePath"/> inside the data folder. Skips the calling test
    /// (or fails it in CI) when the folder or the file is missing.
    /// </summary>
    public static string Require(string relativePath)
    {
        var root = Root.Value;
        if (root is null)
        {
            Unavailable("the shared validation data folder was not found (set CIVICGRID_DATA or place it at ../shared/data)");
        }
        var full = Path.Combine(root!, relativePath.Replace('/', Path.DirectorySeparatorChar));
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            Unavailable($"'{relativePath}' is missing from the shared validation data at {root}");
        }
        return full;
    }

    private static void Unavailable(string reason)
    {
        if (IsCi)
        {
            Assert.Fail("Reference data required in CI: " + reason);
        }
        Assert.Skip("Reference data unavailable: " + reason);
    }

    private static string? Locate()
    {
        var env = Environment.GetEnvironmentVariable("CIVICGRID_DATA");
        if (!string.IsNullOrWhiteSpace(env))
        {
            return Directory.Exists(env) ? Path.GetFullPath(env) : null;
        }
        string root;
        try
        {
            root = RepositoryPaths.Root;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        var candidate = Path.GetFullPath(Path.Combine(root, "..", "shared", "data"));
        return Directory.Exists(candidate) ? candidate : null;
    }
}
