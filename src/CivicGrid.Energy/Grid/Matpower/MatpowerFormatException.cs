namespace CivicGrid.Energy.Grid.Matpower;

/// <summary>A MATPOWER case file could not be read: names the file, the 1-based line and column, and the reason.</summary>
public sealed class MatpowerFormatException : EnergyFormatException
{
    public MatpowerFormatException()
    {
    }

    public MatpowerFormatException(string message)
        : base(message)
    {
    }

    public MatpowerFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MatpowerFormatException(string file, int line, int column, string reason)
        : base(file, line, column, reason)
    {
    }
}
