namespace CivicGrid.Energy.Shedding;

/// <summary>A households or shortfall file could not be read: names the file, the 1-based line and column, and the reason.</summary>
public sealed class SheddingFormatException : EnergyFormatException
{
    public SheddingFormatException()
    {
    }

    public SheddingFormatException(string message)
        : base(message)
    {
    }

    public SheddingFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SheddingFormatException(string file, int line, int column, string reason)
        : base(file, line, column, reason)
    {
    }
}
