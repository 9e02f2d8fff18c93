namespace CivicGrid.Energy.Forecasting;

/// <summary>A time-series CSV could not be read: names the file, the 1-based line and column, and the reason.</summary>
public sealed class TimeSeriesFormatException : EnergyFormatException
{
    public TimeSeriesFormatException()
    {
    }

    public TimeSeriesFormatException(string message)
        : base(message)
    {
    }

    public TimeSeriesFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TimeSeriesFormatException(string file, int line, int column, string reason)
        : base(file, line, column, reason)
    {
    }
}
