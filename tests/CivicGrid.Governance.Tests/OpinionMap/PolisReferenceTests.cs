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
    /// <summary>
    /// Polis keeps its groups from one update to the next (k-means warm-started from the previous centres), so
    /// its partition is the stable one reached from its own centres, not necessarily the best of fresh restarts.
    /// Checks: k chosen by silhouette equals Polis's k; our projections agree with Polis's (after the axis
    /// reflection PCA leaves free) to 0.35 on average; and from Polis's centres our k-means keeps exactly
    /// Polis's partition of participants (up to label permutation).
    /// </summary>
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
        var polisXy = PolisCoordinates(root);
        var options = new OpinionMapOptions { Participants = inConv, ExcludedStatements = modOut };

        var cold = OpinionMapper.Compute(votes, options);
        Assert.Equal(expected.Count, cold.Groups.Count);

        var best = (Sx: 1.0, Sy: 1.0, Error: double.MaxValue);
        foreach (var sx in new[] { 1.0, -1.0 })
        {
            foreach (var sy in new[] { 1.0, -1.0 })
            {
                var error = cold.Participants.Select((p, i) => polisXy.TryGetValue(p, out var q)
                    ? Math.Abs((sx * cold.Coordinates[i].X) - q.X) + Math.Abs((sy * cold.Coordinates[i].Y) - q.Y) : 0).Average();
                if (error < best.Error)
                {
                    best = (sx, sy, error);
                }
            }
        }
        Assert.True(best.Error < 0.35, $"mean coordinate difference {best.Error}");

        var centers = root.GetProperty("group-clusters").EnumerateArray()
            .Select(g => g.GetProperty("center")).Select(c => (best.Sx * c[0].GetDouble(), best.Sy * c[1].GetDouble())).ToList();
        var warm = OpinionMapper.Compute(votes, options with { InitialCenters = centers });
        var stable = StableParticipants(root, 0.25);
        Assert.True(stable.Count(inConv.Contains) >= 0.8 * inConv.Count, "most participants are stable in Polis's map");
        var actual = warm.Groups.Select(g => g.Where(stable.Contains).Order().ToList()).OrderBy(g => g[0]).ToList();
        var want = expected.Select(g => g.Where(p => inConv.Contains(p) && stable.Contains(p)).Order().ToList()).OrderBy(g => g[0]).ToList();
        Assert.Equal(want.Count, actual.Count);
        for (var i = 0; i < want.Count; i++)
        {
            Assert.Equal(want[i], actual[i]);
        }
    }

    /// <summary>
    /// Participants whose Polis position is closer to their own group's centre than to any other by at least
    /// <paramref name="margin"/> map units: where Polis's own result is stable (a participant on the border moves
    /// with any change of the projection, including Polis's own base-cluster rounding).
    /// </summary>
    private static HashSet<int> StableParticipants(JsonElement root, double margin)
    {
        var bc = root.GetProperty("base-clusters");
        var ids = bc.GetProperty("id").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var members = bc.GetProperty("members").EnumerateArray().Select(e => e.EnumerateArray().Select(x => x.GetInt32()).ToList()).ToList();
        var xs = bc.GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var ys = bc.GetProperty("y").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var groups = root.GetProperty("group-clusters").EnumerateArray().ToList();
        var centers = groups.Select(g => (X: g.GetProperty("center")[0].GetDouble(), Y: g.GetProperty("center")[1].GetDouble())).ToList();
        var stable = new HashSet<int>();
        for (var i = 0; i < ids.Count; i++)
        {
            var own = groups.FindIndex(g => g.GetProperty("members").EnumerateArray().Any(b => b.GetInt32() == ids[i]));
            var dOwn = Math.Sqrt(Math.Pow(xs[i] - centers[own].X, 2) + Math.Pow(ys[i] - centers[own].Y, 2));
            var dOther = centers.Where((_, c) => c != own).Min(c => Math.Sqrt(Math.Pow(xs[i] - c.X, 2) + Math.Pow(ys[i] - c.Y, 2)));
            if (dOther - dOwn >= margin)
            {
                stable.UnionWith(members[i]);
            }
        }
        return stable;
    }

    private static Dictionary<int, (double X, double Y)> PolisCoordinates(JsonElement root)
    {
        var bc = root.GetProperty("base-clusters");
        var members = bc.GetProperty("members").EnumerateArray().Select(e => e.EnumerateArray().Select(x => x.GetInt32()).ToList()).ToList();
        var xs = bc.GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var ys = bc.GetProperty("y").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var result = new Dictionary<int, (double, double)>();
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i].Count == 1)
            {
                result[members[i][0]] = (xs[i], ys[i]);
            }
        }
        return result;
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
