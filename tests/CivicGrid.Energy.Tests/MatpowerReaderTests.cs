using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Energy.Tests;

public class MatpowerReaderTests
{
    private const string Small = """
        function mpc = tiny
        mpc.version = '2';
        mpc.baseMVA = 100;   % system base
        mpc.bus = [
            1, 3, 0, 0, 0, 0, 1, 1.0, 0, 345, 1, 1.1, 0.9
            2  1  50 10 0 0 1 1.0 0 345 1 1.1 0.9;  % load bus
        ];
        mpc.gen = [ 1 60 0 100 -100 1.02 100 1 Inf 0 ];
        mpc.branch = [
            1 2 0.01 0.1 0.02 ...
              0 0 0 0 0 1 -360 360;
        ];
        mpc.gencost = [
            1 0 0 3 0 0 50 1000 100 2500;
        ];
        mpc.bus_name = {
            'One';
            'Two';
        };
        """;

    [Fact]
    public void Parse_AcceptsCommasContinuationsCommentsAndCellArrays()
    {
        var pc = MatpowerReader.Parse(Small, "tiny.m");
        Assert.Equal("tiny", pc.Name);
        Assert.Equal(2, pc.Buses.Count);
        Assert.Equal(50, pc.Buses[1].PdMW);
        Assert.Equal(double.PositiveInfinity, pc.Generators[0].PmaxMW);
        Assert.Equal(0.02, pc.Branches[0].BPu);
        Assert.Equal(CostModel.PiecewiseLinear, pc.GeneratorCosts[0].Model);
        Assert.Equal(6, pc.GeneratorCosts[0].Coefficients.Length);
    }

    [Theory]
    [InlineData("energy/cases/case118.m")]
    [InlineData("energy/pglib/pglib_opf_case57_ieee.m")]
    public void WriteThenRead_RoundTripsEveryValue(string relative)
    {
        var original = MatpowerReader.ReadFile(ReferenceData.Require(relative));
        var again = MatpowerReader.Parse(MatpowerWriter.Write(original), "roundtrip.m");
        Assert.Equal(MatpowerWriter.Write(original), MatpowerWriter.Write(again));
        Assert.Equal(original.Buses.Count, again.Buses.Count);
        Assert.Equal(original.Branches.Select(b => b.XPu), again.Branches.Select(b => b.XPu));
        Assert.Equal(original.GeneratorCosts.SelectMany(c => c.Coefficients), again.GeneratorCosts.SelectMany(c => c.Coefficients));
    }

    [Theory]
    [InlineData("mpc.baseMVA = 100;", "mpc.baseMVA = 100;\nmpc.bus = [ 1 3 0 0 0 0 1 1 0 345 1 1.1 0.9; 2 1 0 0 0 0 1 1 x 345 1 1.1 0.9 ];", 4, 62, "not a number")]
    [InlineData("mpc.baseMVA = 100;", "", 1, 1, "mpc.baseMVA is missing")]
    [InlineData("mpc.branch = [\n", "mpc.branch = [\n    1 7 0.01 0.1 0.02 0 0 0 0 0 1 -360 360;\n", 10, 1, "bus 7, which is not in mpc.bus")]
    [InlineData("];\nmpc.gen", "\nmpc.gen", 4, 11, "not closed")]
    [InlineData("function mpc = tiny", "function [baseMVA, bus] = tiny", 1, 1, "version 1")]
    [InlineData("2  1  50 10 0 0 1 1.0 0 345 1 1.1 0.9;", "2  1  50 10 0 0 1 1.0 0 345 1 1.1;", 6, 1, "has 12 columns")]
    [InlineData("2  1  50 10 0 0 1 1.0 0 345 1 1.1 0.9;", "2  7  50 10 0 0 1 1.0 0 345 1 1.1 0.9;", 6, 1, "has type 7")]
    [InlineData("1 0 0 3 0 0 50 1000 100 2500;", "1 0 0 3 0 0 50 1000;", 14, 1, "declares 3 points")]
    [InlineData("mpc.version = '2';", "mpc.version = '1';", 2, 1, "version '1'")]
    [InlineData("mpc.baseMVA = 100;", "mpc.baseMVA = 100;\nmpc.bus(2, 3) = 4;", 4, 1, "indexed assignment")]
    public void Parse_MalformedInput_ReportsFileLineColumnAndReason(string find, string replace, int line, int column, string reason)
    {
        var text = Small.Replace(find, replace, StringComparison.Ordinal);
        var ex = Assert.Throws<MatpowerFormatException>(() => MatpowerReader.Parse(text, "bad.m"));
        Assert.Equal("bad.m", ex.File);
        Assert.Equal(line, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }
}
