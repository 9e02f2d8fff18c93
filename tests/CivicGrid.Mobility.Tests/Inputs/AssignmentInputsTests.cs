using CivicGrid.Mobility.Assignment;
using CivicGrid.Mobility.Inputs;
using CivicGrid.Mobility.Networks;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Mobility.Tests.Inputs;

public sealed class AssignmentInputsTests
{
    private const string TripsText = "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 6.0\n<END OF METADATA>\n\nOrigin 1\n    2 : 6.0;\n";

    /// <summary>Braess's network (as the TNTP Braess-Example) with 6 trips 1→2.</summary>
    private static TntpNetwork Braess() => new(2, 4, 1,
    [
        new TntpLink(1, 3, 1, 100, 1e-8, 1e9, 1, 0, 0, 1),
        new TntpLink(1, 4, 1, 100, 50, 0.02, 1, 0, 0, 1),
        new TntpLink(3, 2, 1, 100, 50, 0.02, 1, 0, 0, 1),
        new TntpLink(3, 4, 1, 100, 10, 0.1, 1, 0, 0, 1),
        new TntpLink(4, 2, 1, 100, 1e-8, 1e9, 1, 0, 0, 1),
    ]);

    private static AssignmentNetwork BraessAssignment() =>
        AssignmentNetwork.FromTntp(Braess(), TntpReader.ReadTrips(new StringReader(TripsText), "t"), GeneralisedCostWeights.TimeOnly);

    [Fact]
    public void Prohibiting_the_turn_into_the_shortcut_restores_the_two_path_equilibrium()
    {
        // Without the movement 1→3→4 only the two outer paths remain: 3 trips each, each path costs 50 + 3 + 30 = 83.
        var rules = AssignmentInputs.ReadTurns(new StringReader("from_node,via_node,to_node,penalty\n# no shortcut\n1,3,4,prohibited\n"), "turns.csv", Braess());
        Assert.Equal([TurnRule.Prohibit(0, 3)], rules);
        var expanded = TurnExpandedNetwork.Build(BraessAssignment(), rules);
        var result = new AlgorithmB(expanded.Network).Solve(new AssignmentOptions { TargetRelativeGap = 1e-12 });
        Assert.Equal(0, result.LinkFlows[3], 1e-9);
        Assert.Equal(3, result.LinkFlows[0], 1e-6);
        Assert.Equal(3, result.LinkFlows[1], 1e-6);
        Assert.Equal(83, result.LinkCosts[0] + result.LinkCosts[2], 1e-5);
    }

    [Fact]
    public void A_turn_penalty_is_read_as_a_constant_cost_of_the_movement()
    {
        var rules = AssignmentInputs.ReadTurns(new StringReader("from_node,via_node,to_node,penalty\n1, 3, 4, 12.5\n3,4,2,0\n"), "turns.csv", Braess());
        Assert.Equal(2, rules.Count);
        Assert.Equal(new TurnRule(0, 3, 12.5), rules[0]);
        Assert.Equal(new TurnRule(3, 4, 0), rules[1]);
    }

