using CivicGrid.Energy.Forecasting;

namespace CivicGrid.Energy.Vpp;

/// <summary>Result of one solar-home control method over the benchmark's test days.</summary>
public sealed record SolarHomeResult(string Method, int Days, double MeanCostEurPerDay, double GridKwhPerDay, double CurtailedKwhPerDay, double ShedKwhPerDay, double FinalSocKwh, double SolveMilliseconds);

/// <summary>
/// The solar-home control benchmark (pierre-haessig/solarhome-control-bench, Ausgrid customer 12): a house with
/// 4 kWp PV (the 1.04 kWp data scaled by 4/1.04), an 8 kWh lossless battery starting and — with perfect foresight —
/// ending half full, a 3 kW import-only grid connection, 0.10 EUR/kWh from 00:00 to 06:00 and 0.20 otherwise, half-hour
/// steps, 30 test days from 2011-11-29. Cost is Σ price·P_grid·Δt per day.
/// </summary>
public sealed class SolarHomeBenchmark
{
    public const double BatteryKwh = 8;
    public const double PvPeakKw = 4;
    public const double GridLimitKw = 3;
    public static readonly DateTime TestStart = new(2011, 11, 29);
    public const int TestDays = 30;
    private const int StepsPerDay = 48;

    public SolarHomeBenchmark(TimeSeriesTable data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Step != TimeSpan.FromMinutes(30))
        {
            throw new ArgumentException("the solar-home data must have a 30-minute step", nameof(data));
        }
        Data = data;
        LoadKw = data.Column("GC");
        PvKw = data.Column("GG").Select(v => v / 1.04 * PvPeakKw).ToArray();
        TestIndex = data.IndexOf(TestStart);
        if (TestIndex + (TestDays * StepsPerDay) > LoadKw.Length)
        {
            throw new ArgumentException("the data do not cover the 30 test days", nameof(data));
        }
    }

    public TimeSeriesTable Data { get; }
    public double[] LoadKw { get; }
    public double[] PvKw { get; }
    public int TestIndex { get; }

    public static double PriceEurPerKwh(DateTime t) => t.Hour < 6 ? 0.10 : 0.20;

    /// <summary>The benchmark as a portfolio over <paramref name="days"/> test days (actual load and PV).</summary>
    public Portfolio Portfolio(int days = TestDays, bool terminalSoc = true)
    {
        var n = days * StepsPerDay;
        var price = Enumerable.Range(0, n).Select(k => PriceEurPerKwh(Data.Timestamps[TestIndex + k])).ToArray();
        Der[] ders =
        [
            new PvArray("pv", PvPeakKw) { AvailableKw = PvKw.AsSpan(TestIndex, n).ToArray() },
            new FixedLoad("house", LoadKw.AsSpan(TestIndex, n).ToArray()),
            // The benchmark's battery has no power limit: 100 kW is beyond anything an 8 kWh half-hour step can use.
            new Battery("battery", BatteryKwh, 100, 100)
            {
                ChargeEfficiency = 1, DischargeEfficiency = 1, InitialSocKwh = BatteryKwh / 2,
                FinalSocKwh = terminalSoc ? BatteryKwh / 2 : null,
            },
        ];
        return new Portfolio("solar-home", new DateTimeOffset(TestStart, TimeSpan.Zero), 30, n, new FeederLimits(GridLimitKw, 0),
            new Tariff(price, new double[n]), ders);
    }

    /// <summary>Anticipative optimum: one LP over all test days with the actual load and PV.</summary>
    public SolarHomeResult PerfectForesight(int days = TestDays)
    {
        var portfolio = Portfolio(days);
        var r = DispatchOptimizer.Solve(portfolio);
        return Summarise("perfect-foresight", portfolio, r.ImportKw, r.Schedule("pv").PowerKw, r.Schedule("house").PowerKw, r.Schedule("battery").StateKwh![^1], r.SolveMilliseconds);
    }

    /// <summary>The benchmark's rule-based controller: the battery absorbs the PV surplus and covers the deficit.</summary>
    public SolarHomeResult RuleBased(int days = TestDays)
    {
        var portfolio = Portfolio(days);
        var n = portfolio.Intervals;
        var soc = BatteryKwh / 2;
        var grid = new double[n];
        var pv = new double[n];
        var house = new double[n];
        for (var k = 0; k < n; k++)
        {
            var sun = PvKw[TestIndex + k];
            var load = LoadKw[TestIndex + k];
            var sto = Math.Clamp(sun - load, -soc / 0.5, (BatteryKwh - soc) / 0.5);
            soc += sto * 0.5;
            var g = load + sto - sun;
            grid[k] = Math.Max(g, 0);
            pv[k] = sun - Math.Max(-g, 0);
            house[k] = -load;
        }
        return Summarise("rule-based", portfolio, grid, pv, house, soc, 0);
    }

    /// <summary>
    /// Rolling-horizon MPC re-planned every half hour over <paramref name="horizonSteps"/> steps, with load and PV
    /// forecast by <paramref name="forecasts"/> (index-aligned arrays of forecasts per origin step in the test period).
    /// </summary>
    public SolarHomeResult RollingHorizon(string method, Func<int, int, (double[] Load, double[] Pv)> forecasts, int horizonSteps = StepsPerDay, int days = TestDays, bool measuredNow = true)
    {
        ArgumentNullException.ThrowIfNull(forecasts);
        var portfolio = Portfolio(days, terminalSoc: false);
        var r = RollingHorizonDispatcher.Run(portfolio, (k, h) =>
        {
            var (load, pv) = forecasts(k, h);
            if (measuredNow)
            {
                // The controller measures the current half hour's load and PV before deciding.
                load = (double[])load.Clone();
                pv = (double[])pv.Clone();
                load[0] = LoadKw[TestIndex + k];
                pv[0] = PvKw[TestIndex + k];
            }
            return new VppForecast(new Dictionary<string, double[]> { ["house"] = load, ["pv"] = pv });
        }, horizonSteps);
        var battery = r.Realised.First(s => s.Id == "battery");
        return Summarise(method, portfolio, r.ImportKw, r.Realised.First(s => s.Id == "pv").PowerKw, r.Realised.First(s => s.Id == "house").PowerKw, battery.StateKwh![^1], r.TotalSolveMilliseconds);
    }

    /// <summary>Forecasts from a simple forecaster for every MPC origin (history = everything before the origin).</summary>
    public Func<int, int, (double[] Load, double[] Pv)> ForecastsFrom(IForecaster loadForecaster, IForecaster pvForecaster)
    {
        ArgumentNullException.ThrowIfNull(loadForecaster);
        ArgumentNullException.ThrowIfNull(pvForecaster);
        return (k, h) =>
        {
            var origin = TestIndex + k;
            var load = loadForecaster.Forecast(LoadKw.AsSpan(0, origin), origin, h).Select(v => Math.Max(0, v)).ToArray();
            var pv = pvForecaster.Forecast(PvKw.AsSpan(0, origin), origin, h).Select(v => Math.Max(0, v)).ToArray();
            return (load, pv);
        };
    }

    /// <summary>
    /// Trains the gradient-boosted model on load and PV before the test period and precomputes its forecasts for
    /// every MPC origin in one batch.
    /// </summary>
    public Func<int, int, (double[] Load, double[] Pv)> GradientBoostedForecasts(int horizonSteps = StepsPerDay, int days = TestDays, GradientBoostingOptions? options = null)
    {
        var model = TrainModel(horizonSteps, options);
        var n = days * StepsPerDay;
        var series = new[] { LoadKw, PvKw };
        var requests = new List<(int, int)>(2 * n);
        for (var k = 0; k < n; k++)
        {
            requests.Add((0, TestIndex + k));
            requests.Add((1, TestIndex + k));
        }
        var all = model.ForecastMany(series, requests, horizonSteps);
        return (k, h) => (all[2 * k].Take(h).Select(v => Math.Max(0, v)).ToArray(), all[(2 * k) + 1].Take(h).Select(v => Math.Max(0, v)).ToArray());
    }

    /// <summary>FastTree on load (series 0) and PV (series 1), trained only on data before the test period.</summary>
    public GradientBoostedForecaster TrainModel(int horizonSteps = StepsPerDay, GradientBoostingOptions? options = null) =>
        GradientBoostedForecaster.Train([LoadKw, PvKw], TestIndex, horizonSteps, StepsPerDay, i => Data.Timestamps[Math.Min(i, Data.Timestamps.Count - 1)],
            options ?? new GradientBoostingOptions { OriginStride = 3, Trees = 150 });

    /// <summary>Day-ahead forecast scores on the test days: origins at midnight, horizon one day.</summary>
    public IReadOnlyList<(string Series, ForecastScore Score)> DayAheadScores(GradientBoostedForecaster? model = null)
    {
        var origins = Enumerable.Range(0, TestDays).Select(d => TestIndex + (d * StepsPerDay)).ToArray();
        var list = new List<(string, ForecastScore)>();
        foreach (var (name, series, id) in new[] { ("load", LoadKw, 0), ("pv", PvKw, 1) })
        {
            list.Add((name, RollingOrigin.Evaluate(new SeasonalNaiveForecaster(StepsPerDay), series, origins, StepsPerDay)));
            list.Add((name, RollingOrigin.Evaluate(new SimilarDayForecaster(StepsPerDay, 7), series, origins, StepsPerDay)));
            if (model is not null)
            {
                list.Add((name, model.Evaluate([LoadKw, PvKw], origins.Select(o => (id, o)).ToArray(), StepsPerDay)));
            }
        }
        return list;
    }

    private static SolarHomeResult Summarise(string method, Portfolio p, IReadOnlyList<double> grid, IReadOnlyList<double> pv, IReadOnlyList<double> house, double finalSoc, double ms)
    {
        var days = p.Intervals / (double)StepsPerDay;
        double cost = 0, energy = 0, curtailed = 0, shed = 0;
        var available = ((PvArray)p.Ders[0]).AvailableKw!;
        var demand = ((FixedLoad)p.Ders[1]).DemandKw;
        for (var k = 0; k < p.Intervals; k++)
        {
            cost += grid[k] * p.Tariff.ImportEurPerKwh[k] * p.IntervalHours;
            energy += grid[k] * p.IntervalHours;
            curtailed += (available[k] - pv[k]) * p.IntervalHours;
            shed += (demand[k] + house[k]) * p.IntervalHours;
        }
        return new SolarHomeResult(method, (int)days, cost / days, energy / days, curtailed / days, shed / days, finalSoc, ms);
    }
}
