using System.Globalization;
using System.Text.Json;
using CivicGrid.Governance.Budgeting;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Governance.Tests.Budgeting;

/// <summary>
/// Validation against the equalshares.net computation tool (its JavaScript worker, run by takahashim/equalshares'
/// fixture generators): js_reference.json (Wieliczka 2023 green budget) and pb_reference.json (Budapest,
/// Amsterdam West, Warszawa Bielany). Every configuration is enumerated; winners must match in selection
/// order exactly, total cost and the utility distribution exactly, the endowment as the same double, and the
/// average approved winners to 1e-12 relative.
/// </summary>
public class EqualSharesReferenceTests
{
    public static TheoryData<string> JsCases() => CaseNames("js_reference.json");

    public static TheoryData<string> PbCases() => CaseNames("pb_reference.json");

    [Theory]
    [MemberData(nameof(JsCases))]
    public void Wieliczka_outcome_matches_the_equalshares_tool(string caseName)
    {
        var reference = Load("js_reference.json").RootElement.GetProperty(caseName);
        var election = PabulibReader.ReadFile(ReferenceData.Require("governance/equalshares/poland_wieliczka_2023_green-budget.pb"));
        Check(election, reference);
    }

    [Theory]
    [MemberData(nameof(PbCases))]
    public void Pabulib_fixture_outcome_matches_the_equalshares_tool(string caseName)
    {
        var reference = Load("pb_reference.json").RootElement.GetProperty(caseName);
        var fixture = reference.GetProperty("fixture").GetString()!;
        var election = PabulibReader.ReadFile(ReferenceData.Require("governance/equalshares/pb/" + fixture));
        Check(election, reference);
    }

    private static void Check(PbElection election, JsonElement reference)
    {
        var options = ToOptions(reference.GetProperty("params"));
        if (reference.TryGetProperty("error", out var error))
        {
            var ex = Assert.Throws<EqualSharesTieException>(() => EqualSharesRule.Compute(election, options));
            foreach (var id in ex.TiedProjects)
            {
                Assert.Contains(id, error.GetString()!, StringComparison.Ordinal);
            }
            Assert.True(ex.TiedProjects.Count >= 2);
            return;
        }
        var expected = reference.GetProperty("result");
        var outcome = EqualSharesRule.Compute(election, options);
        var expectedWinners = expected.GetProperty("winners").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(expectedWinners, outcome.Winners);
        Assert.Equal(expected.GetProperty("totalCost").GetDouble(), outcome.TotalCost.ToDouble());
        Assert.Equal(expected.GetProperty("endowment").GetDouble(), outcome.Endowment!.Value.ToDouble());
        var dist = outcome.UtilityDistribution();
        var expectedDist = expected.GetProperty("utilityDistribution").EnumerateObject()
            .ToDictionary(p => int.Parse(p.Name, CultureInfo.InvariantCulture), p => p.Value.GetInt32());
        Assert.Equal(expectedDist.Count, dist.Length);
        foreach (var (k, v) in expectedDist)
        {
            Assert.Equal(v, dist[k]);
        }
        var avg = expected.GetProperty("avgApprovedProjects").GetDouble();
        Assert.True(Math.Abs(avg - outcome.AverageApprovedWinners) <= 1e-12 * avg, $"avg {outcome.AverageApprovedWinners} vs {avg}");
    }

    internal static EqualSharesOptions ToOptions(JsonElement p)
    {
        var add1 = p.GetProperty("add1options").EnumerateArray().Select(e => e.GetString()).ToList();
        return new EqualSharesOptions
        {
            Completion = p.GetProperty("completion").GetString() switch
            {
                "none" => EqualSharesCompletion.None,
                "add1" => EqualSharesCompletion.Add1,
                "add1u" => EqualSharesCompletion.Add1Utilitarian,
                "utilitarian" => EqualSharesCompletion.Utilitarian,
                var other => throw new InvalidOperationException("unknown completion " + other),
            },
            Exhaustive = add1.Contains("exhaustive"),
            Integral = add1.Contains("integral"),
            Increment = Fraction.FromInt64(p.GetProperty("increment").GetInt64()),
            TieBreaking = p.GetProperty("tieBreaking").EnumerateArray().Select(e => TieBreakingStep.Parse(e.GetString()!)).ToList(),
            Comparison = p.GetProperty("comparison").GetString() switch
            {
                "satisfaction" => OutcomeComparison.Satisfaction,
                "exclusionRatio" => OutcomeComparison.ExclusionRatio,
                _ => OutcomeComparison.None,
            },
        };
    }

    internal static JsonDocument Load(string name) =>
        JsonDocument.Parse(File.ReadAllText(ReferenceData.Require("governance/equalshares/" + name)));

    private static TheoryData<string> CaseNames(string file)
    {
        var data = new TheoryData<string>();
        var folder = ReferenceData.Folder;
        var path = folder is null ? null : Path.Combine(folder, "governance", "equalshares", file);
        if (path is null || !File.Exists(path))
        {
            data.Add("(reference data missing)");
            return data;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            data.Add(p.Name);
        }
        return data;
    }
}
