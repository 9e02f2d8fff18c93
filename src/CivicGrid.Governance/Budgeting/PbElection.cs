namespace CivicGrid.Governance.Budgeting;

/// <summary>Ballot kinds of the Pabulib format (<c>vote_type</c> in META).</summary>
public enum PbVoteType
{
    Approval,
    Cumulative,
    Scoring,
    Ordinal,
    ChooseOne,
}

/// <summary>A project of a participatory budget: identifier, exact cost, and every column of its row.</summary>
public sealed record PbProject(string Id, Fraction Cost, IReadOnlyDictionary<string, string> Fields)
{
    public string Name => Fields.TryGetValue("name", out var n) ? n : Id;
}

/// <summary>One ballot: the projects in the order written (a ranking for ordinal ballots) and, for
/// cumulative or scoring ballots, the points given to each.</summary>
public sealed record PbVote(string VoterId, IReadOnlyList<string> Projects, IReadOnlyList<Fraction>? Points, IReadOnlyDictionary<string, string> Fields);

/// <summary>A participatory-budgeting election as a Pabulib file holds it (META, PROJECTS, VOTES).</summary>
public sealed class PbElection
{
    public PbElection(
        IReadOnlyList<KeyValuePair<string, string>> meta,
        IReadOnlyList<string> projectColumns,
        IReadOnlyList<PbProject> projects,
        IReadOnlyList<string> voteColumns,
        IReadOnlyList<PbVote> votes,
        Fraction budget,
        PbVoteType voteType)
    {
        Meta = meta;
        ProjectColumns = projectColumns;
        Projects = projects;
        VoteColumns = voteColumns;
        Votes = votes;
        Budget = budget;
        VoteType = voteType;
    }

    /// <summary>META rows in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Meta { get; }

    public IReadOnlyList<string> ProjectColumns { get; }

    public IReadOnlyList<PbProject> Projects { get; }

    public IReadOnlyList<string> VoteColumns { get; }

    public IReadOnlyList<PbVote> Votes { get; }

    /// <summary>The budget limit (META <c>budget</c>).</summary>
    public Fraction Budget { get; }

    public PbVoteType VoteType { get; }

    public string? MetaValue(string key)
    {
        foreach (var kv in Meta)
        {
            if (string.Equals(kv.Key, key, StringComparison.Ordinal))
            {
                return kv.Value;
            }
        }
        return null;
    }

    public static string VoteTypeName(PbVoteType type) => type switch
    {
        PbVoteType.Approval => "approval",
        PbVoteType.Cumulative => "cumulative",
        PbVoteType.Scoring => "scoring",
        PbVoteType.Ordinal => "ordinal",
        PbVoteType.ChooseOne => "choose-1",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
