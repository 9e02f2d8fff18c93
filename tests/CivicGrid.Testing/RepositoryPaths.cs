using System.Reflection;

namespace CivicGrid.Testing;

/// <summary>Paths inside the repository, found from the build's record of it or from the test binary's location.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root: the folder that holds <c>CivicGrid.slnx</c>.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var recorded = typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "CivicGrid.RepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "CivicGrid.slnx")))
        {
            return Path.GetFullPath(recorded);
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CivicGrid.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("CivicGrid.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A fresh temporary folder that is removed when disposed.</summary>
    public static TempFolder CreateTempFolder() => new();
}

/// <summary>A temporary folder for a test, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "civicgrid-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
