using CivicGrid.Energy.Forecasting;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Energy.Tests.Forecasting;

public class ForecasterTests
{
    private static double[] Periodic(int n, int period) =>
        Enumerable.Range(0, n).Select(i => Math.Sin(2 * Math.PI * (i % period) / period) + (i % period == 3 ? 2 : 0)).ToArray();

    [Fact]
    public void SeasonalNaive_OnAPeriodicSeries_IsExactAtEveryLead()
    {
        var y = Periodic(500, 24);
        var score = RollingOrigin.Evaluate(new SeasonalNaiveForecaster(24), y, [200, 250, 333], 60);
        Assert.Equal(0, score.Mae, 12);
        Assert.Equal(180, score.Points);
    }

    [Fact]
    public void SimilarDay_AveragesTheSameSlotOfPreviousDays()
    {
        // Day d has level d: the mean of the last 3 days at any slot is (d−1 + d−2 + d−3)/3 = d − 2.
        var y = Enumerable.Range(0, 10 * 4).Select(i => (double)(i / 4)).ToArray();
        var forecast = new SimilarDayForecaster(4, 3).Forecast(y.AsSpan(0, 32), 32, 4);
        Assert.All(forecast, v => Assert.Equal(8 - 2, v, 12));
    }

    [Fact]
    public void SimilarDay_WithACalendar_UsesOnlyDaysOfTheSameKind()
    {
        // Weekends (days 5, 6 of each week) are at 10, weekdays at 1: a weekday forecast must not see weekend values.
        var y = Enumerable.Range(0, 21).Select(d => d % 7 >= 5 ? 10.0 : 1.0).ToArray();
        var forecaster = new SimilarDayForecaster(1, 3, i => i % 7 >= 5);
        Assert.Equal(1.0, forecaster.Forecast(y.AsSpan(0, 14), 14, 1)[0], 12);
        Assert.Equal(10.0, forecaster.Forecast(y.AsSpan(0, 19), 19, 1)[0], 12);
    }

    [Fact]
    public void GradientBoosted_LearnsADailyShapeBetterThanYesterday()
    {
        // A daily shape plus noise: FastTree (calendar + lag features) must beat repeating yesterday's noisy values.
        var rng = new Random(7);
        var start = new DateTime(2024, 1, 1);
        var y = Enumerable.Range(0, 24 * 120).Select(i => 2 + Math.Sin(2 * Math.PI * (i % 24) / 24) + (0.3 * (rng.NextDouble() - 0.5))).ToArray();
        var model = GradientBoostedForecaster.Train([y], 24 * 90, 24, 24, i => start.AddHours(i), new GradientBoostingOptions { Trees = 60, OriginStride = 6 });
        var origins = Enumerable.Range(0, 25).Select(d => (24 * 92) + (d * 24)).ToArray();
        var boosted = model.Evaluate([y], origins.Select(o => (0, o)).ToArray(), 24);
        var naive = RollingOrigin.Evaluate(new SeasonalNaiveForecaster(24), y, origins, 24);
        Assert.True(boosted.Mae < naive.Mae, $"FastTree MAE {boosted.Mae} vs seasonal naive {naive.Mae}");
        var single = model.ForSeries(0).Forecast(y.AsSpan(0, origins[0]), origins[0], 24);
        Assert.Equal(model.ForecastMany([y], [(0, origins[0])], 24)[0], single);
    }

    [Fact]
    public void SolarHomeDayAhead_FastTreeAndSimilarDayBeatSeasonalNaive()
    {
        // Solar-home test days (2011-11-29 + 30 d), day-ahead origins at midnight, horizon 48 half hours; the model
        // is trained only on data before the test period.
        var bench = new CivicGrid.Energy.Vpp.SolarHomeBenchmark(TimeSeriesTable.ReadCsv(ReferenceData.Require("energy/timeseries/solarhome_2011-2012.csv")));
        var scores = bench.DayAheadScores(bench.TrainModel(options: new GradientBoostingOptions { OriginStride = 6, Trees = 80 }));
        foreach (var series in new[] { "load", "pv" })
        {
            var naive = scores.Single(s => s.Series == series && s.Score.Model == "seasonal-naive").Score;
            var similar = scores.Single(s => s.Series == series && s.Score.Model == "similar-day").Score;
            var boosted = scores.Single(s => s.Series == series && s.Score.Model == "fasttree").Score;
            Assert.True(similar.Mae < naive.Mae, $"{series}: similar-day {similar.Mae} vs naive {naive.Mae}");
            Assert.True(boosted.Mae < naive.Mae, $"{series}: FastTree {boosted.Mae} vs naive {naive.Mae}");
            Assert.Equal(1440, boosted.Points);
        }
    }
}
