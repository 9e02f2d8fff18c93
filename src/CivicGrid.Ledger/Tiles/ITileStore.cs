namespace CivicGrid.Ledger.Tiles;

/// <summary>Raw access to the static files of a tiled log (tiles, entry bundles, checkpoint).</summary>
public interface ITileStore
{
    /// <summary>The bytes at <paramref name="path"/> (e.g. <c>tile/0/000.p/3</c> or <c>checkpoint</c>), or null if absent.</summary>
    byte[]? Read(string path);
}

/// <summary>A tiled log laid out in a local directory, read-only.</summary>
public sealed class DirectoryTileStore(string root) : ITileStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public byte[]? Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(Path.Combine(Root, path));
        if (!full.StartsWith(Root, StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            return File.ReadAllBytes(full);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}
