using CivicGrid.Mobility.Networks;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Mobility.Tests.Networks;

public class TntpReaderTests
{
    private const string SmallNet = """
        <NUMBER OF ZONES> 2
        <NUMBER OF NODES> 4
        <FIRST THRU NODE> 3
        <NUMBER OF LINKS> 3
        <ORIGINAL HEADER> kept verbatim
        <END OF METADATA>

        ~ init term cap len fft b power speed toll type ;
        	1	3	100	1.5	2	0.15	4	0	0	1	;
        	3	2	100	2.5	0	0.15	0	0	1.25	2	;
        	3	4	50	1	1	0.5	2.5	0	0	1 ;
        """;

    private static TntpNetwork ParseNet(string text) => TntpReader.ReadNetwork(new StringReader(text), "test_net.tntp");

    [Fact]
    public void Reads_metadata_links_and_unknown_entries()
    {
        var net = ParseNet(SmallNet);
        Assert.Equal(2, net.Zones);
        Assert.Equal(4, net.Nodes);
        Assert.Equal(3, net.FirstThruNode);
        Assert.Equal(3, net.Links.Count);
        Assert.Equal(new TntpLink(3, 2, 100, 2.5, 0, 0.15, 0, 0, 1.25, 2), net.Links[1]);
        Assert.Equal(2.5, net.Links[2].Power);
        Assert.Contains(net.Metadata, e => e.Key == "ORIGINAL HEADER" && e.Value == "kept verbatim");
    }

    [Theory]
    [InlineData("SiouxFalls", 24, 24, 76)]
    [InlineData("Anaheim", 38, 416, 914)]
    [InlineData("Chicago-Sketch", 387, 933, 2950)]
    [InlineData("Braess-Example", 2, 4, 5)]
    public void Reads_the_reference_networks(string name, int zones, int nodes, int links)
    {
        var c = TntpCase.Load(ReferenceData.Require("mobility/tntp/" + name));
        Assert.Equal(zones, c.Network.Zones);
        Assert.Equal(nodes, c.Network.Nodes);
        Assert.Equal(links, c.Network.Links.Count);
        Assert.Empty(c.Network.FindDuplicateLinks());
        Assert.True(c.Trips.TotalDemand > 0);
    }

    [Fact]
    public void Chicago_readme_weights_are_read()
    {
        var c = TntpCase.Load(ReferenceData.Require("mobility/tntp/Chicago-Sketch"));
        Assert.Equal(0.02, c.ReadmeWeights!.Value.TollFactor);
        Assert.Equal(0.04, c.ReadmeWeights!.Value.DistanceFactor);
        var s = TntpCase.Load(ReferenceData.Require("mobility/tntp/SiouxFalls"));
        Assert.Equal(0, s.ReadmeWeights!.Value.DistanceFactor);
    }

    [Theory]
    [InlineData("SiouxFalls")]
    [InlineData("Anaheim")]
    [InlineData("Chicago-Sketch")]
    [InlineData("Braess-Example")]
    public void Writing_and_reading_back_is_lossless(string name)
    {
        var folder = ReferenceData.Require("mobility/tntp/" + name);
        var c = TntpCase.Load(folder);

        var netText = new StringWriter();
        TntpWriter.WriteNetwork(c.Network, netText);
        var net2 = TntpReader.ReadNetwork(new StringReader(netText.ToString()), "roundtrip_net.tntp");
        Assert.Equal(c.Network.Zones, net2.Zones);
        Assert.Equal(c.Network.FirstThruNode, net2.FirstThruNode);
        Assert.Equal(c.Network.Links, net2.Links);
        Assert.Equal(c.Network.Metadata, net2.Metadata);

        var tripText = new StringWriter();
        TntpWriter.WriteTrips(c.Trips, tripText);
        var trips2 = TntpReader.ReadTrips(new StringReader(tripText.ToString()), "roundtrip_trips.tntp");
        Assert.Equal(c.Trips.Metadata, trips2.Metadata);
        Assert.Equal(c.Trips.Origins.Count, trips2.Origins.Count);
        for (var i = 0; i < c.Trips.Origins.Count; i++)
        {
            Assert.Equal(c.Trips.Origins[i].Origin, trips2.Origins[i].Origin);
            Assert.Equal(c.Trips.Origins[i].Destinations, trips2.Origins[i].Destinations);
        }

        if (c.FlowFile is not null)
        {
            var flows = TntpReader.ReadFlows(c.FlowFile);
            var flowText = new StringWriter();
            TntpWriter.WriteFlows(flows, flowText);
            Assert.Equal(flows, TntpReader.ReadFlows(new StringReader(flowText.ToString()), "roundtrip_flow.tntp"));
        }
        foreach (var nodeFile in Directory.GetFiles(folder, "*_node.tntp"))
        {
            var nodes = TntpReader.ReadNodes(nodeFile);
            var nodeText = new StringWriter();
            TntpWriter.WriteNodes(nodes, nodeText);
            var nodes2 = TntpReader.ReadNodes(new StringReader(nodeText.ToString()), "roundtrip_node.tntp");
            Assert.Equal(nodes.Count, nodes2.Count);
            for (var i = 0; i < nodes.Count; i++)
            {
                Assert.Equal((nodes[i].Id, nodes[i].X, nodes[i].Y), (nodes2[i].Id, nodes2[i].X, nodes2[i].Y));
            }
        }
    }

