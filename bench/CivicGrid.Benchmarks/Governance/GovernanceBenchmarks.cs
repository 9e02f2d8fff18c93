using BenchmarkDotNet.Attributes;
using CivicGrid.Governance.Budgeting;
using CivicGrid.Governance.Voting;

namespace CivicGrid.Benchmarks.Governance;

/// <summary>
/// Method of Equal Shares with add1 completion (exhaustive, integral, increment 1) on the Wieliczka 2023
/// green budget (6,586 voters, 64 projects); peer: the pure-Python exact implementation, ~3 min (PEERS.md).
/// And a 100,000-ballot tally of each voting rule.
/// </summary>
[MemoryDiagnoser]
[InProcess]
[WarmupCount(1)]
[IterationCount(5)]
public class GovernanceBenchmarks
{
    private ApprovalProfile _wieliczka = null!;
    private List<IReadOnlyList<int>> _ranked = null!;
    private List<IReadOnlyList<int>> _approvals = null!;
    private List<int> _single = null!;
    private List<IReadOnlyList<int>> _quadratic = null!;

    [GlobalSetup]
    public void Setup()
    {
        var data = Environment.GetEnvironmentVariable("CIVICGRID_DATA") ?? Path.Combine(FindRoot(), "..", "shared", "data");
        _wieliczka = ApprovalProfile.FromElection(PabulibReader.ReadFile(Path.Combine(data, "governance", "equalshares", "poland_wieliczka_2023_green-budget.pb")));
        var rng = new Random(42);
        const int ballots = 100_000, options = 8;
        _single = Enumerable.Range(0, ballots).Select(_ => rng.Next(options)).ToList();
        _approvals = Enumerable.Range(0, ballots).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, options).Where(_ => rng.NextDouble() < 0.3).ToList()).ToList();
        _ranked = Enumerable.Range(0, ballots).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, options).OrderBy(_ => rng.Next()).Take(1 + rng.Next(options)).ToList()).ToList();
        _quadratic = Enumerable.Range(0, ballots).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, options).Select(_ => rng.Next(-3, 4)).ToList()).ToList();
    }

    [Benchmark]
    public int EqualSharesAdd1Wieliczka() =>
        EqualSharesRule.Compute(_wieliczka, new EqualSharesOptions { Completion = EqualSharesCompletion.Add1, Exhaustive = true, Integral = true }).WinnerIndices.Count;

    [Benchmark]
    public int Tally100kSingleChoice() => VotingRules.SingleChoice(8, _single).Winners.Count;

    [Benchmark]
    public int Tally100kApproval() => VotingRules.Approval(8, _approvals).Winners.Count;

    [Benchmark]
    public int Tally100kInstantRunoff() => VotingRules.InstantRunoff(8, _ranked).Winners.Count;

    [Benchmark]
    public int Tally100kQuadratic() => VotingRules.Quadratic(8, _quadratic, 100).Winners.Count;

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CivicGrid.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? "/work/main";
    }
}
