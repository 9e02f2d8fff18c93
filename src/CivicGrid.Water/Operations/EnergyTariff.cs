using System.Globalization;

namespace CivicGrid.Water.Operations;

/// <summary>
/// An electricity price series for pumping. A time-of-use tariff (24 hourly prices by clock hour, repeating daily)
/// is <see cref="ClockAligned"/>; a market or VPP price series starts at the simulation start and holds one price
/// per <see cref="IntervalSeconds"/>, the last one repeating beyond its end.
/// </summary>
public sealed record EnergyTariff(IReadOnlyList<double> PricesEurPerKwh, long IntervalSeconds, bool ClockAligned)
{
    /// <summary>A daily time-of-use tariff from 24 hourly prices indexed by clock hour.</summary>
    public static EnergyTariff TimeOfUse(IReadOnlyList<double> hourlyEurPerKwh) => new(hourlyEurPerKwh, 3600, true);

    /// <summary>A price series from the energy module (e.g. a VPP tariff's import prices), starting at the simulation start.</summary>
    public static EnergyTariff FromSeries(IReadOnlyList<double> eurPerKwh, int intervalMinutes) => new(eurPerKwh, intervalMinutes * 60L, false);

    /// <summary>Price at simulation time <paramref name="timeSeconds"/> for a run whose clock starts at <paramref name="startClockSeconds"/>.</summary>
    public double PriceAt(long timeSeconds, long startClockSeconds)
    {
        if (PricesEurPerKwh.Count == 0)
        {
            return 0;
        }
        if (ClockAligned)
        {
            var slot = (timeSeconds + startClockSeconds) / IntervalSeconds;
            return PricesEurPerKwh[(int)(slot % PricesEurPerKwh.Count)];
        }
        var i = (int)Math.Min(timeSeconds / IntervalSeconds, PricesEurPerKwh.Count - 1);
        return PricesEurPerKwh[i];
    }

    /// <summary>Next time after <paramref name="timeSeconds"/> at which the price may change.</summary>
    public long NextBoundary(long timeSeconds, long startClockSeconds)
    {
        var offset = ClockAligned ? startClockSeconds % IntervalSeconds : 0;
        var shifted = timeSeconds + offset;
        return (shifted / IntervalSeconds + 1) * IntervalSeconds - offset;
    }
}

/// <summary>Reads a time-of-use tariff CSV: a header <c>hour,price</c> and one row per clock hour 0–23 (€/kWh).</summary>
public static class TariffCsvReader
{
    public static EnergyTariff ReadFile(string path) => Read(File.ReadAllText(path), Path.GetFileName(path));

    public static EnergyTariff Read(string text, string fileName = "<input>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var prices = new double?[24];
        var lines = text.Split('\n');
        var headerSeen = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var lineNo = i + 1;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var cells = line.Split(',');
            if (!headerSeen)
            {
                headerSeen = true;
                if (cells.Length < 2 || !cells[0].Trim().Equals("hour", StringComparison.OrdinalIgnoreCase) || !cells[1].Trim().StartsWith("price", StringComparison.OrdinalIgnoreCase))
                {
                    throw new OperationsFormatException(fileName, lineNo, 1, "expected the header 'hour,price'");
                }
                continue;
            }
            if (cells.Length != 2)
            {
                throw new OperationsFormatException(fileName, lineNo, 1, $"expected 2 columns (hour,price), found {cells.Length}");
            }
            if (!int.TryParse(cells[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var hour) || hour is < 0 or > 23)
            {
                throw new OperationsFormatException(fileName, lineNo, 1, $"hour '{cells[0].Trim()}' is not an integer 0–23");
            }
            var col2 = cells[0].Length + 2;
            if (!double.TryParse(cells[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var price) || !double.IsFinite(price))
            {
                throw new OperationsFormatException(fileName, lineNo, col2, $"price '{cells[1].Trim()}' is not a number");
            }
            if (price < 0)
            {
                throw new OperationsFormatException(fileName, lineNo, col2, "price must not be negative");
            }
            if (prices[hour] is not null)
            {
                throw new OperationsFormatException(fileName, lineNo, 1, $"hour {hour} given twice");
            }
            prices[hour] = price;
        }
        if (!headerSeen)
        {
            throw new OperationsFormatException(fileName, 1, 1, "empty tariff file");
        }
        var missing = Array.FindIndex(prices, p => p is null);
        if (missing >= 0)
        {
            throw new OperationsFormatException(fileName, lines.Length, 0, $"hour {missing} has no price (all 24 hours are needed)");
        }
        return EnergyTariff.TimeOfUse([.. prices.Select(p => p!.Value)]);
    }
}
