using CivicGrid.Testing;
using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using Xunit;

namespace CivicGrid.Water.Tests;

/// <summary>
/// Validation against EPANET 2.3.5 (epanet-js 0.9.0) reference series in ../shared/data/water/reference: every
/// pressure and flow at every hydraulic step within EPANET's own regression tolerance, |a−b| ≤ 1e-4 + 0.01·|b|.
/// </summary>
public class EpanetReferenceTests
{
    [Theory]
    [InlineData("Net1")]
    [InlineData("Net2")]
    [InlineData("Net3")]
    public void Extended_period_series_matches_epanet_within_regression_tolerance(string name)
    {
        var inp = ReferenceData.Require($"water/networks/{name}.inp");
        var csv = ReferenceData.Require($"water/reference/{name}.series.csv");
        var result = ReferenceSeries.Load(csv).Compare(inp);
        Assert.True(result.Failures == 0,
            $"{name}: {result.Failures} of {result.Compared} values outside tolerance over {result.Steps} steps (reference {result.ReferenceSteps}); worst {result.Worst}\n"
            + string.Join('\n', result.FailureSamples));
        Assert.Equal(result.ReferenceSteps, result.Steps);
    }
}
