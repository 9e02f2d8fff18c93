namespace CivicGrid.Mobility;

/// <summary>
/// A mobility input file (TNTP network, dial-a-ride instance) could not be read: names the file, the 1-based
/// line and column, and the reason. Each format has its own subclass so callers can tell them apart.
/// </summary>
public abstract class MobilityFormatException : Exception
{
    protected MobilityFormatException()
    {
        FileName = string.Empty;
        Reason = string.Empty;
    }

    protected MobilityFormatException(string message)
        : base(message)
    {
        FileName = string.Empty;
        Reason = message;
    }

    protected MobilityFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
        Reason = message;
    }

    protected MobilityFormatException(string fileName, int line, int column, string reason)
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
