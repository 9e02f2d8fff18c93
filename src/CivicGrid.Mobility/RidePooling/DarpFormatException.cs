namespace CivicGrid.Mobility.RidePooling;

/// <summary>A dial-a-ride instance file could not be read. See <see cref="MobilityFormatException"/> for what it reports.</summary>
public sealed class DarpFormatException : MobilityFormatException
{
    public DarpFormatException()
    {
    }

    public DarpFormatException(string message)
        : base(message)
    {
    }

    public DarpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DarpFormatException(string fileName, int line, int column, string reason)
        : base(fileName, line, column, reason)
    {
    }
}
