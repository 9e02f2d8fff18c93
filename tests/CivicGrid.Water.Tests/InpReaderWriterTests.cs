using CivicGrid.Testing;
using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;
using Xunit;

namespace CivicGrid.Water.Tests;

public class InpReaderWriterTests
{
    private const string Small = """
        [TITLE]
        small test
        [JUNCTIONS]
        J1  100  10  P1
        J2  95   5
        [RESERVOIRS]
        R1  150
        [TANKS]
        T1  120  10  2  20  15  0  *  NO
        [PIPES]
        P1  R1  J1  1000  12  100  0  Open
        P2  J1  J2  800   8   100  0  CV
        P3  J2  T1  500   8   100
        [PATTERNS]
        P1  1.0  1.2  0.8
        [CONTROLS]
        LINK P3 CLOSED IF NODE T1 ABOVE 18
        LINK P3 OPEN AT TIME 2:30
        [RULES]
        RULE R-1
        IF TANK T1 LEVEL BELOW 5
        AND SYSTEM CLOCKTIME >= 8 AM
        THEN PIPE P3 STATUS IS OPEN
        ELSE PIPE P3 STATUS IS CLOSED
        PRIORITY 2
        [OPTIONS]
        UNITS GPM
        DEMAND MODEL PDA
        MINIMUM PRESSURE 5
        REQUIRED PRESSURE 30
        BACKFLOW ALLOWED NO
        [TIMES]
        DURATION 6:00
        START CLOCKTIME 6 AM
        [END]
        """;

    [Fact]
    public void Reads_all_elements_with_their_properties()
    {
        var net = InpReader.Read(Small, "small.inp");
        Assert.Equal(["J1", "J2"], net.Junctions.Select(j => j.Id));
        Assert.Equal("P1", net.Junctions[0].Demands[0].PatternId);
        Assert.Equal(InitialLinkStatus.CheckValve, net.Pipes[1].Status);
        Assert.Equal(2, net.Controls.Count);
        Assert.Equal(ControlType.Timer, net.Controls[1].Type);
        Assert.Equal(9000, net.Controls[1].TimeSeconds);
        Assert.Equal(2.0, net.Rules[0].Priority);
        Assert.Single(net.Rules[0].ElseActions);
        Assert.Equal(DemandModel.PressureDriven, net.Options.DemandModel);
        Assert.False(net.Options.EmitterBackflow);
        Assert.Equal(6 * 3600, net.Times.StartClockTime);
        Assert.Equal(6 * 3600, net.Times.Duration);
    }

