using CivicGrid.Energy.Shedding;
using Xunit;

namespace CivicGrid.Energy.Tests.Shedding;

public class RestrictionAuditTests
{
    [Fact]
    public void Gini_IsZeroForEqualValues_AndMaximalWhenOneHoldsAll()
    {
        Assert.Equal(0, RestrictionAudit.Gini([2, 2, 2, 2]), 12);
        Assert.Equal(0.75, RestrictionAudit.Gini([0, 0, 0, 5]), 12);
        Assert.Equal(0, RestrictionAudit.Gini([]), 12);
        // Mean absolute difference / (2·mean) for {1,2,3}: (2+4+2)/9 / (2·2) = 2/9.
        Assert.Equal(2.0 / 9, RestrictionAudit.Gini([3, 1, 2]), 12);
    }

    /// <summary>An operator who always cuts district D0 first, then the others, by block id.</summary>
    private static List<SheddingDecision> BiasedOperator(IReadOnlyList<SheddingBlock> blocks, IReadOnlyList<double> shortfall, string favouriteTarget)
    {
        var order = blocks.OrderBy(b => b.District == favouriteTarget ? 0 : 1).ThenBy(b => b.Id, StringComparer.Ordinal).ToList();
        var plan = new List<SheddingDecision>();
        for (var t = 0; t < shortfall.Count; t++)
        {
            var choices = new List<BlockChoice>();
            var shed = 0.0;
            foreach (var b in order)
            {
                var take = shed < shortfall[t];
                shed += take ? b.SheddableKW : 0;
                choices.Add(new BlockChoice(b.Id, b.District, take, take ? b.SheddableKW : 0, "operator's choice"));
            }
            plan.Add(new SheddingDecision(t, shortfall[t], shed, 0, choices));
        }
        return plan;
    }

    [Fact]
    public void Audit_FlagsAnInjectedBiasedOperator_AndNotTheRotatingPlanner()
    {
        var rng = new Random(7);
        var blocks = RotatingBlockShedderTests.Population(rng, 40, 5);
        var shortfall = RotatingBlockShedderTests.Shortfalls(rng, blocks, 192, 0.05, 0.15);

        var fair = new RotatingBlockShedder(blocks).Plan(shortfall);
        var fairAudit = RestrictionAudit.Run(RestrictionAudit.FromPlan(blocks, fair, 0.25));
        Assert.Empty(fairAudit.Flagged);

        var biased = BiasedOperator(blocks, shortfall, "D2");
        var audit = RestrictionAudit.Run(RestrictionAudit.FromPlan(blocks, biased, 0.25));
        var flagged = Assert.Single(audit.Regions, r => r.Flagged);
        Assert.Equal("D2", flagged.Name);
        Assert.Contains("disproportionately", flagged.Explanation, StringComparison.Ordinal);
        Assert.True(audit.GiniOutage > fairAudit.GiniOutage);
        Assert.Equal(1, audit.Regions.Sum(r => r.DemandShare), 9);
        Assert.Equal(1, audit.Regions.Sum(r => r.CurtailmentShare), 9);
    }

    [Fact]
    public void Audit_FlagsAGroupRestrictedMoreThanItsDemand()
    {
        var entries = new List<CurtailmentEntry>();
        for (var i = 0; i < 100; i++)
        {
            var renter = i < 30;
            entries.Add(new CurtailmentEntry("h" + i, "R" + (i % 4), renter ? "renters" : "owners", 100, renter ? 20 : 5, renter ? 8 : 2));
        }
        var audit = RestrictionAudit.Run(entries);
        Assert.Contains(audit.Groups, g => g.Name == "renters" && g.Flagged);
        Assert.DoesNotContain(audit.Groups, g => g.Name == "owners" && g.Flagged);
        Assert.DoesNotContain(audit.Regions, r => r.Flagged);
    }
}
