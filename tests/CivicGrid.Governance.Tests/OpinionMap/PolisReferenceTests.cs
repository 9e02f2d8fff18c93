using System.Text.Json;
using CivicGrid.Governance.OpinionMap;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Governance.Tests.OpinionMap;

/// <summary>
/// Validation against Polis's own math output (math-pca2.json of the red-dwarf fixtures): with Polis's
/// participants (in-conv) and without its moderated-out statements, the groups must be the same partition of
/// participants as Polis's group-clusters (resolved through base-clusters), up to label permutation.
/// </summary>
public class PolisReferenceTests
{
    [Theory]
    [InlineData("25ptpt-3gp-no-strict-with-meta")]
    [InlineData("150ptpt-3gp-no-strict-no-meta")]
    public void Groups_match_the_Polis_partition(string conversation)
    {
        var folder = ReferenceData.Require("governance/polis/" + conversation);
        var votes = PolisVotesReader.ReadFile(Path.Combine(folder, "votes.json"));
        using var math = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "math-pca2.json")));
        var root = math.RootElement;
        var inConv = root.GetProperty("in-conv").EnumerateArray().Select(e => e.GetInt32()).ToHashSet();
        var modOut = root.GetProperty("mod-out").EnumerateArray().Select(e => e.GetInt32()).ToHashSet();
        var expected = PolisPartition(root);

        var map = OpinionMapper.Compute(votes, new OpinionMapOptions { Participants = inConv, ExcludedStatements = modOut });

        Assert.Equal(expected.Count, map.Groups.Count);
        var actual = map.Groups.Select(g => g.Order().ToList()).OrderBy(g => g[0]).ToList();
        var want = expected.Select(g => g.Order().ToList()).OrderBy(g => g[0]).ToList();
        Assert.Equal(want.Count, actual.Count);
        for (var i = 0; i < want.Count; i++)
        {
            Assert.Equal(want[i], actual[i]);
        }
    }

    [Fact]
    public void Map_is_deterministic()
    {
        var folder = ReferenceData.Require("governance/polis/25ptpt-3gp-no-strict-with-meta");
        var votes = PolisVotesReader.ReadFile(Path.Combine(folder, "votes.json"));
        var a = OpinionMapper.Compute(votes, new OpinionMapOptions());
        var b = OpinionMapper.Compute(votes, new OpinionMapOptions());
        Assert.Equal(a.Coordinates, b.Coordinates);
        Assert.Equal(a.Groups.Select(g => string.Join(',', g)), b.Groups.Select(g => string.Join(',', g)));
    }

    [Fact]
    public void Malformed_csv_names_line_and_column()
    {
        var ex = Assert.Throws<PolisFormatException>(() => PolisVotesReader.Parse("participant_id,statement_id,vote\n1,2,x\n", "v.csv"));
        Assert.Equal(2, ex.Line);
        Assert.Equal(3, ex.Column);
        Assert.Equal("v.csv", ex.File);
    }

    [Fact]
    public void Vote_outside_minus_one_to_one_is_rejected()
    {
        var ex = Assert.Throws<PolisFormatException>(() => PolisVotesReader.Parse("[{\"participant_id\":1,\"statement_id\":2,\"vote\":5}]", "v.json"));
        Assert.Contains("5", ex.Reason, StringComparison.Ordinal);
    }

    internal static List<List<int>> PolisPartition(JsonElement root)
    {
        var bc = root.GetProperty("base-clusters");
        var ids = bc.GetProperty("id").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var members = bc.GetProperty("members").EnumerateArray().Select(e => e.EnumerateArray().Select(x => x.GetInt32()).ToList()).ToList();
        var baseMembers = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => members[x.i]);
        return root.GetProperty("group-clusters").EnumerateArray()
            .Select(g => g.GetProperty("members").EnumerateArray().SelectMany(b => baseMembers[b.GetInt32()]).ToList())
            .ToList();
    }
}
