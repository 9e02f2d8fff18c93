using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicGrid.Ledger.Merkle;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Decisions;

/// <summary>
/// One append-only log per region under <c>&lt;data&gt;/ledger/&lt;region&gt;/</c>, hashed as an RFC 6962 Merkle tree
/// with CivicGrid.Ledger. Entries are length-prefixed in <c>entries.bin</c> and flushed to disk before an append
/// is acknowledged; the receipt carries the tree size, root and the entry's inclusion proof.
/// </summary>
public sealed class LedgerTransparencyLogs(IOptions<PlatformOptions> options) : ITransparencyLogs, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<RegionLog>> _logs = new(StringComparer.Ordinal);

    public byte[] Canonicalize(JsonNode node) => CanonicalJson.Serialize(node);

    public async Task<TransparencyLogAppend> AppendAsync(string regionId, ReadOnlyMemory<byte> entry, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(regionId);
        if (regionId.IndexOfAny(['/', '\\', '.']) >= 0)
        {
            throw new ArgumentException($"Region id '{regionId}' cannot name a log folder.", nameof(regionId));
        }
        var log = _logs.GetOrAdd(regionId, id => new Lazy<RegionLog>(() => RegionLog.Open(Path.Combine(options.Value.LedgerDirectory, id)))).Value;
        return await log.AppendAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var log in _logs.Values.Where(l => l.IsValueCreated))
        {
            log.Value.Dispose();
        }
    }

    private sealed class RegionLog : IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly MemoryNodeHashSource _tree = new();
        private readonly FileStream _file;

        private RegionLog(FileStream file) => _file = file;

        public static RegionLog Open(string folder)
        {
            Directory.CreateDirectory(folder);
            var file = new FileStream(Path.Combine(folder, "entries.bin"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            var log = new RegionLog(file);
            var header = new byte[4];
            long goodLength = 0;
            while (true)
            {
                if (file.Read(header) < 4)
                {
                    break;
                }
                var length = BinaryPrimitives.ReadInt32BigEndian(header);
                if (length < 0 || file.Position + length > file.Length)
                {
                    break;
                }
                var entry = new byte[length];
                file.ReadExactly(entry);
                log._tree.AppendLeafHash(MerkleHash.Leaf(entry));
                goodLength = file.Position;
            }
            // A torn tail (crash mid-append) was never acknowledged: cut it off.
            file.SetLength(goodLength);
            file.Position = goodLength;
            return log;
        }

        public async Task<TransparencyLogAppend> AppendAsync(ReadOnlyMemory<byte> entry, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var header = new byte[4];
                BinaryPrimitives.WriteInt32BigEndian(header, entry.Length);
                await _file.WriteAsync(header, cancellationToken).ConfigureAwait(false);
                await _file.WriteAsync(entry, cancellationToken).ConfigureAwait(false);
                _file.Flush(flushToDisk: true);
                var leaf = MerkleHash.Leaf(entry.Span);
                _tree.AppendLeafHash(leaf);
                var index = _tree.Size - 1;
                var size = _tree.Size;
                var proof = MerkleProofs.Inclusion(_tree, index, size);
                var receipt = new JsonObject
                {
                    ["index"] = index,
                    ["tree_size"] = size,
                    ["root_hash"] = Convert.ToBase64String(MerkleProofs.Root(_tree, size)),
                    ["leaf_hash"] = Convert.ToBase64String(leaf),
                    ["inclusion_proof"] = new JsonArray(proof.Select(p => (JsonNode?)Convert.ToBase64String(p)).ToArray()),
                };
                return new TransparencyLogAppend(index, receipt.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
            }
            finally
            {
                _gate.Release();
            }
        }

        public void Dispose()
        {
            _file.Dispose();
            _gate.Dispose();
        }
    }
}

/// <summary>RFC 8785 canonical JSON for the value types decision records use (strings, integers, booleans, null).</summary>
internal static class CanonicalJson
{
    public static byte[] Serialize(JsonNode node)
    {
        var text = new StringBuilder();
        Write(text, node);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Write(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                // RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their names.
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        text.Append(',');
                    }
                    first = false;
                    WriteString(text, key);
                    text.Append(':');
                    Write(text, value);
                }
                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }
                    Write(text, array[i]);
                }
                text.Append(']');
                break;
            case JsonValue value when value.TryGetValue<string>(out var s):
                WriteString(text, s);
                break;
            case JsonValue value when value.TryGetValue<bool>(out var b):
                text.Append(b ? "true" : "false");
                break;
            case JsonValue value when value.TryGetValue<long>(out var l) && Math.Abs(l) <= (1L << 53):
                text.Append(l.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case JsonValue value when value.TryGetValue<int>(out var n):
                text.Append(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                throw new NotSupportedException("Decision records hold only strings, integers, booleans and null; format other numbers as strings.");
        }
    }

    private static void WriteString(StringBuilder text, string s)
    {
        text.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }
                    break;
            }
        }
        text.Append('"');
    }
}
