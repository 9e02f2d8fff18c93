using System.Buffers.Binary;

namespace CivicGrid.Ledger.Tiles;

/// <summary>Entry bundles: each entry as a big-endian uint16 length followed by its bytes.</summary>
public static class EntryBundle
{
    /// <summary>Largest entry a bundle can hold; larger payloads go through <see cref="Storage.PayloadStore"/>.</summary>
    public const int MaxEntrySize = ushort.MaxValue;

    public static byte[] Encode(IEnumerable<byte[]> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var ms = new MemoryStream();
        Span<byte> len = stackalloc byte[2];
        foreach (var e in entries)
        {
            if (e.Length > MaxEntrySize)
            {
                throw new ArgumentException($"entry of {e.Length} bytes exceeds the {MaxEntrySize}-byte bundle limit", nameof(entries));
            }
            BinaryPrimitives.WriteUInt16BigEndian(len, (ushort)e.Length);
            ms.Write(len);
            ms.Write(e);
        }
        return ms.ToArray();
    }

    public static List<byte[]> Decode(ReadOnlySpan<byte> bundle, string? source = null)
    {
        var result = new List<byte[]>();
        var offset = 0;
        while (offset < bundle.Length)
        {
            if (bundle.Length - offset < 2)
            {
                throw new LedgerFormatException($"truncated entry length at byte {offset}", source);
            }
            var len = BinaryPrimitives.ReadUInt16BigEndian(bundle[offset..]);
            offset += 2;
            if (bundle.Length - offset < len)
            {
                throw new LedgerFormatException($"entry {result.Count} claims {len} bytes but only {bundle.Length - offset} remain", source);
            }
            result.Add(bundle.Slice(offset, len).ToArray());
            offset += len;
        }
        return result;
    }
}
