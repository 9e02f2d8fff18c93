namespace CivicGrid.Energy.Forecasting;

/// <summary>
/// The long-sequence time-series forecasting (LTSF) protocol used for ETTh1 by Informer, Autoformer and DLinear:
/// 12/4/4-month train/validation/test split (8,640/2,880/2,880 hours), every channel standardised with the training
/// mean and deviation, a look-back of 336 hours, horizon 96, and a forecast from every test origin (stride 1).
/// Scores are averaged over all channels, origins and lead times on the standardised scale.
/// </summary>
public sealed class LtsfProtocol
{
    public const int TrainHours = 12 * 30 * 24;
    public const int ValidationHours = 4 * 30 * 24;
    public const int TestHours = 4 * 30 * 24;

    public LtsfProtocol(TimeSeriesTable table, int horizon = 96, int lookback = 336)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Timestamps.Count < TrainHours + ValidationHours + TestHours)
        {
            throw new ArgumentException("the series is shorter than the 20 months the protocol needs", nameof(table));
        }
        Table = table;
        Horizon = horizon;
        Lookback = lookback;
        Standardised = table.Values.Select(column =>
        {
            var train = column.AsSpan(0, TrainHours);
            var mean = 0.0;
            foreach (var v in train)
            {
                mean += v;
            }
            mean /= train.Length;
            var variance = 0.0;
            foreach (var v in train)
            {
                variance += (v - mean) * (v - mean);
            }
            // Population deviation, as scikit-learn's StandardScaler used by the published code.
            var std = Math.Sqrt(variance / train.Length);
            return column.Take(TrainHours + ValidationHours + TestHours).Select(v => (v - mean) / std).ToArray();
        }).ToArray();
    }

    public TimeSeriesTable Table { get; }
    public int Horizon { get; }
    public int Lookback { get; }

    /// <summary>Standardised channels, cut at the end of the test period.</summary>
    public double[][] Standardised { get; }

    public int TestStart => TrainHours + ValidationHours;

    /// <summary>Test origins (index of the first forecast hour), every <paramref name="stride"/> hours.</summary>
    public IReadOnlyList<int> TestOrigins(int stride = 1)
    {
        var list = new List<int>();
        for (var o = TestStart; o + Horizon <= TestStart + TestHours; o += stride)
        {
            list.Add(o);
        }
        return list;
    }

    /// <summary>Scores a history-only forecaster on every channel (look-back window only).</summary>
    public ForecastScore Evaluate(IForecaster forecaster, int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        double mae = 0, mse = 0;
        long points = 0;
        var origins = TestOrigins(stride);
        foreach (var channel in Standardised)
        {
            var s = RollingOrigin.Evaluate(forecaster, channel, origins, Horizon, Lookback);
            mae += s.Mae * s.Points;
            mse += s.Mse * s.Points;
            points += s.Points;
        }
        return new ForecastScore(forecaster.Name, mae / points, mse / points, points);
    }

    /// <summary>Validation origins (the 4 months after training), every <paramref name="stride"/> hours: for tuning, never the test.</summary>
    public IReadOnlyList<int> ValidationOrigins(int stride = 1)
    {
        var list = new List<int>();
        for (var o = TrainHours; o + Horizon <= TrainHours + ValidationHours; o += stride)
        {
            list.Add(o);
        }
        return list;
    }

    /// <summary>
    /// Trains FastTree on the training months (all channels, one model; <see cref="GradientBoostingOptions.LtsfTuned"/>
    /// unless given) and scores it on the test origins, or on the validation origins when <paramref name="validation"/>.
    /// </summary>
    public ForecastScore EvaluateGradientBoosted(GradientBoostingOptions? options = null, int stride = 1, bool validation = false)
    {
        var model = GradientBoostedForecaster.Train(Standardised, TrainHours, Horizon, 24, i => Table.Timestamps[i], options ?? GradientBoostingOptions.LtsfTuned);
        var requests = new List<(int, int)>();
        foreach (var o in validation ? ValidationOrigins(stride) : TestOrigins(stride))
        {
            for (var c = 0; c < Standardised.Length; c++)
            {
                requests.Add((c, o));
            }
        }
        return model.Evaluate(Standardised, requests, Horizon);
    }
}
