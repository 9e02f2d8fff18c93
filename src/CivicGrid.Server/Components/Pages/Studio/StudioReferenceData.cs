using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;

namespace CivicGrid.Server.Components.Pages.Studio;

/// <summary>
/// Finds the OECD time-use tables for the Studio page: configuration <c>CivicGrid:Studio:DataFolder</c>, else
/// <c>$CIVICGRID_DATA/studio</c>, else <c>../shared/data/studio</c> beside the repository. Loaded once; null (and the
/// reason) when absent, in which case the page asks for a complete schedule and shows no OECD position.
/// </summary>
public static class StudioReferenceData
{
    private static readonly Lock Gate = new();
    private static (TimeUseReferenceData? Data, string? Problem)? loaded;

    public static (TimeUseReferenceData? Data, string? Problem) Get(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        lock (Gate)
        {
            loaded ??= Load(configuration["CivicGrid:Studio:DataFolder"]);
            return loaded.Value;
        }
    }

    private static (TimeUseReferenceData?, string?) Load(string? configured)
    {
        var folder = Locate(configured);
        if (folder is null)
        {
            return (null, "time-use data not found (set CivicGrid:Studio:DataFolder or CIVICGRID_DATA)");
        }
        try
        {
            return (TimeUseReferenceData.LoadFolder(folder), null);
        }
        catch (StudioDataException ex)
        {
            return (null, ex.Message);
        }
    }

    private static string? Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }
        var env = Environment.GetEnvironmentVariable("CIVICGRID_DATA");
        if (!string.IsNullOrWhiteSpace(env))
        {
            return Path.Combine(env, "studio");
        }
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CivicGrid.slnx")))
                {
                    var folder = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "studio"));
                    if (File.Exists(Path.Combine(folder, TimeUseReferenceData.FileName(PopulationSex.Total))))
                    {
                        return folder;
                    }
                }
            }
        }
        return null;
    }
}
