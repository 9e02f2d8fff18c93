namespace CivicGrid.Energy.Market;

/// <summary>A bids file could not be read: names the file, the 1-based line and column, and the reason.</summary>
public sealed class BidFormatException : EnergyFormatException
{
    public BidFormatException()
    {
    }

    public BidFormatException(string message)
        : base(message)
    {
    }

    public BidFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BidFormatException(string file, int line, int column, string reason)
        : base(file, line, column, reason)
    {
    }
}
