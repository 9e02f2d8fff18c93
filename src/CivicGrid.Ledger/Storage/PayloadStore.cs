using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CivicGrid.Ledger.Storage;

/// <summary>
/// The small log entry that stands for a large payload: its SHA-256, its length and where it is stored.
/// Text form (one line): <c>civicgrid.payload/v1 sha256:&lt;hex&gt; &lt;length&gt; &lt;location&gt;</c>.
/// </summary>
public sealed record PayloadPointer(byte[] Sha256, long Length, string Location)
{
    private const string Prefix = "civicgrid.payload/v1 sha256:";

    public byte[] ToEntry() => Encoding.UTF8.GetBytes(
        Prefix + Convert.ToHexStringLower(Sha256) + " " + Length.ToString(CultureInfo.InvariantCulture) + " " + Location);

    public static PayloadPointer? TryParse(ReadOnlySpan<byte> entry)
    {
        var text = Encoding.UTF8.GetString(entry);
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var parts = text[Prefix.Length..].Split(' ', 3);
        if (parts.Length != 3 || parts[0].Length != 64 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var len)
            || parts[2].Length == 0)
        {
            return null;
        }
        try
        {
            return new PayloadPointer(Convert.FromHexString(parts[0]), len, parts[2]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// Content-addressed storage of payloads of any size on the local file system; the log records only a
/// <see cref="PayloadPointer"/>, so entries have no size limit. Payloads are fsynced before the pointer exists.
/// </summary>
public sealed class PayloadStore(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Streams <paramref name="payload"/> to disk (durably) and returns its pointer.</summary>
    public async Task<PayloadPointer> StoreAsync(Stream payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        Directory.CreateDirectory(Root);
        var temp = Path.Combine(Root, ".incoming-" + Guid.NewGuid().ToString("N"));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        await using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await payload.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                await fs.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                length += read;
            }
            fs.Flush(flushToDisk: true);
        }
        var hash = sha.GetHashAndReset();
        var hex = Convert.ToHexStringLower(hash);
        var location = "sha256/" + hex[..2] + "/" + hex;
        var final = Path.Combine(Root, location);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        File.Move(temp, final, overwrite: true);
        DurableFile.SyncDirectory(Path.GetDirectoryName(final)!);
        return new PayloadPointer(hash, length, location);
    }

    /// <summary>Opens a stored payload after checking its length and hash; throws if it was altered.</summary>
    public byte[] ReadVerified(PayloadPointer pointer)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        var full = Path.GetFullPath(Path.Combine(Root, pointer.Location));
        if (!full.StartsWith(Root, StringComparison.Ordinal))
        {
            throw new LedgerFormatException("payload location escapes the store", pointer.Location);
        }
        var data = File.ReadAllBytes(full);
        if (data.Length != pointer.Length || !SHA256.HashData(data).AsSpan().SequenceEqual(pointer.Sha256))
        {
            throw new LedgerFormatException("stored payload does not match its pointer's hash", pointer.Location);
        }
        return data;
    }
}
