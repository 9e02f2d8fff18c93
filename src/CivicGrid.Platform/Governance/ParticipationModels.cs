using CivicGrid.Governance.Issues;
using CivicGrid.Platform.Decisions;

namespace CivicGrid.Platform.Governance;

/// <summary>Why a participation request was refused; the server maps it to a status code.</summary>
public enum ParticipationErrorKind
{
    Invalid,
    NotFound,
    Forbidden,
    Conflict,
}

/// <summary>A participation request that breaks a rule (bad input, wrong role or region, a second ballot…).</summary>
public sealed class ParticipationException : Exception
{
    public ParticipationException(ParticipationErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public ParticipationException(ParticipationErrorKind kind, string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public ParticipationException()
    {
    }

    public ParticipationException(string message)
        : base(message)
    {
    }

    public ParticipationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ParticipationErrorKind Kind { get; }

    /// <summary>Extra members for the problem details (e.g. the file, line and column of a malformed upload).</summary>
    public IReadOnlyDictionary<string, object?>? Details { get; init; }
}

/// <summary>What a signed-in account may do in participation.</summary>
/// <param name="UserId">The account.</param>
/// <param name="DisplayName">Its name in the UI.</param>
/// <param name="IsResident">Residents raise, support, vote and propose.</param>
/// <param name="HomeRegion">The region a resident takes part in (null until chosen).</param>
/// <param name="IsAdministrator">Administrators moderate everywhere.</param>
/// <param name="OperatorRegions">Regions an operator moderates and runs votes in.</param>
public sealed record ParticipantAccess(
    string UserId,
    string DisplayName,
    bool IsResident,
    string? HomeRegion,
    bool IsAdministrator,
    IReadOnlyList<string> OperatorRegions)
{
    public bool CanModerate(string regionId) => IsAdministrator || OperatorRegions.Contains(regionId, StringComparer.Ordinal);
}

/// <summary>A new local issue as a resident states it.</summary>
public sealed record NewIssue(string Title, string Description, IssueCategory Category, double LatitudeDegrees, double LongitudeDegrees, string? RegionId = null);

/// <summary>Filters of the issue list; <see cref="Sort"/> is <c>trending</c>, <c>supports</c> or <c>newest</c>.</summary>
public sealed record IssueQuery(string? RegionId = null, IssueCategory? Category = null, string? Search = null, IssueStatus? Status = null, string Sort = "trending", int Take = 100);

public sealed record IssueSummary(
    Guid Id,
    string Title,
    IssueCategory Category,
    string RegionId,
    IssueStatus Status,
    bool IsHidden,
    int Supports,
    int Comments,
    double LatitudeDegrees,
    double LongitudeDegrees,
    DateTimeOffset CreatedAt,
    double TrendingScore);

/// <summary>A comment; a hidden one keeps its text only for moderators and its author.</summary>
public sealed record IssueCommentView(string AuthorName, string Text, DateTimeOffset At, Guid Id = default, bool IsHidden = false);

public sealed record IssueAuditView(DateTimeOffset At, string ActorName, string Role, string Action, string? Reason);

/// <summary>A studio scenario shared on an issue.</summary>
public sealed record IssueScenarioView(
    string ResidentName,
    string Technologies,
    string Preset,
    double GrossSavedMinutesPerDay,
    double FreeGainedMinutesPerDay,
    double DisposableBeforeMinutes,
    double DisposableAfterMinutes,
    string Note,
    DateTimeOffset At);

public sealed record IssueDetail(
    IssueSummary Summary,
    string Description,
    string AuthorName,
    bool SupportedByViewer,
    bool CanModerate,
    IReadOnlyList<IssueCommentView> CommentList,
    IReadOnlyList<IssueAuditView> AuditTrail,
    IReadOnlyList<IssueScenarioView> Scenarios);

/// <summary>A studio result a resident shares on an issue.</summary>
public sealed record ScenarioShare(
    string Technologies,
    string Preset,
    double GrossSavedMinutesPerDay,
    double FreeGainedMinutesPerDay,
    double DisposableBeforeMinutes,
    double DisposableAfterMinutes,
    string? Note);

/// <summary>Counting methods of proposal votes.</summary>
public enum VoteMethod
{
    SingleChoice,
    Approval,
    RankedChoice,
    Quadratic,
}

/// <summary>A new proposal vote; with <paramref name="ClosesAt"/> the platform closes and counts it at that time.</summary>
public sealed record NewVote(string RegionId, string Title, VoteMethod Method, IReadOnlyList<string> Options, int CreditBudget = 0, DateTimeOffset? ClosesAt = null);

/// <summary>What a voter keeps: the published commitment and the secret nonce that opens it.</summary>
/// <remarks><see cref="LogIndex"/> and <see cref="LedgerReceipt"/> prove the commitment is in the region's transparency log.</remarks>
public sealed record BallotReceiptView(Guid ContestId, string Commitment, string Nonce, DateTimeOffset CastAt, long? LogIndex = null, string? LedgerReceipt = null);

/// <summary>The result of a closed contest: the tally or selection and the decision record's receipt.</summary>
public sealed record ContestDecision(Guid DecisionId, long LogIndex, string InputDigest, string Receipt, string CanonicalJson)
{
    public static ContestDecision From(DecisionReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return new ContestDecision(receipt.Record.Id, receipt.LogIndex, receipt.Record.InputDigest, receipt.Receipt, receipt.CanonicalJson);
    }
}

public sealed record VoteTallyView(IReadOnlyList<long> Scores, IReadOnlyList<int> Winners, int CountedBallots, int RejectedBallots, IReadOnlyList<IReadOnlyList<long>>? Rounds);

public sealed record VoteView(
    Guid Id,
    string RegionId,
    string Title,
    VoteMethod Method,
    IReadOnlyList<string> Options,
    int CreditBudget,
    bool IsClosed,
    int BallotCount,
    bool ViewerHasVoted,
    IReadOnlyList<string> Commitments,
    VoteTallyView? Tally,
    string? PublishedBallots,
    ContestDecision? Decision,
    DateTimeOffset? ClosesAt = null,
    IReadOnlyList<long?>? CommitmentLogIndexes = null);

/// <summary>Phases of a participatory budget.</summary>
public enum BudgetPhase
{
    Proposals,
    Voting,
    Closed,
}

/// <summary>
/// A new participatory budget. <paramref name="BallotKind"/> is <c>approval</c>, <c>cumulative</c> (each voter spreads
/// <paramref name="PointsPerVoter"/> points) or <c>ordinal</c> (each voter ranks projects); with <paramref name="ClosesAt"/>
/// the platform closes and tallies the ballot at that time.
/// </summary>
public sealed record NewBudget(string RegionId, string Title, long Amount, string Rule = "mes", int MinProjects = 0, int? MaxProjects = null, decimal ThresholdPercent = 0,
    string BallotKind = "approval", int PointsPerVoter = 0, DateTimeOffset? ClosesAt = null);

/// <summary>An administrator's override of a closed budget's outcome: the selection that applies, why, by whom, and its decision record.</summary>
public sealed record BudgetOverrideView(IReadOnlyList<int> Selected, long TotalCost, string Reason, string ActorName, DateTimeOffset At, ContestDecision Decision);

public sealed record NewProposal(string Title, string Description, long Cost, Guid? IssueId = null);

public sealed record ProposalView(Guid Id, int Number, string Title, string Description, long Cost, string AuthorName, Guid? IssueId, int? Approvals);

/// <summary>A winning project and what the viewer (when they voted for it) pays towards it under MES.</summary>
public sealed record BudgetWinnerView(int Number, string Title, long Cost, int Approvals, int Payers, string? ViewerShare);

public sealed record BudgetResultView(
    string Rule,
    IReadOnlyList<BudgetWinnerView> Winners,
    long TotalCost,
    string? EndowmentPerVoter,
    int Ballots,
    string Explanation);

public sealed record BudgetView(
    Guid Id,
    string RegionId,
    string Title,
    long Amount,
    string Rule,
    int MinProjects,
    int? MaxProjects,
    decimal ThresholdPercent,
    BudgetPhase Phase,
    IReadOnlyList<ProposalView> Proposals,
    int BallotCount,
    bool ViewerHasVoted,
    IReadOnlyList<string> Commitments,
    BudgetResultView? Result,
    ContestDecision? Decision,
    string BallotKind = "approval",
    int PointsPerVoter = 0,
    DateTimeOffset? ClosesAt = null,
    BudgetOverrideView? Override = null,
    string? Source = null,
    IReadOnlyList<long?>? CommitmentLogIndexes = null);

public sealed record StatementView(int Id, string Text, int Agree, int Disagree, int Pass, int? ViewerVote);

public sealed record OpinionPoint(int Participant, double X, double Y, int Group, bool IsViewer);

public sealed record OpinionMapView(
    string RegionId,
    IReadOnlyList<StatementView> Statements,
    IReadOnlyList<OpinionPoint> Points,
    int Groups,
    IReadOnlyList<int> ConsensusStatements,
    string? Note);
