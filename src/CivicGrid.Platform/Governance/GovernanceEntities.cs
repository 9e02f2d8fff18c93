namespace CivicGrid.Platform.Governance;

/// <summary>
/// A resident's home region for participation: fixed the first time they take part (or taken from their
/// household), so one account takes part in one region's votes and budgets.
/// </summary>
public class ParticipantEntity
{
    public required string UserId { get; set; }

    public required string RegionId { get; set; }

    public DateTimeOffset JoinedAt { get; set; }
}

/// <summary>A local problem a resident raised (the engine's <c>Issue</c>, stored).</summary>
public class IssueEntity
{
    public Guid Id { get; set; }

    public required string RegionId { get; set; }

    public required string Category { get; set; }

    public required string Title { get; set; }

    public string Description { get; set; } = "";

    public double LatitudeDegrees { get; set; }

    public double LongitudeDegrees { get; set; }

    public required string AuthorId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string Status { get; set; }

    public bool IsHidden { get; set; }

    /// <summary>Concurrency token, refreshed on every change of status or moderation.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>One resident's support of an issue; the key (issue, resident) makes a second support impossible.</summary>
public class IssueSupportEntity
{
    public Guid IssueId { get; set; }

    public required string ResidentId { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>A resident's report of an issue to moderation (once per resident).</summary>
public class IssueReportEntity
{
    public Guid IssueId { get; set; }

    public required string ResidentId { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset At { get; set; }
}

public class IssueCommentEntity
{
    public Guid Id { get; set; }

    public Guid IssueId { get; set; }

    public required string AuthorId { get; set; }

    public required string Text { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Hidden by moderation (or by three reports pending review); the text is then shown only to moderators and the author.</summary>
    public bool IsHidden { get; set; }
}

/// <summary>A resident's report of a comment to moderation (once per resident).</summary>
public class CommentReportEntity
{
    public Guid CommentId { get; set; }

    public required string ResidentId { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>One line of an issue's audit trail (posting, reports, moderation, accountability states).</summary>
public class IssueAuditEntity
{
    public long Id { get; set; }

    public Guid IssueId { get; set; }

    public DateTimeOffset At { get; set; }

    public required string ActorId { get; set; }

    public required string Role { get; set; }

    public required string Action { get; set; }

    public string? Reason { get; set; }
}

/// <summary>A studio scenario a resident shared on an issue ("this would give me back 40 min/day").</summary>
public class IssueScenarioEntity
{
    public Guid Id { get; set; }

    public Guid IssueId { get; set; }

    public required string ResidentId { get; set; }

    /// <summary>Technologies of the scenario as the studio names them, e.g. <c>telework:2,housework-robot</c>.</summary>
    public required string Technologies { get; set; }

    public required string Preset { get; set; }

    public double GrossSavedMinutesPerDay { get; set; }

    public double FreeGainedMinutesPerDay { get; set; }

    public double DisposableBeforeMinutes { get; set; }

    public double DisposableAfterMinutes { get; set; }

    public string Note { get; set; } = "";

    public DateTimeOffset At { get; set; }
}

/// <summary>A proposal vote of a region: single choice, approval, ranked (instant runoff) or quadratic.</summary>
public class VoteEntity
{
    public Guid Id { get; set; }

    public required string RegionId { get; set; }

    public required string Title { get; set; }

    public required string Method { get; set; }

    /// <summary>JSON array of option labels.</summary>
    public required string OptionsJson { get; set; }

    /// <summary>Credits per resident for quadratic votes (0 otherwise).</summary>
    public int CreditBudget { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>JSON of the tally, set once at close.</summary>
    public string? ResultJson { get; set; }

    public Guid? DecisionId { get; set; }

    /// <summary>When the platform closes and counts the vote on its own (platform clock); null: an operator closes it.</summary>
    public DateTimeOffset? ClosesAt { get; set; }

    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>A participatory budget of a region: proposals, then ballots, then a tally.</summary>
public class BudgetEntity
{
    public Guid Id { get; set; }

    public required string RegionId { get; set; }

    public required string Title { get; set; }

    /// <summary>The money to distribute, in whole currency units.</summary>
    public long Amount { get; set; }

    /// <summary><c>mes</c> or <c>greedy</c>.</summary>
    public required string Rule { get; set; }

    public int MinProjects { get; set; }

    public int? MaxProjects { get; set; }

    public decimal ThresholdPercent { get; set; }

    /// <summary><c>proposals</c>, <c>voting</c> or <c>closed</c>.</summary>
    public required string Phase { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public string? ResultJson { get; set; }

    /// <summary>The published ballots (a Pabulib file) whose digest the decision record holds.</summary>
    public string? BallotsFile { get; set; }

    public Guid? DecisionId { get; set; }

    /// <summary><c>approval</c>, <c>cumulative</c> or <c>ordinal</c>.</summary>
    public string BallotKind { get; set; } = "approval";

    /// <summary>Points each voter distributes on a cumulative ballot (0 for other kinds).</summary>
    public int PointsPerVoter { get; set; }

    /// <summary>When the platform closes and tallies the ballot on its own (platform clock); null: an operator closes it.</summary>
    public DateTimeOffset? ClosesAt { get; set; }

    /// <summary>JSON of an administrator's override of the outcome (selection, reason, actor, decision), null when none.</summary>
    public string? OverrideJson { get; set; }

    /// <summary>Where the budget came from when not created on the platform (e.g. an uploaded Pabulib file's name).</summary>
    public string? Source { get; set; }

    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>A project proposed for a budget; <see cref="Number"/> is its project id in the published ballots.</summary>
public class ProposalEntity
{
    public Guid Id { get; set; }

    public Guid BudgetId { get; set; }

    public int Number { get; set; }

    public required string Title { get; set; }

    public string Description { get; set; } = "";

    public long Cost { get; set; }

    public required string AuthorId { get; set; }

    /// <summary>The local issue the project answers, if any.</summary>
    public Guid? IssueId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A secret ballot of a vote or a budget (the contest id). The key (contest, resident) makes a second ballot
/// impossible, also under concurrent requests. The content is never served before the contest closes.
/// </summary>
public class BallotEntity
{
    public Guid ContestId { get; set; }

    public required string ResidentId { get; set; }

    /// <summary>The ballot as canonical JSON (an array of integers: options or proposal numbers).</summary>
    public required string BallotJson { get; set; }

    /// <summary>Hex SHA-256 commitment over nonce and ballot (the voter keeps the nonce).</summary>
    public required string Commitment { get; set; }

    public DateTimeOffset CastAt { get; set; }

    /// <summary>Index of the commitment's entry in the region's transparency log (null for imported ballots).</summary>
    public long? LogIndex { get; set; }

    /// <summary>The ledger receipt of that entry (checkpoint and inclusion proof).</summary>
    public string? LedgerReceipt { get; set; }
}

/// <summary>A short statement of a region's opinion map.</summary>
public class StatementEntity
{
    public int Id { get; set; }

    public required string RegionId { get; set; }

    public required string Text { get; set; }

    public required string AuthorId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public bool IsHidden { get; set; }
}

/// <summary>A resident's agree (1), disagree (−1) or pass (0) on a statement; the latest counts.</summary>
public class OpinionEntity
{
    public int StatementId { get; set; }

    public required string ResidentId { get; set; }

    public int Value { get; set; }

    public DateTimeOffset At { get; set; }
}
