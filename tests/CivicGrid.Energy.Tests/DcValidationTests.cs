using System.Globalization;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.Opf;
using CivicGrid.Energy.Grid.PowerFlow;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Energy.Tests;

public class DcValidationTests
{
    [Fact]
    public void DcPowerFlow_Case118_MatchesMatpowerWithin1e6()
    {
        // MATPOWER 8.1 rundcpf(case118): angles within 1e-6°, powers within 1e-6 MW.
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/cases/case118.m"));
        var bus = ReferenceCsv.Rows(ReferenceData.Require("energy/reference/matpower_dcpf_case118_bus.csv"));
        var gen = ReferenceCsv.Rows(ReferenceData.Require("energy/reference/matpower_dcpf_case118_gen.csv"));
        var branch = ReferenceCsv.Rows(ReferenceData.Require("energy/reference/matpower_dcpf_case118_branch.csv"));
        var r = DcPowerFlow.Solve(pc);
        for (var i = 0; i < bus.Count; i++)
        {
            Assert.True(Math.Abs(r.VaDeg[i] - bus[i][5]) <= 1e-6, $"bus {bus[i][0]}");
        }
        for (var g = 0; g < gen.Count; g++)
        {
            Assert.True(Math.Abs(r.PgMW[g] - gen[g][3]) <= 1e-6, $"gen {g + 1}");
        }
        for (var l = 0; l < branch.Count; l++)
        {
            Assert.True(Math.Abs(r.PfMW[l] - branch[l][4]) <= 1e-6, $"branch {l + 1}");
        }
    }

    [Fact]
    public void DcPowerFlow_MatchesMatpowerStoredNineBusSolution()
    {
        // MATPOWER lib/t/soln9_dcpf.mat; 1e-6° and 1e-6 MW.
        var prefix = ReferenceData.Require("energy/reference/matpower_t_soln9_dcpf_bus_soln.csv").Replace("_bus_soln.csv", "", StringComparison.Ordinal);
        var pc = ReferenceCsv.CaseFromSolution(prefix);
        var bus = ReferenceCsv.Rows(prefix + "_bus_soln.csv", header: false);
        var gen = ReferenceCsv.Rows(prefix + "_gen_soln.csv", header: false);
        var branch = ReferenceCsv.Rows(prefix + "_branch_soln.csv", header: false);
        var r = DcPowerFlow.Solve(pc);
        for (var i = 0; i < bus.Count; i++)
        {
            Assert.True(Math.Abs(r.VaDeg[i] - bus[i][8]) <= 1e-6);
        }
        for (var g = 0; g < gen.Count; g++)
        {
            Assert.True(Math.Abs(r.PgMW[g] - gen[g][1]) <= 1e-6);
        }
        for (var l = 0; l < branch.Count; l++)
        {
            Assert.True(Math.Abs(r.PfMW[l] - branch[l][13]) <= 1e-6);
        }
    }

