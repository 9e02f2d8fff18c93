using CivicGrid.Ledger.Tiles;
using Xunit;

namespace CivicGrid.Ledger.Tests.Tiles;

public class TilePathTests
{
    [Theory]
    [InlineData(0, "000")]
    [InlineData(67, "067")]
    [InlineData(1000, "x001/000")]
    [InlineData(1234067, "x001/x234/067")]
    public void Index_encoding_matches_the_tlog_tiles_spec(long index, string expected)
    {
        Assert.Equal(expected, TilePath.EncodeIndex(index));
    }

    [Fact]
    public void Paths_for_full_and_partial_tiles_and_bundles_round_trip()
    {
        Assert.Equal("tile/1/x001/x234/067", TilePath.HashTile(1, 1234067, 256));
        Assert.Equal("tile/0/x001/x234/067.p/8", TilePath.HashTile(0, 1234067, 8));
        Assert.Equal("tile/entries/x001/x234/067.p/255", TilePath.EntryBundle(1234067, 255));
        foreach (var p in new[] { "tile/1/x001/x234/067", "tile/0/x001/x234/067.p/8", "tile/entries/000.p/15", "tile/entries/x005/000" })
        {
            Assert.Equal(p, TilePath.Parse(p).Path);
        }
        var c = TilePath.Parse("tile/entries/x001/x234/067.p/8");
        Assert.True(c.IsEntryBundle);
        Assert.Equal(1234067, c.Index);
        Assert.Equal(8, c.Width);
    }

    [Theory]
    [InlineData("tile/0/1234067")]
    [InlineData("tile/0/001/234")]
    [InlineData("tile/0/x000/001")]
    [InlineData("tile/0/000.p/0")]
    [InlineData("tile/0/000.p/256")]
    [InlineData("tile/0/000.p/08")]
    [InlineData("tile/01/000")]
    [InlineData("tiles/0/000")]
    public void Non_canonical_paths_are_rejected_with_the_path_named(string path)
    {
        var ex = Assert.Throws<LedgerFormatException>(() => TilePath.Parse(path));
        Assert.Equal(path, ex.Source);
    }

    [Fact]
    public void Entry_bundle_round_trips_and_a_truncated_bundle_is_rejected()
    {
        byte[][] entries = [[], [1, 2, 3], new byte[300]];
        var encoded = EntryBundle.Encode(entries);
        var decoded = EntryBundle.Decode(encoded);
        Assert.Equal(3, decoded.Count);
        Assert.Equal(entries[1], decoded[1]);
        Assert.Throws<LedgerFormatException>(() => EntryBundle.Decode(encoded.AsSpan(0, encoded.Length - 1), "b"));
    }
}
