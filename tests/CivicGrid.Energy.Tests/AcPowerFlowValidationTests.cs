using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.PowerFlow;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Energy.Tests;

/// <summary>
/// AC power flow against MATPOWER 8.1 (Newton, tol 1e-8, reactive limits not enforced):
/// |ΔVm| ≤ 1e-6 pu and |ΔVa| ≤ 1e-4° from a flat and from the case start; generator and branch powers within 1e-4 MW/MVAr.
/// </summary>
public class AcPowerFlowValidationTests
{
    public static TheoryData<string, bool, PowerFlowMethod> Cases()
    {
        var data = new TheoryData<string, bool, PowerFlowMethod>();
        foreach (var c in new[] { "case9", "case14", "case30", "case118" })
        {
            data.Add(c, false, PowerFlowMethod.NewtonRaphson);
            data.Add(c, true, PowerFlowMethod.NewtonRaphson);
            data.Add(c, true, PowerFlowMethod.FastDecoupledXB);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AcPowerFlow_MatchesMatpowerReference(string name, bool flat, PowerFlowMethod method)
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require($"energy/cases/{name}.m"));
        var bus = ReferenceCsv.Rows(ReferenceData.Require($"energy/reference/matpower_pf_{name}_bus.csv"));
        var gen = ReferenceCsv.Rows(ReferenceData.Require($"energy/reference/matpower_pf_{name}_gen.csv"));
        var branch = ReferenceCsv.Rows(ReferenceData.Require($"energy/reference/matpower_pf_{name}_branch.csv"));
        // Tighter tolerance so the solution error is well inside the comparison tolerance.
        var result = AcPowerFlow.Solve(pc, new PowerFlowOptions { FlatStart = flat, Method = method, TolerancePu = 1e-10, MaxIterations = 100 });
        Assert.True(result.Converged);
        Assert.True(result.MaxMismatchPu < 1e-10);
        for (var i = 0; i < bus.Count; i++)
        {
            Assert.Equal(bus[i][0], pc.Buses[i].Number);
            Assert.True(Math.Abs(result.VmPu[i] - bus[i][4]) <= 1e-6, $"bus {bus[i][0]} Vm {result.VmPu[i]} vs {bus[i][4]}");
            Assert.True(Math.Abs(result.VaDeg[i] - bus[i][5]) <= 1e-4, $"bus {bus[i][0]} Va {result.VaDeg[i]} vs {bus[i][5]}");
        }
        for (var g = 0; g < gen.Count; g++)
        {
            Assert.True(Math.Abs(result.PgMW[g] - gen[g][3]) <= 1e-4, $"gen {g + 1} Pg");
            Assert.True(Math.Abs(result.QgMVAr[g] - gen[g][4]) <= 1e-4, $"gen {g + 1} Qg {result.QgMVAr[g]} vs {gen[g][4]}");
        }
        for (var l = 0; l < branch.Count; l++)
        {
            Assert.True(Math.Abs(result.PfMW[l] - branch[l][4]) <= 1e-4, $"branch {l + 1} Pf");
            Assert.True(Math.Abs(result.QfMVAr[l] - branch[l][5]) <= 1e-4, $"branch {l + 1} Qf");
            Assert.True(Math.Abs(result.PtMW[l] - branch[l][6]) <= 1e-4, $"branch {l + 1} Pt");
            Assert.True(Math.Abs(result.QtMVAr[l] - branch[l][7]) <= 1e-4, $"branch {l + 1} Qt");
        }
    }

    [Fact]
    public void AcPowerFlow_MatchesMatpowerStoredNineBusSolution()
    {
        // MATPOWER lib/t/soln9_pf.mat: t_case9_pf solved by runpf (buses 1, 2, 30, 4…9); tolerance 1e-6 pu, 1e-4°, 1e-4 MW.
        var prefix = ReferenceData.Require("energy/reference/matpower_t_soln9_pf_bus_soln.csv").Replace("_bus_soln.csv", "", StringComparison.Ordinal);
        var pc = ReferenceCsv.CaseFromSolution(prefix);
        var bus = ReferenceCsv.Rows(prefix + "_bus_soln.csv", header: false);
        var gen = ReferenceCsv.Rows(prefix + "_gen_soln.csv", header: false);
        var branch = ReferenceCsv.Rows(prefix + "_branch_soln.csv", header: false);
        var result = AcPowerFlow.Solve(pc, new PowerFlowOptions { FlatStart = true, TolerancePu = 1e-10 });
        Assert.True(result.Converged);
        for (var i = 0; i < bus.Count; i++)
        {
            Assert.True(Math.Abs(result.VmPu[i] - bus[i][7]) <= 1e-6);
            Assert.True(Math.Abs(result.VaDeg[i] - bus[i][8]) <= 1e-4);
        }
        for (var g = 0; g < gen.Count; g++)
        {
            Assert.True(Math.Abs(result.PgMW[g] - gen[g][1]) <= 1e-4);
            Assert.True(Math.Abs(result.QgMVAr[g] - gen[g][2]) <= 1e-4);
        }
        for (var l = 0; l < branch.Count; l++)
        {
            Assert.True(Math.Abs(result.PfMW[l] - branch[l][13]) <= 1e-4);
            Assert.True(Math.Abs(result.QfMVAr[l] - branch[l][14]) <= 1e-4);
            Assert.True(Math.Abs(result.PtMW[l] - branch[l][15]) <= 1e-4);
            Assert.True(Math.Abs(result.QtMVAr[l] - branch[l][16]) <= 1e-4);
        }
    }

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("case1354pegase")]
    [InlineData("case2869pegase")]
    [InlineData("case9241pegase")]
    public void AcPowerFlow_LargePegaseCases_ConvergeBelow1e8(string name)
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require($"energy/cases-large/{name}.m"));
        var result = AcPowerFlow.Solve(pc);
        Assert.True(result.Converged, $"mismatch {result.MaxMismatchPu} after {result.Iterations}");
        Assert.True(result.MaxMismatchPu < 1e-8);
        Assert.InRange(result.Iterations, 1, 10);
    }
}
