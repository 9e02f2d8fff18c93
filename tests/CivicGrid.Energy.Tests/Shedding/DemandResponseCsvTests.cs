using CivicGrid.Energy.Shedding;
using Xunit;

namespace CivicGrid.Energy.Tests.Shedding;

public class DemandResponseCsvTests
{
    [Fact]
    public void Parses_loads_events_and_readings_with_columns_in_any_order_and_comments()
    {
        var loads = DemandResponseCsv.ParseLoads("# enrolled\nmax_reduction_kw,load,min_payment_eur_per_kwh\n2.5,hp-1,0.1\n1,ev-2,\n", "loads.csv");
        Assert.Equal(2, loads.Count);
        Assert.Equal(new FlexibleLoadEnrolment("hp-1", "hp-1", 2.5, 0.1), loads[0]);
        Assert.Equal(0, loads[1].MinPaymentEurPerKWh);
        var events = DemandResponseCsv.ParseEvents("id,start_interval,intervals,requested_kw,payment_eur_per_kwh\r\ne1,4,2,3,0.25\r\n", "events.csv");
        Assert.Equal(new DemandResponseEvent("e1", 4, 2, 3, 0.25), Assert.Single(events));
        var readings = DemandResponseCsv.ParseReadings("event,load,interval,baseline_kw,metered_kw\n\ne1,hp-1,4,3,1.5\n", "r.csv");
        var r = Assert.Single(readings);
        Assert.Equal(("e1", "hp-1", 4, 3.0, 1.5, 3), (r.EventId, r.LoadId, r.Interval, r.BaselineKW, r.MeteredKW, r.Line));
    }

    [Theory]
    [InlineData("", 1, 1, "no header")]
    [InlineData("load\nhp\n", 1, 1, "missing column 'max_reduction_kw'")]
    [InlineData("load,max_reduction_kw,load\n", 1, 23, "duplicate column")]
    [InlineData("load,max_reduction_kw\n,1\n", 2, 1, "empty load")]
    [InlineData("load,max_reduction_kw\nhp,-1\n", 2, 4, "must be a number")]
    [InlineData("load,max_reduction_kw\nhp,NaN\n", 2, 4, "must be a number")]
    [InlineData("load,max_reduction_kw\nhp,1,2\n", 2, 1, "expected 2 fields")]
    public void Malformed_loads_name_line_column_and_reason(string text, int line, int column, string reason)
    {
        var e = Assert.Throws<SheddingFormatException>(() => DemandResponseCsv.ParseLoads(text, "loads.csv"));
        Assert.Equal(("loads.csv", line, column), (e.File, e.Line, e.Column));
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_events_and_readings_name_line_column_and_reason()
    {
        var e = Assert.Throws<SheddingFormatException>(() => DemandResponseCsv.ParseEvents("id,start_interval,intervals,requested_kw,payment_eur_per_kwh\ne1,x,1,1,1\n", "ev.csv"));
        Assert.Equal((2, 4), (e.Line, e.Column));
        var dup = Assert.Throws<SheddingFormatException>(() => DemandResponseCsv.ParseEvents("id,start_interval,intervals,requested_kw,payment_eur_per_kwh\ne1,0,1,1,1\ne1,0,1,1,1\n", "ev.csv"));
        Assert.Contains("duplicate event", dup.Reason, StringComparison.Ordinal);
        var twice = Assert.Throws<SheddingFormatException>(() => DemandResponseCsv.ParseReadings("event,load,interval,baseline_kw,metered_kw\ne1,a,1,2,1\ne1,a,1,2,1\n", "r.csv"));
        Assert.Equal(3, twice.Line);
        Assert.Contains("second reading", twice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Restored_event_settles_exactly_as_the_sent_one()
    {
        var loads = new[] { new FlexibleLoadEnrolment("a", "pa", 2), new FlexibleLoadEnrolment("b", "pb", 4) };
        var sent = new DemandResponseProgram(loads);
        var ev = new DemandResponseEvent("e", 100, 3, 3, 0.4);
        var instructions = sent.Send(ev);
        var restored = new DemandResponseProgram(loads);
        restored.Restore(ev, instructions);
        foreach (var p in new[] { sent, restored })
        {
            p.RecordReading("e", "a", 100, 3, 2.2);
            p.RecordReading("e", "b", 101, 5, 2.5);
        }
        Assert.Equal(sent.Settle("e"), restored.Settle("e"));
        Assert.Throws<ArgumentException>(() => restored.Restore(ev, instructions));
        Assert.Throws<ArgumentException>(() => new DemandResponseProgram(loads).Restore(ev with { Id = "f" }, instructions));
    }
}
