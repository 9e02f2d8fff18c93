using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.PowerFlow;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Energy.Tests;

/// <summary>
/// Reactive-limit enforcement, validated against MATPOWER's own regression test (lib/t/t_pf_ac.m, "case 14 with Q
/// limits"): case14 with gen 1 Qmin = −10 MVAr and Qmax = [10 30 29 15 15] MVAr. MATPOWER's expected values are
/// quoted there to 6 (no enforcement), 4 (simultaneous) and 5 (one at a time) decimals; the same tolerances are used.
/// </summary>
public sealed class ReactiveLimitTests
{
    private static PowerCase MatpowerQLimitCase()
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/cases/case14.m"));
        pc.Generators[0].QminMVAr = -10;
        double[] qmax = [10, 30, 29, 15, 15];
        for (var g = 0; g < qmax.Length; g++)
        {
            pc.Generators[g].QmaxMVAr = qmax[g];
        }
        return pc;
    }

    private static BusType[] CaseTypes(PowerCase pc) => pc.Buses.Select(b => b.Type).ToArray();

    [Fact]
    public void WithoutEnforcement_MatchesMatpowerReactiveOutputs()
    {
        var pc = MatpowerQLimitCase();
        var r = AcPowerFlow.Solve(pc);
        Assert.True(r.Converged);
        double[] expected = [-16.549300542, 43.557100134, 25.075348495, 12.730944405, 17.623451366];
        for (var g = 0; g < expected.Length; g++)
        {
            Assert.Equal(expected[g], r.QgMVAr[g], 1e-6);
        }
        Assert.Equal(CaseTypes(pc), r.BusTypes);
    }

    [Fact]
    public void Simultaneous_MovesTheReferenceAndReportsInfeasibilityLikeMatpower()
    {
        var pc = MatpowerQLimitCase();
        var r = AcPowerFlow.Solve(pc, new PowerFlowOptions { EnforceReactiveLimits = true });
        // Round 1 fixes gens 1 (the slack, below Qmin), 2 and 5; bus 3 becomes the reference. Round 2: the two
        // generators still regulating (buses 3 and 6) both exceed Qmax, so MATPOWER stops with success = 0.
        Assert.True(r.ReactiveLimitsInfeasible);
        Assert.False(r.Converged);
        var expectedTypes = CaseTypes(pc);
        expectedTypes[0] = BusType.PQ;
        expectedTypes[1] = BusType.PQ;
        expectedTypes[2] = BusType.Reference;
        expectedTypes[7] = BusType.PQ;
        Assert.Equal(expectedTypes, r.BusTypes);
        double[] expected = [-10, 30, 31.608422873, 16.420423190, 15];
        for (var g = 0; g < expected.Length; g++)
        {
            Assert.Equal(expected[g], r.QgMVAr[g], 1e-4);
        }
    }

    [Fact]
    public void OneAtATime_ConvergesWithMatpowersBusTypesAndOutputs()
    {
        var pc = MatpowerQLimitCase();
        var r = AcPowerFlow.Solve(pc, new PowerFlowOptions { EnforceReactiveLimits = true, ReactiveLimitMode = ReactiveLimitMode.OneAtATime });
        Assert.True(r.Converged);
        Assert.False(r.ReactiveLimitsInfeasible);
        var expectedTypes = CaseTypes(pc);
        expectedTypes[0] = BusType.Reference;
        foreach (var b in new[] { 1, 2, 5, 7 })
        {
            expectedTypes[b] = BusType.PQ;
        }
        Assert.Equal(expectedTypes, r.BusTypes);
        double[] expected = [-6.30936644, 30, 29, 15, 15];
        for (var g = 0; g < expected.Length; g++)
        {
            Assert.Equal(expected[g], r.QgMVAr[g], 1e-5);
        }
        Assert.True(r.MaxMismatchPu < 1e-8);
    }

    [Theory]
    [InlineData("case9")]
    [InlineData("case30")]
    [InlineData("case57")]
    [InlineData("case118")]
    public void EnforcedResult_KeepsEveryGeneratorWithinItsRangeOrHeldAtALimit(string name)
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require($"energy/cases/{name}.m"));
        // Every other generator (the slack, generator 0, among them) gets a range of ±80 % of its unconstrained output,
        // so several bind; the rest get ±1000 MVAr and can take up the difference.
        var free = AcPowerFlow.Solve(pc);
        for (var g = 0; g < pc.Generators.Count; g++)
        {
            var q = g % 2 == 1 ? 1000 : Math.Max(Math.Abs(free.QgMVAr[g]) * 0.8, 1);
            pc.Generators[g].QmaxMVAr = q;
            pc.Generators[g].QminMVAr = -q;
        }
        var r = AcPowerFlow.Solve(pc, new PowerFlowOptions { EnforceReactiveLimits = true });
        Assert.False(r.ReactiveLimitsInfeasible);
        Assert.True(r.Converged);
        Assert.NotEmpty(r.ReactiveLimitedGenerators);
        Assert.True(r.MaxMismatchPu < 1e-8);
        for (var g = 0; g < pc.Generators.Count; g++)
        {
            var gen = pc.Generators[g];
            Assert.InRange(r.QgMVAr[g], gen.QminMVAr - 1e-4, gen.QmaxMVAr + 1e-4);
            var bus = pc.BusIndex()[gen.Bus];
            if (r.ReactiveLimitedGenerators.Contains(g))
            {
                Assert.True(Math.Abs(r.QgMVAr[g] - gen.QmaxMVAr) < 1e-9 || Math.Abs(r.QgMVAr[g] - gen.QminMVAr) < 1e-9);
                Assert.Equal(BusType.PQ, r.BusTypes[bus]);
            }
        }
        Assert.Equal(1, r.BusTypes.Count(t => t == BusType.Reference));
        // Power balance: generation = load + losses, whichever bus ended up as the reference.
        var losses = r.PfMW.Zip(r.PtMW, (f, t) => f + t).Sum();
        var shunt = pc.Buses.Select((b, i) => b.GsMW * r.VmPu[i] * r.VmPu[i]).Sum();
        Assert.Equal(r.PgMW.Sum(), pc.Buses.Sum(b => b.PdMW) + losses + shunt, 1e-6);
    }

    [Fact]
    public void EveryRegulatingGeneratorAtItsLimit_IsReportedInfeasibleNotThrown()
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/cases/case9.m"));
        foreach (var g in pc.Generators)
        {
            g.QmaxMVAr = -50;
            g.QminMVAr = -60;
        }
        var r = AcPowerFlow.Solve(pc, new PowerFlowOptions { EnforceReactiveLimits = true });
        Assert.True(r.ReactiveLimitsInfeasible);
        Assert.False(r.Converged);
    }

    [Fact]
    public void MovedReference_KeepsTheOriginalReferenceAngle()
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/cases/case30.m"));
        var free = AcPowerFlow.Solve(pc);
        var slack = pc.Buses.FindIndex(b => b.Type == BusType.Reference);
        var slackGen = pc.Generators.FindIndex(g => g.Bus == pc.Buses[slack].Number);
        pc.Generators[slackGen].QmaxMVAr = free.QgMVAr[slackGen] - 5;
        pc.Generators[slackGen].QminMVAr = free.QgMVAr[slackGen] - 10;
        var r = AcPowerFlow.Solve(pc, new PowerFlowOptions { EnforceReactiveLimits = true });
        Assert.True(r.Converged);
        Assert.Contains(slackGen, r.ReactiveLimitedGenerators);
        Assert.NotEqual(BusType.Reference, r.BusTypes[slack]);
        Assert.Equal(pc.Buses[slack].VaDeg, r.VaDeg[slack], 1e-9);
        Assert.Equal(free.QgMVAr[slackGen] - 5, r.QgMVAr[slackGen], 1e-9);
        // The old slack keeps the active power it had when it was switched; the new reference balances the rest.
        Assert.Equal(free.PgMW[slackGen], r.PgMW[slackGen], 1e-6);
    }
}
