using CivicGrid.Energy.Shedding;
using Xunit;

namespace CivicGrid.Energy.Tests.Shedding;

public class DemandResponseTests
{
    private static DemandResponseProgram Program() => new(
    [
        new FlexibleLoadEnrolment("heat-pump-1", "alice", 3, 0.10),
        new FlexibleLoadEnrolment("ev-2", "bob", 6, 0.05),
        new FlexibleLoadEnrolment("pool-3", "carol", 2, 0.50),
    ]);

    [Fact]
    public void Send_SplitsTheRequestOverWillingLoads_InProportionToFlexibility()
    {
        var p = Program();
        var instructions = p.Send(new DemandResponseEvent("e1", 10, 4, 4.5, 0.20));
        Assert.Equal(4.5, instructions.Sum(i => i.ReductionKW), 12);
        Assert.DoesNotContain(instructions, i => i.LoadId == "pool-3"); // asks more than the event pays
        Assert.Equal(2 * instructions.Single(i => i.LoadId == "heat-pump-1").ReductionKW, instructions.Single(i => i.LoadId == "ev-2").ReductionKW, 12);
    }

    [Fact]
    public void Settle_PaysDeliveredReductionOnly_CappedAtTheInstruction()
    {
        var p = Program();
        var instr = p.Send(new DemandResponseEvent("e1", 0, 2, 9, 0.30));
        var hp = instr.Single(i => i.LoadId == "heat-pump-1");
        Assert.Equal(3, hp.ReductionKW, 12);
        p.RecordReading("e1", "heat-pump-1", 0, 5, 1);   // 4 kW reduction, instructed 3: 3 counts
        p.RecordReading("e1", "heat-pump-1", 1, 5, 4);   // 1 kW
        p.RecordReading("e1", "ev-2", 0, 7, 1);           // 6 kW; interval 1 missing → 0
        var s = p.Settle("e1").ToDictionary(x => x.LoadId);
        Assert.Equal((3 + 1) * 0.25, s["heat-pump-1"].DeliveredKWh, 12);
        Assert.Equal(3 * 0.25 * 2 - 1.0, s["heat-pump-1"].ShortfallKWh, 12);
        Assert.Equal(1.0 * 0.30, s["heat-pump-1"].PaymentEur, 12);
        Assert.Equal(6 * 0.25, s["ev-2"].DeliveredKWh, 12);
    }

    [Fact]
    public void Readings_ForUnknownEventsLoadsOrIntervals_AreRejected()
    {
        var p = Program();
        p.Send(new DemandResponseEvent("e1", 0, 2, 1, 0.30));
        Assert.Throws<ArgumentException>(() => p.RecordReading("nope", "ev-2", 0, 1, 0));
        Assert.Throws<ArgumentException>(() => p.RecordReading("e1", "pool-3", 0, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => p.RecordReading("e1", "ev-2", 5, 1, 0));
        Assert.Throws<ArgumentException>(() => p.Send(new DemandResponseEvent("e1", 0, 2, 1, 0.30)));
    }
}