    public static TheoryData<string, DcConvention, LpSolver> PglibCases()
    {
        var data = new TheoryData<string, DcConvention, LpSolver>();
        foreach (var c in new[] { "pglib_opf_case14_ieee", "pglib_opf_case30_ieee", "pglib_opf_case57_ieee", "pglib_opf_case118_ieee" })
        {
            data.Add(c, DcConvention.Matpower, LpSolver.Clp);
            data.Add(c, DcConvention.PowerModels, LpSolver.Clp);
            data.Add(c, DcConvention.PowerModels, LpSolver.Highs);
            data.Add(c, DcConvention.Matpower, LpSolver.InteriorPoint);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PglibCases))]
    public void DcOpf_PglibObjective_MatchesPublishedValueWithin1e6Relative(string name, DcConvention convention, LpSolver solver)
    {
        // pglib_dcopf_objectives.csv: matpower_dc_obj / powermodels_convention_obj, relative tolerance 1e-6.
        var pc = MatpowerReader.ReadFile(ReferenceData.Require($"energy/pglib/{name}.m"));
        var row = File.ReadAllLines(ReferenceData.Require("energy/reference/pglib_dcopf_objectives.csv")).Single(l => l.StartsWith(name + ",", StringComparison.Ordinal)).Split(',');
        var expected = double.Parse(row[convention == DcConvention.Matpower ? 1 : 2], CultureInfo.InvariantCulture);
        var r = DcOptimalPowerFlow.Solve(pc, new DcOpfOptions { Convention = convention, Solver = solver });
        Assert.True(r.Optimal, r.Status);
        Assert.True(Math.Abs(r.ObjectiveDollarsPerHour - expected) <= 1e-6 * Math.Abs(expected), $"{r.ObjectiveDollarsPerHour} vs {expected}");
    }

    [Theory]
    [InlineData("case9")]
    [InlineData("case30")]
    [InlineData("case118")]
    public void DcOpf_MatpowerCases_MatchDispatchPricesAndObjective(string name)
    {
        // MATPOWER 8.1 rundcopf (quadratic costs): Pg within 1e-4 MW, prices within 1e-5 $/MWh (relative 1e-6),
        // objective recomputed from MATPOWER's dispatch within 1e-6 relative.
        var pc = MatpowerReader.ReadFile(ReferenceData.Require($"energy/cases/{name}.m"));
        var bus = ReferenceCsv.Rows(ReferenceData.Require($"energy/reference/matpower_dcopf_{name}_bus.csv"));
        var gen = ReferenceCsv.Rows(ReferenceData.Require($"energy/reference/matpower_dcopf_{name}_gen.csv"));
        var r = DcOptimalPowerFlow.Solve(pc, new DcOpfOptions { Convention = DcConvention.Matpower });
        Assert.True(r.Optimal, r.Status);
        var expectedObjective = 0.0;
        for (var g = 0; g < gen.Count; g++)
        {
            Assert.True(Math.Abs(r.PgMW[g] - gen[g][3]) <= 1e-4, $"gen {g + 1}: {r.PgMW[g]} vs {gen[g][3]}");
            var c = pc.GeneratorCosts[g].Coefficients;
            expectedObjective += (c[0] * gen[g][3] + c[1]) * gen[g][3] + c[2];
        }
        Assert.True(Math.Abs(r.ObjectiveDollarsPerHour - expectedObjective) <= 1e-6 * expectedObjective);
        for (var i = 0; i < bus.Count; i++)
        {
            Assert.True(Math.Abs(r.NodalPriceDollarsPerMWh[i] - bus[i][6]) <= Math.Max(1e-5, 1e-6 * Math.Abs(bus[i][6])),
                $"bus {bus[i][0]}: {r.NodalPriceDollarsPerMWh[i]} vs {bus[i][6]}");
        }
    }

    [Fact]
    public void DcOpf_WithHighs_ReportsPricesAsUnavailable()
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/pglib/pglib_opf_case14_ieee.m"));
        var r = DcOptimalPowerFlow.Solve(pc, new DcOpfOptions { Solver = LpSolver.Highs });
        Assert.True(r.Optimal);
        Assert.All(r.NodalPriceDollarsPerMWh, p => Assert.True(double.IsNaN(p)));
    }

    [Theory]
    [InlineData(LpSolver.Clp)]
    [InlineData(LpSolver.Glop)]
    [InlineData(LpSolver.InteriorPoint)]
    public void DcOpf_MatpowerNineBusPiecewiseLinearCase_MatchesStoredSolution(LpSolver solver)
    {
        // MATPOWER lib/t/soln9_dcopf.mat for t_case9_opf (piecewise-linear costs, 40 MW limit on branch 6-7):
        // objective within 1e-6 relative, Pg within 1e-4 MW, prices (bus lam_P column) within 1e-4 $/MWh.
        var prefix = ReferenceData.Require("energy/reference/matpower_t_soln9_dcopf_bus_soln.csv").Replace("_bus_soln.csv", "", StringComparison.Ordinal);
        var pc = ReferenceCsv.CaseFromSolution(prefix);
        // Cost curves of t_case9_opf (input data of MATPOWER's test case), in the stored solution's generator order (buses 1, 30, 2).
        pc.GeneratorCosts.Add(new GeneratorCost { Model = CostModel.PiecewiseLinear, Coefficients = [0, 0, 100, 2500, 200, 5500, 250, 7250] });
        pc.GeneratorCosts.Add(new GeneratorCost { Model = CostModel.PiecewiseLinear, Coefficients = [0, 0, 100, 1500, 200, 4100, 300, 9100] });
        pc.GeneratorCosts.Add(new GeneratorCost { Model = CostModel.PiecewiseLinear, Coefficients = [0, 0, 100, 2000, 200, 4403.5, 270, 6363.5] });
        var expected = ReferenceCsv.Rows(prefix + "_f_soln.csv", header: false)[0][0];
        var bus = ReferenceCsv.Rows(prefix + "_bus_soln.csv", header: false);
        var gen = ReferenceCsv.Rows(prefix + "_gen_soln.csv", header: false);
        var r = DcOptimalPowerFlow.Solve(pc, new DcOpfOptions { Solver = solver });
        Assert.True(r.Optimal, r.Status);
        Assert.True(Math.Abs(r.ObjectiveDollarsPerHour - expected) <= 1e-6 * expected, $"{r.ObjectiveDollarsPerHour} vs {expected}");
        for (var g = 0; g < gen.Count; g++)
        {
            Assert.True(Math.Abs(r.PgMW[g] - gen[g][1]) <= 1e-4, $"gen {g + 1}: {r.PgMW[g]} vs {gen[g][1]}");
        }
        for (var i = 0; i < bus.Count; i++)
        {
            Assert.True(Math.Abs(r.NodalPriceDollarsPerMWh[i] - bus[i][13]) <= 1e-4, $"bus {bus[i][0]}: {r.NodalPriceDollarsPerMWh[i]} vs {bus[i][13]}");
        }
        Assert.Contains(r.BindingConstraints, b => b.Kind == "branch_flow" && pc.Branches[b.Index].FromBus == 6 && pc.Branches[b.Index].ToBus == 7);
    }
}
