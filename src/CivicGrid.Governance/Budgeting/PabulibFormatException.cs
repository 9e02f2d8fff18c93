namespace CivicGrid.Governance.Budgeting;

/// <summary>A Pabulib <c>.pb</c> file could not be read: names the file, the line (1-based, 0 when the
/// problem concerns the whole file), the column (1-based field number, 0 when not applicable) and the reason.</summary>
public sealed class PabulibFormatException : FormatException
{
    public PabulibFormatException(string file, int line, int column, string reason)
        : base(Compose(file, line, column, reason))
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    public PabulibFormatException()
        : this("<unknown>", 0, 0, "invalid Pabulib file")
    {
    }

    public PabulibFormatException(string message)
        : this("<unknown>", 0, 0, message)
    {
    }

    public PabulibFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "<unknown>";
        Reason = message;
    }

    public string File { get; }

    public int Line { get; }

    public int Column { get; }

    public string Reason { get; }

    private static string Compose(string file, int line, int column, string reason) =>
        line <= 0 ? $"{file}: {reason}"
        : column <= 0 ? $"{file}:{line}: {reason}"
        : $"{file}:{line}:{column}: {reason}";
}
