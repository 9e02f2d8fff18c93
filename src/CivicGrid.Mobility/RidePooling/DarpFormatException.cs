namespace CivicGrid.Mobility.RidePooling;

/// <summary>A dial-a-ride instance file could not be read: names the file, the 1-based line and column, and the reason.</summary>
public sealed class DarpFormatException : Exception
{
    public DarpFormatException()
    {
        FileName = string.Empty;
        Reason = string.Empty;
    }

    public DarpFormatException(string message)
        : base(message)
    {
        FileName = string.Empty;
        Reason = message;
    }

    public DarpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
        Reason = message;
    }

    public DarpFormatException(string fileName, int line, int column, string reason)
        : base($"{fileName}:{line}:{column}: {reason}")
    {
        FileName = fileName;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The file being read.</summary>
    public string FileName { get; }

    /// <summary>1-based line number (0 when the problem concerns the whole file).</summary>
    public int Line { get; }

    /// <summary>1-based column number (0 when unknown).</summary>
    public int Column { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }
}
