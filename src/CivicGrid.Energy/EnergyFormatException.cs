namespace CivicGrid.Energy;

/// <summary>
/// An energy input file (MATPOWER case, portfolio, time series, bids, households) could not be read: names the
/// file, the 1-based line and column, and the reason. Each format has its own subclass so callers can tell them apart.
/// </summary>
public abstract class EnergyFormatException : FormatException
{
    protected EnergyFormatException()
    {
    }

    protected EnergyFormatException(string message)
        : base(message)
    {
    }

    protected EnergyFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    protected EnergyFormatException(string file, int line, int column, string reason)
        : base($"{file}:{line}:{column}: {reason}")
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The file being read.</summary>
    public string File { get; } = "";

    /// <summary>1-based line number (0 when the problem concerns the whole file).</summary>
    public int Line { get; }

    /// <summary>1-based column number (0 when unknown).</summary>
    public int Column { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; } = "";
}
