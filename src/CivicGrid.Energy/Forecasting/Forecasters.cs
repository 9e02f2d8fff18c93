namespace CivicGrid.Energy.Forecasting;

/// <summary>
/// Forecasts the next <c>horizon</c> values of a series from everything observed before the origin.
/// The origin index is the index of the first forecast step in the full series (used for calendar features).
/// </summary>
public interface IForecaster
{
    string Name { get; }

    double[] Forecast(ReadOnlySpan<double> history, int originIndex, int horizon);
}

/// <summary>Repeats the last season: ŷ(n+h) = y(n+h−m·⌈(h+1)/m⌉).</summary>
public sealed class SeasonalNaiveForecaster(int seasonLength) : IForecaster
{
    public string Name => "seasonal-naive";

    public double[] Forecast(ReadOnlySpan<double> history, int originIndex, int horizon)
    {
        var n = history.Length;
        var result = new double[horizon];
        for (var h = 0; h < horizon; h++)
        {
            var back = seasonLength * ((h / seasonLength) + 1);
            result[h] = n - back + h >= 0 ? history[n - back + h] : n > 0 ? history[n - 1] : 0;
        }
        return result;
    }
}

/// <summary>
/// Similar-day: the mean of the same time of day over the last <c>days</c> days (optionally only days of the same
/// kind — weekday or weekend — when a calendar is given).
/// </summary>
public sealed class SimilarDayForecaster(int stepsPerDay, int days = 7, Func<int, bool>? isWeekend = null) : IForecaster
{
    public string Name => "similar-day";

    public double[] Forecast(ReadOnlySpan<double> history, int originIndex, int horizon)
    {
        var n = history.Length;
        var result = new double[horizon];
        for (var h = 0; h < horizon; h++)
        {
            double sum = 0;
            var count = 0;
            var targetWeekend = isWeekend?.Invoke(originIndex + h);
            for (var d = 1; count < days && d <= days * 3; d++)
            {
                var j = n + h - (d * stepsPerDay);
                if (j < 0)
                {
                    break;
                }
                if (j >= n)
                {
                    continue;
                }
                if (targetWeekend is { } w && isWeekend!(originIndex - n + j) != w)
                {
                    continue;
                }
                sum += history[j];
                count++;
            }
            result[h] = count > 0 ? sum / count : n > 0 ? history[n - 1] : 0;
        }
        return result;
    }
}

/// <summary>Mean absolute and mean squared error of a set of forecasts.</summary>
public sealed record ForecastScore(string Model, double Mae, double Mse, long Points)
{
    public double Rmse => Math.Sqrt(Mse);
}

/// <summary>Rolling-origin evaluation: forecast from each origin with only the past, compare with what followed.</summary>
public static class RollingOrigin
{
    public static ForecastScore Evaluate(IForecaster forecaster, double[] series, IEnumerable<int> origins, int horizon, int? maxHistory = null)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(origins);
        double abs = 0, sq = 0;
        long count = 0;
        foreach (var origin in origins)
        {
            var from = maxHistory is { } m ? Math.Max(0, origin - m) : 0;
            var forecast = forecaster.Forecast(series.AsSpan(from, origin - from), origin, horizon);
            for (var h = 0; h < horizon && origin + h < series.Length; h++)
            {
                var e = forecast[h] - series[origin + h];
                abs += Math.Abs(e);
                sq += e * e;
                count++;
            }
        }
        return new ForecastScore(forecaster.Name, count > 0 ? abs / count : double.NaN, count > 0 ? sq / count : double.NaN, count);
    }
}
