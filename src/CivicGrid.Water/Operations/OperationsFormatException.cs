using System.Globalization;

namespace CivicGrid.Water.Operations;

/// <summary>A malformed tariff, source or district file: names the file, line, column (0 when not known) and reason.</summary>
public sealed class OperationsFormatException : FormatException
{
    public OperationsFormatException(string fileName, int line, int column, string reason)
        : base(string.Create(CultureInfo.InvariantCulture, $"{fileName}:{line}:{column}: {reason}"))
    {
        FileName = fileName;
        Line = line;
        Column = column;
        Reason = reason;
    }

    public OperationsFormatException()
        : this("<input>", 0, 0, "malformed input")
    {
    }

    public OperationsFormatException(string message)
        : this("<input>", 0, 0, message)
    {
    }

    public OperationsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = "<input>";
        Reason = message;
    }

    public string FileName { get; }

    public int Line { get; }

    public int Column { get; }

    public string Reason { get; }
}
