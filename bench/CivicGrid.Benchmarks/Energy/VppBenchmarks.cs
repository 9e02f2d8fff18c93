using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using CivicGrid.Energy.Forecasting;
using CivicGrid.Energy.Vpp;

namespace CivicGrid.Benchmarks.Energy;

/// <summary>
/// Day-ahead VPP dispatch of a synthetic portfolio over 96 quarter hours: the exact aggregated LP (OR-Tools GLOP) at
/// 1,000 and 10,000 DERs, and the monolithic LP over every device at 1,000 for comparison. Model building included.
/// No installable peer runs the same portfolio; absolute times are reported.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class VppScheduleBenchmarks
{
    private Portfolio _portfolio = null!;

    [Params(1_000, 10_000)]
    public int Ders { get; set; }

    [GlobalSetup]
    public void Setup() => _portfolio = SyntheticPortfolio.Create(Ders, 96, 15, seed: 1);

    [Benchmark]
    public double Aggregated()
    {
        var r = AggregatedDispatcher.Solve(_portfolio).Dispatch;
        return r.Solved ? r.Costs.TotalEur : throw new InvalidOperationException(r.Status);
    }

    [Benchmark]
    public double Monolithic()
    {
        // The monolithic LP of 10,000 devices does not finish in minutes; only the 1,000 case is compared.
        if (Ders > 1_000)
        {
            return double.NaN;
        }
        var r = DispatchOptimizer.Solve(_portfolio);
        return r.Solved ? r.Costs.TotalEur : throw new InvalidOperationException(r.Status);
    }
}

/// <summary>
/// Day-ahead forecasts (96 quarter hours) for 10,000 smart meters from 28 days of synthetic history: the similar-day
/// baseline, and FastTree trained on 200 meters then applied to all 10,000 in one batch.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class VppForecastBenchmarks
{
    private const int Meters = 10_000;
    private const int PerDay = 96;
    private double[][] _series = null!;
    private GradientBoostedForecaster _model = null!;
    private int _origin;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        var days = 28;
        _origin = days * PerDay;
        _series = new double[Meters][];
        for (var m = 0; m < Meters; m++)
        {
            var scale = 0.5 + rng.NextDouble();
            var y = new double[_origin + PerDay];
            for (var t = 0; t < y.Length; t++)
            {
                var h = t % PerDay / 4.0;
                var weekend = t / PerDay % 7 >= 5 ? 1.2 : 1.0;
                y[t] = scale * weekend * (0.3 + (0.6 * Math.Exp(-Math.Pow((h - 8) / 1.5, 2))) + Math.Exp(-Math.Pow((h - 19) / 2.0, 2))) * (0.85 + (0.3 * rng.NextDouble()));
            }
            _series[m] = y;
        }
        var start = new DateTime(2026, 10, 26);
        _model = GradientBoostedForecaster.Train(_series.Take(200).ToArray(), _origin, PerDay, PerDay, i => start.AddMinutes(15 * i),
            new GradientBoostingOptions { OriginStride = 48, Trees = 100 });
    }

    [Benchmark(Baseline = true)]
    public double SimilarDay10000Meters()
    {
        var f = new SimilarDayForecaster(PerDay, 7);
        var sum = 0.0;
        foreach (var y in _series)
        {
            sum += f.Forecast(y.AsSpan(0, _origin), _origin, PerDay)[PerDay - 1];
        }
        return sum;
    }

    [Benchmark]
    public double FastTree10000Meters()
    {
        var requests = Enumerable.Range(0, Meters).Select(m => (m, _origin)).ToArray();
        var sum = 0.0;
        const int batch = 1000;
        for (var b = 0; b < Meters; b += batch)
        {
            foreach (var f in _model.ForecastMany(_series, requests.AsSpan(b, batch).ToArray(), PerDay))
            {
                sum += f[PerDay - 1];
            }
        }
        return sum;
    }
}