    public static TheoryData<string> NetworkFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in new[] { "Net1.inp", "Net2.inp", "Net3.inp", "wntr/Net6.inp", "wntr-testing/Anytown.inp", "epanet-tests/valves/2PRVs.inp", "wntr-testing/control_comb.inp" })
        {
            data.Add(f);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(NetworkFiles))]
    public void Reading_writing_and_reading_again_gives_the_same_model(string file)
    {
        var path = ReferenceData.Require($"water/networks/{file}");
        var first = InpReader.ReadFile(path);
        var text1 = InpWriter.Write(first);
        var second = InpReader.Read(text1, "roundtrip.inp");
        var text2 = InpWriter.Write(second);
        Assert.Equal(text1, text2);
        Assert.Equal(first.Junctions.Count, second.Junctions.Count);
        Assert.Equal(first.Links.Count, second.Links.Count);
        Assert.Equal(first.Controls.Count, second.Controls.Count);
        Assert.Equal(first.Rules.Count, second.Rules.Count);
    }

    [Fact]
    public void Round_tripped_network_gives_identical_hydraulics()
    {
        var path = ReferenceData.Require("water/networks/Net3.inp");
        var a = new HydraulicSimulation(InpReader.ReadFile(path));
        var b = new HydraulicSimulation(InpReader.Read(InpWriter.Write(InpReader.ReadFile(path))));
        var sa = a.Run();
        var sb = b.Run();
        Assert.Equal(sa.Count, sb.Count);
        for (var n = 0; n < a.Network.NodeCount; n++)
        {
            Assert.Equal(a.HeadMeters(n), b.HeadMeters(n), 1e-9);
        }
    }

    [Theory]
    [InlineData("[JUNCTIONS]\nJ1 100\n[WHATEVER]\n", 201, 3, "unknown section")]
    [InlineData("[JUNCTIONS]\nJ1 abc\n", 202, 2, "illegal numeric value")]
    [InlineData("[JUNCTIONS]\nJ1 100\n[RESERVOIRS]\nR1 50\n[PIPES]\nP1 J1 J9 100 10 100\n", 203, 6, "undefined node")]
    [InlineData("[JUNCTIONS]\nJ1 100\nJ1 90\n", 215, 3, "duplicate node ID")]
    [InlineData("[JUNCTIONS]\nJ1 100\n[RESERVOIRS]\nR1 50\n[PIPES]\nP1 J1 R1 100 10\n", 201, 6, "too few fields")]
    [InlineData("[JUNCTIONS]\nJ1 100\n[RESERVOIRS]\nR1 50\n[PIPES]\nP1 J1 R1 100 10 100\n[OPTIONS]\nUNITS FURLONGS\n", 213, 8, "illegal flow units")]
    [InlineData("[JUNCTIONS]\nJ1 100\n[RESERVOIRS]\nR1 50\n[PIPES]\nP1 J1 R1 100 10 100\n[CONTROLS]\nLINK P9 OPEN AT TIME 1\n", 204, 8, "undefined link")]
    [InlineData("[JUNCTIONS]\nJ1 100 5 PX\n[RESERVOIRS]\nR1 50\n[PIPES]\nP1 J1 R1 100 10 100\n", 205, 2, "undefined pattern")]
    public void Malformed_input_names_file_line_code_and_reason(string text, int code, int line, string reason)
    {
        var e = Assert.Throws<InpFormatException>(() => InpReader.Read(text, "bad.inp"));
        Assert.Equal("bad.inp", e.FileName);
        Assert.Equal(code, e.ErrorCode);
        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"bad.inp:{line}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_file_is_reported_not_crashed()
    {
        var text = File.ReadAllText(ReferenceData.Require("water/networks/Net1.inp"));
        var truncated = text[..(text.IndexOf("[PIPES]", StringComparison.Ordinal) + 200)];
        // Cut in the middle of the pipe table: either a short line or a reference to a node that is missing.
        var e = Assert.Throws<InpFormatException>(() => new HydraulicSimulation(InpReader.Read(truncated[..^5], "cut.inp")).Run());
        Assert.True(e.ErrorCode is >= 200 and < 300, e.Message);
    }

    [Fact]
    public void Fuzzed_inputs_give_format_errors_or_results_never_crashes_or_hangs()
    {
        var text = File.ReadAllText(ReferenceData.Require("water/networks/Net3.inp"));
        var rng = new Random(1234);
        var tokens = new[] { "", "x", "-1", "1e400", "NaN", "[", "]", ";", "\"", "0", "CLOSED", "99999999999", "\n" };
        var formatErrors = 0;
        var runs = 0;
        for (var trial = 0; trial < 200; trial++)
        {
            var mutations = 1 + rng.Next(4);
            var s = text;
            for (var m = 0; m < mutations; m++)
            {
                var pos = rng.Next(s.Length);
                var len = rng.Next(12);
                s = rng.Next(3) switch
                {
                    0 => s.Remove(pos, Math.Min(len, s.Length - pos)),
                    1 => s.Insert(pos, tokens[rng.Next(tokens.Length)]),
                    _ => s[..pos],
                };
            }
            try
            {
                var net = InpReader.Read(s, "fuzz.inp");
                net.Times.Duration = Math.Min(net.Times.Duration, 6 * 3600);
                var sim = new HydraulicSimulation(net);
                sim.Run();
                runs++;
            }
            catch (InpFormatException)
            {
                formatErrors++;
            }
        }
        Assert.Equal(200, formatErrors + runs);
        Assert.True(formatErrors > 0 && runs > 0, $"errors {formatErrors}, runs {runs}");
    }
}
