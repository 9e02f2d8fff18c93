namespace CivicGrid.Water.Leaks;

/// <summary>A sensor CSV, ground-truth or alarm file that cannot be read: names the file, line, column (1-based,
/// 0 when not applicable) and the reason.</summary>
public sealed class LeakDataFormatException : Exception
{
    public LeakDataFormatException()
        : this("<input>", 0, 0, "unreadable leak data")
    {
    }

    public LeakDataFormatException(string message)
        : this("<input>", 0, 0, message)
    {
    }

    public LeakDataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = "<input>";
        Reason = message;
    }

    public LeakDataFormatException(string fileName, int line, int column, string reason)
        : base(column > 0 ? $"{fileName}:{line}:{column}: {reason}" : $"{fileName}:{line}: {reason}")
    {
        FileName = fileName;
        Line = line;
        Column = column;
        Reason = reason;
    }

    public string FileName { get; }

    public int Line { get; }

    public int Column { get; }

    public string Reason { get; }
}