    [Theory]
    [InlineData("from,via,to,penalty\n1,3,4,1\n", 1, 1, "header")]
    [InlineData("from_node,via_node,to_node,penalty\n1,2,4,1\n", 2, 3, "no link 1→2")]
    [InlineData("from_node,via_node,to_node,penalty\n1,3,2,x\n", 2, 7, "'x' is not a number")]
    [InlineData("from_node,via_node,to_node,penalty\n1,3,2,-1\n", 2, 7, "outside")]
    [InlineData("from_node,via_node,to_node,penalty\n1,3,4,1\n1,3,4,prohibited\n", 3, 1, "already given on line 2")]
    [InlineData("from_node,via_node,to_node,penalty\n1,3,4\n", 2, 1, "expected 4 fields")]
    [InlineData("from_node,via_node,to_node,penalty\n1,3,9,1\n", 2, 5, "outside [1, 4]")]
    [InlineData("", 0, 0, "empty")]
    public void Malformed_turn_files_name_line_column_and_reason(string text, int line, int column, string reason)
    {
        var e = Assert.Throws<MobilityInputFormatException>(() => AssignmentInputs.ReadTurns(new StringReader(text), "turns.csv", Braess()));
        Assert.Equal("turns.csv", e.FileName);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Classes_read_trips_relative_to_their_file_and_a_class_keeps_off_its_prohibited_links()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "cars_trips.tntp"), TripsText);
        File.WriteAllText(Path.Combine(folder.Path, "trucks_trips.tntp"), TripsText);
        var classesPath = Path.Combine(folder.Path, "classes.csv");
        File.WriteAllText(classesPath, "name,pce,toll_factor,distance_factor,trips,prohibited_links\ncar,1,,,cars_trips.tntp,\ntruck,2.5,0,0.01,trucks_trips.tntp,3-4\n");
        var classes = AssignmentInputs.ReadClasses(classesPath, Braess());
        Assert.Equal(["car", "truck"], classes.Select(c => c.Class.Name));
        Assert.Null(classes[0].Class.Weights);
        Assert.Equal(new GeneralisedCostWeights(0, 0.01), classes[1].Class.Weights);
        Assert.Equal(2.5, classes[1].Class.PassengerCarEquivalent);
        Assert.Equal([3], classes[1].Class.ProhibitedLinks!);
        Assert.Equal(6, classes[1].TotalDemand);

        var result = new AlgorithmB(BraessAssignment(), classes.Select(c => c.Class).ToList()).Solve(new AssignmentOptions { TargetRelativeGap = 1e-10 });
        var trucks = result.ClassLinkFlows![1];
        Assert.Equal(0, trucks[3], 1e-9);
        Assert.Equal(6, trucks[0] + trucks[1], 1e-6);
        Assert.Equal(6, result.ClassLinkFlows[0][0] + result.ClassLinkFlows[0][1], 1e-6);
    }

    [Theory]
    [InlineData("name,pce,toll_factor,distance_factor,trips\ncar,0,,,t.tntp\n", 2, "pce: must be positive")]
    [InlineData("name,pce,toll_factor,distance_factor,trips\ncar,1,,,missing.tntp\n", 2, "does not exist")]
    [InlineData("name,pce,toll_factor,distance_factor,trips,prohibited_links\ncar,1,,,t.tntp,3/4\n", 2, "not a tail-head node pair")]
    [InlineData("name,pce,toll_factor,distance_factor,trips,prohibited_links\ncar,1,,,t.tntp,2-3\n", 2, "no link 2→3")]
    [InlineData("name,pce,toll_factor,distance_factor,trips\ncar,1,,,t.tntp\ncar,2,,,t.tntp\n", 3, "given twice")]
    [InlineData("name,pce,toll_factor,distance_factor,trips\n", 0, "no vehicle class")]
    public void Malformed_class_files_name_line_and_reason(string text, int line, string reason)
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "t.tntp"), TripsText);
        var e = Assert.Throws<MobilityInputFormatException>(() =>
            AssignmentInputs.ReadClasses(new StringReader(text), "classes.csv", Braess(), n => Path.Combine(folder.Path, n)));
        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_class_whose_trips_have_another_zone_count_is_refused()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "t.tntp"), "<NUMBER OF ZONES> 3\n<END OF METADATA>\nOrigin 1\n 2 : 1.0;\n");
        var e = Assert.Throws<MobilityInputFormatException>(() =>
            AssignmentInputs.ReadClasses(new StringReader("name,pce,toll_factor,distance_factor,trips\nvan,1,,,t.tntp\n"), "classes.csv", Braess(), n => Path.Combine(folder.Path, n)));
        Assert.Contains("3 zones but the network has 2", e.Reason, StringComparison.Ordinal);
    }
}
