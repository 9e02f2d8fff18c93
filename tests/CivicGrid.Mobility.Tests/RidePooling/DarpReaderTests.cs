using CivicGrid.Mobility.RidePooling;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Mobility.Tests.RidePooling;

public class DarpReaderTests
{
    public static TheoryData<string> Instances() =>
        ["a2-16", "a2-20", "a2-24", "a3-18", "a3-24", "a3-30", "a3-36", "a4-16", "a4-24", "a4-32", "a4-40", "a4-48"];

    [Theory]
    [MemberData(nameof(Instances))]
    public void Reads_every_cordeau_file_or_reports_why_it_cannot(string name)
    {
        var path = ReferenceData.Require($"mobility/darp/{name}.txt");
        var parts = name[1..].Split('-');
        var vehicles = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        var requests = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        if (new FileInfo(path).Length == 0)
        {
            // Some files in the shared data are empty: the reader must say so with the file name.
            var e = Assert.Throws<DarpFormatException>(() => DarpReader.Read(path));
            Assert.Equal($"{name}.txt", e.FileName);
            Assert.Contains("empty", e.Reason, StringComparison.Ordinal);
            return;
        }
        var instance = DarpReader.Read(path);
        Assert.Equal(vehicles, instance.Vehicles);
        Assert.Equal(requests, instance.Requests);
        Assert.Equal((2 * requests) + 2, instance.Nodes.Count);
        Assert.Equal(3, instance.Capacity);
        Assert.Equal(30, instance.MaxRideTime);
        for (var i = 1; i <= requests; i++)
        {
            Assert.Equal(-instance.Nodes[i].Load, instance.Nodes[i + requests].Load);
        }
        Assert.Equal(instance.Nodes[0].X, instance.Nodes[instance.EndDepot].X);
    }

    [Theory]
    [InlineData("2 4 480 3\n", 1, "5 fields")]
    [InlineData("2 4 480 3 x\n", 1, "max ride time 'x'")]
    [InlineData("2 3 480 3 30\n", 1, "even")]
    [InlineData("1 2 480 3 30\n0 0 0 0 0 0 1440\n1 1 1 3 1 0 1440\n2 2 2 3 -2 0 1440\n", 4, "minus the load")]
    [InlineData("1 2 480 3 30\n0 0 0 0 0 0 1440\n1 1 1 3 1 0\n", 3, "7 fields")]
    [InlineData("1 2 480 3 30\n0 0 0 0 0 0 1440\n2 1 1 3 1 0 1440\n", 3, "expected vertex id 1")]
    [InlineData("1 2 480 3 30\n0 0 0 0 0 0 1440\n1 1 1 3 1 50 10\n", 3, "earliest time is after")]
    [InlineData("1 2 480 3 30\n0 0 0 0 0 0 1440\n1 1 1 3 1 0 1440\n", 3, "file ends")]
    public void Malformed_input_names_file_line_and_reason(string text, int line, string reason)
    {
        var e = Assert.Throws<DarpFormatException>(() => DarpReader.Read(new StringReader(text), "bad.txt"));
        Assert.Equal("bad.txt", e.FileName);
        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"bad.txt:{line}:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Column_points_at_the_bad_number()
    {
        var e = Assert.Throws<DarpFormatException>(() => DarpReader.Read(new StringReader("1 2 480 3 30\n0 0 0 0 0 0 1440\n1 1 abc 3 1 0 1440\n"), "bad.txt"));
        Assert.Equal(5, e.Column);
    }
}
