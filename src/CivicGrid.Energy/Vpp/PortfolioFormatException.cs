namespace CivicGrid.Energy.Vpp;

/// <summary>A portfolio document could not be read: names the file, the 1-based line and column, and the reason.</summary>
public sealed class PortfolioFormatException : EnergyFormatException
{
    public PortfolioFormatException()
    {
    }

    public PortfolioFormatException(string message)
        : base(message)
    {
    }

    public PortfolioFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PortfolioFormatException(string file, int line, int column, string reason)
        : base(file, line, column, reason)
    {
    }
}
