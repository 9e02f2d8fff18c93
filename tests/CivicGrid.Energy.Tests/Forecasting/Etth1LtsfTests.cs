using CivicGrid.Energy.Forecasting;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Energy.Tests.Forecasting;

public class Etth1LtsfTests
{
    private static LtsfProtocol Protocol() => new(TimeSeriesTable.ReadCsv(ReferenceData.Require("energy/timeseries/ETTh1.csv")));

    [Fact]
    public void Protocol_SplitsTwelveFourFourMonthsAndStandardisesOnTraining()
    {
        var p = Protocol();
        Assert.Equal(7, p.Standardised.Length);
        Assert.Equal(14400, p.Standardised[0].Length);
        Assert.Equal(2785, p.TestOrigins().Count);
        foreach (var channel in p.Standardised)
        {
            var train = channel.Take(LtsfProtocol.TrainHours).ToArray();
            Assert.Equal(0, train.Average(), 9);
            Assert.Equal(1, Math.Sqrt(train.Select(v => v * v).Average()), 9);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Horizon96_FastTreeBeatsTheBaselinesOnTheStandardisedTestSet()
    {
        // LTSF protocol (multivariate, all 7 channels, horizon 96, every test origin). Published for comparison
        // (data README): DLinear MSE 0.374 / MAE 0.394. Our numbers are recorded in docs/energy-vpp.md; the check is
        // relative: the learnt model must beat repeating the last day and the similar-day mean.
        var p = Protocol();
        var naive = p.Evaluate(new SeasonalNaiveForecaster(24), stride: 4);
        var similar = p.Evaluate(new SimilarDayForecaster(24, 7), stride: 4);
        var boosted = p.EvaluateGradientBoosted(new GradientBoostingOptions { OriginStride = 12, Trees = 100 }, stride: 4);
        TestContext.Current.SendDiagnosticMessage($"ETTh1-96: naive {naive}, similar-day {similar}, fasttree {boosted}");
        Assert.True(boosted.Mse < naive.Mse, $"FastTree {boosted} vs naive {naive}");
        Assert.True(boosted.Mse < similar.Mse, $"FastTree {boosted} vs similar-day {similar}");
    }
}
