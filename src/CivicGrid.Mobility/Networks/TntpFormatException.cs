namespace CivicGrid.Mobility.Networks;

/// <summary>A TNTP file could not be read: names the file, the 1-based line and column, and the reason.</summary>
public sealed class TntpFormatException : Exception
{
    public TntpFormatException()
    {
        FileName = string.Empty;
        Reason = string.Empty;
    }

    public TntpFormatException(string message)
        : base(message)
    {
        FileName = string.Empty;
        Reason = message;
    }

    public TntpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
        Reason = message;
    }

    public TntpFormatException(string fileName, int line, int column, string reason)
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
