namespace CivicGrid.Ledger;

/// <summary>
/// Malformed ledger input (a note, checkpoint, tile, receipt, witness request or JSON text): names the source,
/// the 1-based line and column where known (0 when not applicable) and the reason.
/// </summary>
public sealed class LedgerFormatException : FormatException
{
    public LedgerFormatException(string reason, string? source = null, int line = 0, int column = 0)
        : base(Describe(reason, source, line, column))
    {
        Reason = reason;
        Source = source;
        Line = line;
        Column = column;
    }

    public LedgerFormatException()
        : this("malformed input")
    {
    }

    public LedgerFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>Why the input was rejected.</summary>
    public string Reason { get; }

    /// <summary>The file or stream the input came from, if known.</summary>
    public new string? Source { get; }

    /// <summary>1-based line, or 0.</summary>
    public int Line { get; }

    /// <summary>1-based column, or 0.</summary>
    public int Column { get; }

    /// <summary>The same error attributed to a file.</summary>
    public LedgerFormatException WithSource(string source) => new(Reason, source, Line, Column);

    private static string Describe(string reason, string? source, int line, int column)
    {
        var where = source ?? "input";
        if (line > 0)
        {
            where += ":" + line.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (column > 0)
            {
                where += ":" + column.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return where + ": " + reason;
    }
}
