namespace CivicGrid.Ledger.Storage;

/// <summary>File writes that never leave a half-written file visible: write to a temp file, then rename.</summary>
internal static class DurableFile
{
    public static void WriteAtomic(string path, ReadOnlySpan<byte> data, bool fsync)
    {
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, "." + Path.GetFileName(path) + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".tmp");
        using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            fs.Write(data);
            if (fsync)
            {
                fs.Flush(flushToDisk: true);
            }
        }
        File.Move(temp, path, overwrite: true);
        if (fsync)
        {
            SyncDirectory(dir);
        }
    }

    /// <summary>Makes a rename durable: fsync of the directory (a no-op where directories cannot be opened).</summary>
    public static void SyncDirectory(string dir)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        try
        {
            using var handle = File.OpenHandle(dir, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.None);
            RandomAccess.FlushToDisk(handle);
        }
        catch (UnauthorizedAccessException)
        {
        }
        catch (IOException)
        {
        }
    }
}
