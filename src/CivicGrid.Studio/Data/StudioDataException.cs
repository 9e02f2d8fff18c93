namespace CivicGrid.Studio.Data;

/// <summary>A Studio input (CSV, JSON, schedule) that cannot be used, with where and why.</summary>
public sealed class StudioDataException : Exception
{
    public StudioDataException()
    {
        FileName = string.Empty;
        Reason = string.Empty;
    }

    public StudioDataException(string message)
        : base(message)
    {
        FileName = string.Empty;
        Reason = message;
    }

    public StudioDataException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
        Reason = message;
    }

    /// <summary>An error at a 1-based <paramref name="line"/> and <paramref name="column"/> (0 when unknown).</summary>
    public StudioDataException(string fileName, int line, int column, string reason, Exception? innerException = null)
        : base(Describe(fileName, line, column, reason), innerException)
    {
        FileName = fileName;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The file (or name of the input) the error is in.</summary>
    public string FileName { get; }

    /// <summary>1-based line, 0 when the error is not tied to a line.</summary>
    public int Line { get; }

    /// <summary>1-based column (CSV: field number; JSON: character), 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    private static string Describe(string fileName, int line, int column, string reason)
    {
        var where = fileName;
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
