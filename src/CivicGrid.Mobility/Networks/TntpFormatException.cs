namespace CivicGrid.Mobility.Networks;

/// <summary>A TNTP file could not be read. See <see cref="MobilityFormatException"/> for what it reports.</summary>
public sealed class TntpFormatException : MobilityFormatException
{
    public TntpFormatException()
    {
    }

    public TntpFormatException(string message)
        : base(message)
    {
    }

    public TntpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TntpFormatException(string fileName, int line, int column, string reason)
        : base(fileName, line, column, reason)
    {
    }
}
