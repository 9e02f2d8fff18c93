using System.Globalization;
using System.Text;

namespace CivicGrid.Ledger.Tiles;

/// <summary>Address of one tile: level (-1 for entry bundles), index, and width (256 = full).</summary>
public readonly record struct TileCoordinate(int Level, long Index, int Width)
{
    /// <summary>Level value used for entry bundles (<c>tile/entries/…</c>).</summary>
    public const int EntriesLevel = -1;

    public bool IsEntryBundle => Level == EntriesLevel;

    public bool IsPartial => Width < TilePath.TileWidth;

    public string Path => IsEntryBundle ? TilePath.EntryBundle(Index, Width) : TilePath.HashTile(Level, Index, Width);
}

/// <summary>c2sp.org/tlog-tiles paths: <c>tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c> and <c>tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c>.</summary>
public static class TilePath
{
    /// <summary>Hashes per full tile and entries per full bundle.</summary>
    public const int TileWidth = 256;

    /// <summary>Tree levels spanned by one tile level (log2 of <see cref="TileWidth"/>).</summary>
    public const int TileHeight = 8;

    /// <summary>Encodes an index as 3-digit groups, all but the last prefixed with 'x': 1234067 → x001/x234/067.</summary>
    public static string EncodeIndex(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var groups = new List<string>();
        var n = index;
        do
        {
            groups.Add((n % 1000).ToString("D3", CultureInfo.InvariantCulture));
            n /= 1000;
        }
        while (n > 0);
        groups.Reverse();
        var sb = new StringBuilder();
        for (var i = 0; i < groups.Count; i++)
        {
            if (i < groups.Count - 1)
            {
                sb.Append('x').Append(groups[i]).Append('/');
            }
            else
            {
                sb.Append(groups[i]);
            }
        }
        return sb.ToString();
    }

    /// <summary>Path of a hash tile.</summary>
    public static string HashTile(int level, long index, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, TileWidth);
        return "tile/" + level.ToString(CultureInfo.InvariantCulture) + "/" + EncodeIndex(index) + Suffix(width);
    }

    /// <summary>Path of an entry bundle.</summary>
    public static string EntryBundle(long index, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, TileWidth);
        return "tile/entries/" + EncodeIndex(index) + Suffix(width);
    }

    private static string Suffix(int width) =>
        width == TileWidth ? string.Empty : ".p/" + width.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a tile or entry bundle path; throws <see cref="LedgerFormatException"/> on anything else.</summary>
    public static TileCoordinate Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/');
        if (parts.Length < 3 || parts[0] != "tile")
        {
            throw Bad(path, "must start with tile/");
        }
        int level;
        if (parts[1] == "entries")
        {
            level = TileCoordinate.EntriesLevel;
        }
        else if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out level) || level > 63
            || (parts[1].Length > 1 && parts[1][0] == '0'))
        {
            throw Bad(path, "bad level");
        }
        var rest = parts[2..];
        var width = TileWidth;
        if (rest.Length >= 2 && rest[^2].EndsWith(".p", StringComparison.Ordinal))
        {
            var w = rest[^1];
            if (w.Length == 0 || (w.Length > 1 && w[0] == '0') || !int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out width)
                || width < 1 || width >= TileWidth)
            {
                throw Bad(path, "partial width must be 1–255 without leading zeros");
            }
            rest = [.. rest[..^2], rest[^2][..^2]];
        }
        long index = 0;
        for (var i = 0; i < rest.Length; i++)
        {
            var g = rest[i];
            var last = i == rest.Length - 1;
            if (!last)
            {
                if (!g.StartsWith('x'))
                {
                    throw Bad(path, "non-final index groups must start with 'x'");
                }
                g = g[1..];
            }
            if (g.Length != 3 || !g.All(char.IsAsciiDigit))
            {
                throw Bad(path, "index groups must be three digits");
            }
            index = checked((index * 1000) + int.Parse(g, CultureInfo.InvariantCulture));
        }
        if (!string.Equals(EncodeIndex(index), string.Join('/', rest), StringComparison.Ordinal))
        {
            throw Bad(path, "index is not in canonical form");
        }
        return new TileCoordinate(level, index, width);
    }

    private static LedgerFormatException Bad(string path, string reason) => new("invalid tile path: " + reason, path);
}
