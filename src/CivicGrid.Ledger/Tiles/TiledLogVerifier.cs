using System.Text;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Notes;

namespace CivicGrid.Ledger.Tiles;

/// <summary>Outcome of verifying a static tiled log.</summary>
public sealed record TiledLogReport(
    IReadOnlyList<Checkpoint> Checkpoints,
    long EntriesChecked,
    int TilesChecked,
    int ConsistencyProofsChecked,
    IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0 && Checkpoints.Count > 0;
}

/// <summary>
/// Verifies a c2sp.org/tlog-tiles log end to end: every checkpoint's signature, every hash tile and entry
/// bundle against its checkpoint's root, and each checkpoint's consistency with the next larger one.
/// </summary>
public static class TiledLogVerifier
{
    /// <summary>Verifies the log in <paramref name="store"/> with the checkpoints at <paramref name="checkpointPaths"/>.</summary>
    public static TiledLogReport Verify(ITileStore store, NoteVerifierKey logKey, IEnumerable<string> checkpointPaths, bool checkEntries = true)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logKey);
        ArgumentNullException.ThrowIfNull(checkpointPaths);
        var errors = new List<string>();
        var checkpoints = new List<Checkpoint>();
        foreach (var path in checkpointPaths)
        {
            var bytes = store.Read(path);
            if (bytes is null)
            {
                errors.Add($"{path}: missing");
                continue;
            }
            try
            {
                var cp = SignedCheckpoint.OpenForLog(bytes, logKey, path).Checkpoint;
                if (cp.Origin != logKey.Name)
                {
                    errors.Add($"{path}: origin '{cp.Origin}' differs from the key name '{logKey.Name}'");
                }
                checkpoints.Add(cp);
            }
            catch (NoteVerificationException ex)
            {
                errors.Add($"{path}: {ex.Message}");
            }
            catch (LedgerFormatException ex)
            {
                errors.Add(ex.Message);
            }
        }
        checkpoints = [.. checkpoints.DistinctBy(c => (c.Size, Convert.ToBase64String(c.RootHash))).OrderBy(c => c.Size)];
        long entries = 0;
        var tiles = 0;
        var proofs = 0;
        for (var i = 0; i < checkpoints.Count; i++)
        {
            var cp = checkpoints[i];
            var latest = i == checkpoints.Count - 1;
            try
            {
                var (e, t) = VerifyTree(store, cp, allTiles: latest, checkEntries);
                entries += e;
                tiles += t;
                if (i > 0)
                {
                    var prev = checkpoints[i - 1];
                    if (prev.Size == cp.Size)
                    {
                        errors.Add($"two checkpoints of size {cp.Size} have different roots (split view)");
                    }
                    else if (prev.Size > 0)
                    {
                        var source = new TileNodeSource(store, cp.Size);
                        var proof = MerkleProofs.Consistency(source, prev.Size, cp.Size);
                        if (!ProofVerifier.VerifyConsistency(prev.Size, cp.Size, prev.RootHash, cp.RootHash, proof))
                        {
                            errors.Add($"checkpoint {prev.Size} is not consistent with checkpoint {cp.Size}");
                        }
                        proofs++;
                    }
                }
            }
            catch (LedgerFormatException ex)
            {
                errors.Add($"size {cp.Size}: {ex.Message}");
            }
        }
        return new TiledLogReport(checkpoints, entries, tiles, proofs, errors);
    }

    /// <summary>Checks the tiles (and bundles) behind one checkpoint. Returns (entries, tiles) checked.</summary>
    public static (long Entries, int Tiles) VerifyTree(ITileStore store, Checkpoint checkpoint, bool allTiles, bool checkEntries)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var size = checkpoint.Size;
        if (size == 0)
        {
            if (!checkpoint.RootHash.AsSpan().SequenceEqual(MerkleHash.EmptyRoot()))
            {
                throw new LedgerFormatException("empty tree must have the SHA-256 of nothing as root", "checkpoint");
            }
            return (0, 0);
        }
        var source = new TileNodeSource(store, size);
        var root = MerkleProofs.Root(source, size);
        if (!root.AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            throw new LedgerFormatException($"root computed from the tiles ({Convert.ToBase64String(root)}) differs from the checkpoint", "checkpoint");
        }
        long entries = 0;
        var tiles = 0;
        for (var level = 0; (size >> (TilePath.TileHeight * level)) > 0; level++)
        {
            var count = ((size >> (TilePath.TileHeight * level)) + TilePath.TileWidth - 1) / TilePath.TileWidth;
            for (var index = allTiles ? 0 : count - 1; index < count; index++)
            {
                var tile = source.ReadTile(level, index);
                tiles++;
                var width = tile.Length / MerkleHash.Size;
                if (level > 0)
                {
                    // Each hash of a level-L tile is the root of one full level-(L-1) tile.
                    for (var k = 0; k < width; k++)
                    {
                        var child = source.ReadTile(level - 1, (index * TilePath.TileWidth) + k);
                        var expected = TileNodeSource.HashRange(child, 0, TilePath.TileWidth);
                        if (!expected.AsSpan().SequenceEqual(tile.AsSpan(k * MerkleHash.Size, MerkleHash.Size)))
                        {
                            throw new LedgerFormatException($"hash {k} does not match the root of its child tile", TilePath.HashTile(level, index, width));
                        }
                    }
                }
                else if (checkEntries)
                {
                    entries += VerifyBundle(store, index, width, tile);
                }
            }
        }
        return (entries, tiles);
    }

    private static int VerifyBundle(ITileStore store, long index, int width, byte[] tile)
    {
        var path = TilePath.EntryBundle(index, width);
        var data = store.Read(path);
        List<byte[]> bundle;
        if (data is null && width < TilePath.TileWidth)
        {
            var full = store.Read(TilePath.EntryBundle(index, TilePath.TileWidth)) ?? throw new LedgerFormatException("entry bundle is missing", path);
            bundle = EntryBundle.Decode(full, path);
            if (bundle.Count < width)
            {
                throw new LedgerFormatException("full bundle holds too few entries", path);
            }
            bundle = bundle[..width];
        }
        else
        {
            bundle = EntryBundle.Decode(data ?? throw new LedgerFormatException("entry bundle is missing", path), path);
        }
        if (bundle.Count != width)
        {
            throw new LedgerFormatException($"bundle holds {bundle.Count} entries, the tile {width}", path);
        }
        for (var k = 0; k < width; k++)
        {
            if (!MerkleHash.Leaf(bundle[k]).AsSpan().SequenceEqual(tile.AsSpan(k * MerkleHash.Size, MerkleHash.Size)))
            {
                throw new LedgerFormatException($"entry {(index * TilePath.TileWidth) + k} does not hash to its tile leaf", path);
            }
        }
        return width;
    }

    /// <summary>The checkpoint files of a directory: <c>checkpoint</c> and any <c>checkpoint.N</c> snapshots.</summary>
    public static IReadOnlyList<string> FindCheckpoints(string directory) =>
        [.. Directory.GetFiles(directory, "checkpoint*")
            .Select(Path.GetFileName)
            .Where(n => n == "checkpoint" || (n!.StartsWith("checkpoint.", StringComparison.Ordinal) && n[11..].All(char.IsAsciiDigit)))
            .Select(n => n!)
            .Order(StringComparer.Ordinal)];

    /// <summary>Verifies one signed checkpoint file with a log key (no tiles). Returns the checkpoint.</summary>
    public static Checkpoint VerifyCheckpointFile(string file, NoteVerifierKey logKey)
    {
        var bytes = File.ReadAllBytes(file);
        return SignedCheckpoint.OpenForLog(bytes, logKey, file).Checkpoint;
    }

    internal static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);
}
