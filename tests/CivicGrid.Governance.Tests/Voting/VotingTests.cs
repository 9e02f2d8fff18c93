using System.Text;
using CivicGrid.Governance.Voting;
using Xunit;

namespace CivicGrid.Governance.Tests.Voting;

public class VotingTests
{
    [Fact]
    public void Instant_runoff_transfers_votes_until_a_majority()
    {
        // 0: 4 first preferences, 1: 3, 2: 2 (whose second choice is 1) -> 1 wins 5:4 after 2 is eliminated.
        var ballots = new List<IReadOnlyList<int>>();
        ballots.AddRange(Enumerable.Repeat<IReadOnlyList<int>>([0], 4));
        ballots.AddRange(Enumerable.Repeat<IReadOnlyList<int>>([1, 0], 3));
        ballots.AddRange(Enumerable.Repeat<IReadOnlyList<int>>([2, 1], 2));
        var t = VotingRules.InstantRunoff(3, ballots);
        Assert.Equal(new[] { 1 }, t.Winners);
        Assert.Equal(2, t.Rounds!.Count);
        Assert.Equal(5, t.Scores[1]);
    }

    [Fact]
    public void Plurality_and_approval_count_and_reject_invalid_ballots()
    {
        var single = VotingRules.SingleChoice(3, [0, 1, 1, 7]);
        Assert.Equal(new[] { 1 }, single.Winners);
        Assert.Equal(1, single.RejectedBallots);
        var approval = VotingRules.Approval(3, [[0, 2], [2], [1, 1]]);
        Assert.Equal(new[] { 2 }, approval.Winners);
        Assert.Equal(1, approval.RejectedBallots);
    }

    [Fact]
    public void Quadratic_ballot_over_the_credit_budget_is_rejected()
    {
        var t = VotingRules.Quadratic(2, [[3, 0], [4, 1], [-1, 2]], 9);
        Assert.Equal(1, t.RejectedBallots);
        Assert.Equal(new long[] { 2, 2 }, t.Scores);
        Assert.Equal(17, VotingRules.QuadraticCost([4, 1]));
    }

    private static BallotBox<int> Box(int residents) =>
        new("vote-1", Enumerable.Range(0, residents).Select(i => "r" + i).ToHashSet(), b => Encoding.UTF8.GetBytes(b.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_resident_cannot_vote_twice_even_concurrently()
    {
        var box = Box(10);
        var accepted = 0;
        Parallel.For(0, 64, i =>
        {
            try
            {
                box.Cast("r" + (i % 10), i % 3);
                Interlocked.Increment(ref accepted);
            }
            catch (BallotRejectedException)
            {
            }
        });
        Assert.Equal(10, accepted);
        Assert.Equal(10, box.Commitments.Count);
    }

    [Fact]
    public void Ballots_are_secret_until_close_and_receipts_prove_inclusion()
    {
        var box = Box(3);
        var receipt = box.Cast("r0", 2);
        box.Cast("r1", 1);
        Assert.Throws<BallotRejectedException>(() => box.RevealBallots());
        Assert.Throws<BallotRejectedException>(() => box.Cast("stranger", 1));
        Assert.True(box.Includes(receipt));
        Assert.True(BallotCommitment.Verify(receipt, Encoding.UTF8.GetBytes("2")));
        Assert.False(BallotCommitment.Verify(receipt, Encoding.UTF8.GetBytes("1")));
        var forged = receipt with { Commitment = BallotCommitment.Compute(receipt.Nonce, Encoding.UTF8.GetBytes("1")) };
        Assert.False(box.Includes(forged));
        var tally = box.Close(b => VotingRules.SingleChoice(3, b));
        Assert.Equal(2, tally.CountedBallots);
        Assert.Equal(new[] { 2, 1 }, box.RevealBallots());
    }

    [Fact]
    public void A_closed_tally_cannot_be_changed()
    {
        var box = Box(2);
        box.Cast("r0", 0);
        var first = box.Close(b => VotingRules.SingleChoice(2, b));
        Assert.Throws<BallotRejectedException>(() => box.Cast("r1", 1));
        var again = box.Close(_ => VotingRules.SingleChoice(2, [1, 1, 1]));
        Assert.Same(first, again);
        Assert.Throws<BallotRejectedException>(() => box.OverrideTally(VotingRules.SingleChoice(2, [1]), "operator-7"));
        Assert.Equal(new[] { 0 }, box.Result.Winners);
    }
}
