using System.Text;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Storage;
using CivicGrid.Ledger.Tiles;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Ledger.Tests.Tiles;

/// <summary>Tiles assembled from node hashes and entries (database storages) equal the file log's tiles, and are bounded by the tree size.</summary>
public sealed class LogTileReaderTests
{
    [Fact]
    public void Tiles_assembled_from_nodes_equal_the_tiles_the_file_log_writes()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        using var storage = new FileSystemLogStorage(folder.Path);
        storage.AppendDurable([.. Enumerable.Range(0, 600).Select(i => Encoding.UTF8.GetBytes($"entry {i}"))]);
        storage.Integrate();
        var opaque = new OpaqueStorage(storage);
        foreach (var size in new long[] { 1, 255, 256, 257, 600 })
        {
            foreach (var path in PathsOf(size))
            {
                var fromFiles = LogTileReader.Read(storage, path, size);
                var assembled = LogTileReader.Read(opaque, path, size);
                Assert.NotNull(fromFiles);
                Assert.Equal(fromFiles, assembled);
            }
        }
    }

    [Fact]
    public void Tiles_beyond_the_tree_size_are_absent_and_bad_paths_are_errors()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        using var storage = new FileSystemLogStorage(folder.Path);
        storage.AppendDurable([.. Enumerable.Range(0, 300).Select(i => new byte[] { (byte)i })]);
        storage.Integrate();
        Assert.Null(LogTileReader.Read(storage, "tile/0/001", 300));
        Assert.NotNull(LogTileReader.Read(storage, "tile/0/001.p/44", 300));
        Assert.Null(LogTileReader.Read(storage, "tile/0/001.p/45", 300));
        Assert.Null(LogTileReader.Read(storage, "tile/entries/000", 200));
        Assert.Null(LogTileReader.Read(storage, "tile/0/000", 301));
        Assert.Throws<LedgerFormatException>(() => LogTileReader.Read(storage, "tile/0/1", 300));
    }

    private static IEnumerable<string> PathsOf(long size)
    {
        for (var level = 0; (size >> (TilePath.TileHeight * level)) > 0; level++)
        {
            var nodes = size >> (TilePath.TileHeight * level);
            for (long i = 0; i * TilePath.TileWidth < nodes; i++)
            {
                yield return TilePath.HashTile(level, i, (int)Math.Min(TilePath.TileWidth, nodes - (i * TilePath.TileWidth)));
            }
        }
        for (long i = 0; i * TilePath.TileWidth < size; i++)
        {
            yield return TilePath.EntryBundle(i, (int)Math.Min(TilePath.TileWidth, size - (i * TilePath.TileWidth)));
        }
    }

    /// <summary>The same log without its tile store, as a database storage would be.</summary>
    private sealed class OpaqueStorage(ILogStorage inner) : ILogStorage
    {
        public long DurableSize => inner.DurableSize;

        public long IntegratedSize => inner.IntegratedSize;

        public long AppendDurable(IReadOnlyList<byte[]> entries) => inner.AppendDurable(entries);

        public (long Size, byte[] Root) Integrate() => inner.Integrate();

        public INodeHashSource Nodes(long treeSize) => inner.Nodes(treeSize);

        public byte[] ReadEntry(long index) => inner.ReadEntry(index);

        public void PublishCheckpoint(string signedCheckpoint) => inner.PublishCheckpoint(signedCheckpoint);

        public string? ReadCheckpoint() => inner.ReadCheckpoint();

        public void Dispose()
        {
        }
    }
}