    [Fact]
    public void Duplicate_links_are_reported()
    {
        var text = SmallNet.Replace("<NUMBER OF LINKS> 3", "<NUMBER OF LINKS> 4", StringComparison.Ordinal) + "\n\t1\t3\t80\t1\t2\t0.15\t4\t0\t0\t1\t;\n";
        var dups = ParseNet(text).FindDuplicateLinks();
        var group = Assert.Single(dups);
        Assert.Equal([0, 3], group);
    }

    [Theory]
    [InlineData("<NUMBER OF LINKS> 3", "<NUMBER OF LINKS> 5", 0, "declares 5 links")]
    [InlineData("\t3\t2\t100\t2.5\t0\t0.15\t0\t0\t1.25\t2\t;", "\t3\t2\t100\t2.5\t0\t0.15\t0\t0\t1.25\t;", 10, "10 fields")]
    [InlineData("\t3\t4\t50\t1\t1\t0.5\t2.5\t0\t0\t1 ;", "\t3\t4\t50\t1\t1\tabc\t2.5\t0\t0\t1 ;", 11, "'abc' is not a finite number")]
    [InlineData("\t1\t3\t100\t1.5\t2\t0.15\t4\t0\t0\t1\t;", "\t1\t9\t100\t1.5\t2\t0.15\t4\t0\t0\t1\t;", 9, "node 9 is outside 1..4")]
    [InlineData("\t1\t3\t100\t1.5\t2\t0.15\t4\t0\t0\t1\t;", "\t1\t3\t100\t1.5\t-2\t0.15\t4\t0\t0\t1\t;", 9, "free-flow time must not be negative")]
    [InlineData("<END OF METADATA>", "<END OF DATA>", 0, "missing <END OF METADATA>")]
    [InlineData("<FIRST THRU NODE> 3", "<FIRST THRU NODE> x", 0, "non-integer")]
    public void Malformed_networks_are_rejected_with_line_and_reason(string find, string replace, int line, string reason)
    {
        var text = SmallNet.Replace(find, replace, StringComparison.Ordinal);
        var ex = Assert.Throws<TntpFormatException>(() => ParseNet(text));
        Assert.Equal("test_net.tntp", ex.FileName);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        if (line > 0)
        {
            Assert.Equal(line, ex.Line);
            Assert.True(ex.Column > 0);
        }
    }

    [Fact]
    public void Error_column_points_at_the_bad_field()
    {
        var text = SmallNet.Replace("\t3\t4\t50\t1\t1\t0.5\t2.5", "\t3\t4\t50\t1\t1\tabc\t2.5", StringComparison.Ordinal);
        var ex = Assert.Throws<TntpFormatException>(() => ParseNet(text));
        Assert.Equal(13, ex.Column); // "\t3\t4\t50\t1\t1\t" is 12 characters
    }

    private const string SmallTrips = """
        <NUMBER OF ZONES> 2
        <TOTAL OD FLOW> 30.0
        <END OF METADATA>

        Origin 1
            1 :  0.0;   2 :  10.5;
        Origin 2
            1 : 19.5;
        """;

    [Fact]
    public void Reads_trips_into_a_dense_matrix()
    {
        var trips = TntpReader.ReadTrips(new StringReader(SmallTrips), "t_trips.tntp");
        Assert.Equal(new[] { 0, 10.5, 19.5, 0 }, trips.ToMatrix());
        Assert.Equal(30.0, trips.TotalDemand);
        Assert.Equal(2, trips.Origins[0].Destinations.Count); // zero entries are kept for a lossless rewrite
    }

    [Theory]
    [InlineData("2 :  10.5;", "2 :  10.5;  2 : 1;", 6, "listed twice")]
    [InlineData("2 :  10.5;", "2 :  -10.5;", 6, "must not be negative")]
    [InlineData("2 :  10.5;", "3 :  10.5;", 6, "outside 1..2")]
    [InlineData("2 :  10.5;", "2   10.5;", 6, "expected 'destination : demand;'")]
    [InlineData("Origin 1", "Origin 1 2", 5, "expected 'Origin <zone>'")]
    [InlineData("Origin 2", "Origin 1", 7, "appears twice")]
    public void Malformed_trips_are_rejected_with_line_and_reason(string find, string replace, int line, string reason)
    {
        var text = SmallTrips.Replace(find, replace, StringComparison.Ordinal);
        var ex = Assert.Throws<TntpFormatException>(() => TntpReader.ReadTrips(new StringReader(text), "t_trips.tntp"));
        Assert.Equal(line, ex.Line);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.Contains("t_trips.tntp:" + line, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_flow_and_node_rows_are_rejected()
    {
        var flow = Assert.Throws<TntpFormatException>(() => TntpReader.ReadFlows(new StringReader("From To Volume Cost\n1 2 3.5\n"), "x_flow.tntp"));
        Assert.Equal(2, flow.Line);
        var node = Assert.Throws<TntpFormatException>(() => TntpReader.ReadNodes(new StringReader("node X Y ;\n1 2.0 3.0 ;\n1 4 5 ;\n"), "x_node.tntp"));
        Assert.Equal(3, node.Line);
        Assert.Contains("listed twice", node.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_a_format_error_not_a_crash()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var ex = Assert.Throws<TntpFormatException>(() => TntpReader.ReadNetwork(Path.Combine(folder.Path, "none_net.tntp")));
        Assert.Contains("cannot open", ex.Reason, StringComparison.Ordinal);
    }
}
