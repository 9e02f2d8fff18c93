namespace CivicGrid.Mobility.Inputs;

/// <summary>
/// A CSV input of the mobility tools (turn rules, vehicle classes, charging trips, sites, feeders, prices) could not
/// be read. See <see cref="MobilityFormatException"/> for what it reports.
/// </summary>
public sealed class MobilityInputFormatException : MobilityFormatException
{
    public MobilityInputFormatException()
    {
    }

    public MobilityInputFormatException(string message)
        : base(message)
    {
    }

    public MobilityInputFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MobilityInputFormatException(string fileName, int line, int column, string reason)
        : base(fileName, line, column, reason)
    {
    }
}
