namespace CivicGrid.Governance.Issues;

/// <summary>What a local issue is about.</summary>
public enum IssueCategory
{
    Mobility,
    Medical,
    Shopping,
    Housework,
    Care,
    Childcare,
    Energy,
    Water,
    Other,
}

/// <summary>Life cycle of an issue: open for support, then the operator's accountability states (as Decidim's).</summary>
public enum IssueStatus
{
    Open,
    Planned,
    InProgress,
    Done,
    Declined,
}

public enum ActorRole
{
    Resident,
    Moderator,
    Operator,
}

/// <summary>Who acts: a verified account and its role.</summary>
public sealed record Actor(string Id, ActorRole Role);

/// <summary>A place on the map (WGS 84 degrees).</summary>
public readonly record struct GeoPoint(double LatitudeDegrees, double LongitudeDegrees)
{
    public static GeoPoint Create(double latitudeDegrees, double longitudeDegrees)
    {
        if (!(latitudeDegrees is >= -90 and <= 90) || !(longitudeDegrees is >= -180 and <= 180))
        {
            throw new IssueRuleException($"({latitudeDegrees}, {longitudeDegrees}) is not a valid latitude/longitude");
        }
        return new GeoPoint(latitudeDegrees, longitudeDegrees);
    }
}

public sealed record IssueComment(string AuthorId, string Text, DateTimeOffset At);

/// <summary>One line of an issue's audit trail: who did what, why, when.</summary>
public sealed record AuditEntry(DateTimeOffset At, string ActorId, ActorRole Role, string Action, string? Reason);

/// <summary>A rule of the participation platform was broken (bad input or a forbidden action).</summary>
public sealed class IssueRuleException : InvalidOperationException
{
    public IssueRuleException(string message)
        : base(message)
    {
    }

    public IssueRuleException()
    {
    }

    public IssueRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A local problem a resident raised. Residents comment on and support it (once each); moderators hide or
/// restore it, always with a reason; operators move it through planned → in progress → done (or decline it,
/// with a reason). Every state change is in the audit trail. Time is passed in, never read from the clock.
/// </summary>
public sealed class Issue
{
    public const int MaxTitleLength = 200;
    public const int ReportsToHide = 3;

    private readonly HashSet<string> _supporters = new(StringComparer.Ordinal);
    private readonly List<(string ResidentId, DateTimeOffset At)> _supports = [];
    private readonly List<IssueComment> _comments = [];
    private readonly List<AuditEntry> _audit = [];
    private readonly HashSet<string> _reporters = new(StringComparer.Ordinal);

    private Issue(string id, string title, string description, IssueCategory category, string regionId, GeoPoint location, string authorId, DateTimeOffset createdAt)
    {
        Id = id;
        Title = title;
        Description = description;
        Category = category;
        RegionId = regionId;
        Location = location;
        AuthorId = authorId;
        CreatedAt = createdAt;
    }

    public string Id { get; }

    public string Title { get; }

    public string Description { get; }

    public IssueCategory Category { get; }

    public string RegionId { get; }

    public GeoPoint Location { get; }

    public string AuthorId { get; }

    public DateTimeOffset CreatedAt { get; }

    public IssueStatus Status { get; private set; } = IssueStatus.Open;

    /// <summary>Hidden by moderation (or by reports awaiting review): not listed, cannot be supported or commented.</summary>
    public bool IsHidden { get; private set; }

    public int SupportCount => _supporters.Count;

    public IReadOnlyList<(string ResidentId, DateTimeOffset At)> Supports => _supports;

    public IReadOnlyList<IssueComment> Comments => _comments;

    public IReadOnlyList<AuditEntry> AuditTrail => _audit;

    public static Issue Post(string id, Actor author, string title, string description, IssueCategory category, string regionId, GeoPoint location, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(author);
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new IssueRuleException("an issue needs an id");
        }
        if (author.Role != ActorRole.Resident)
        {
            throw new IssueRuleException("issues are posted by residents");
        }
        if (string.IsNullOrWhiteSpace(title) || title.Trim().Length > MaxTitleLength)
        {
            throw new IssueRuleException($"a title must have 1 to {MaxTitleLength} characters");
        }
        if (string.IsNullOrWhiteSpace(regionId))
        {
            throw new IssueRuleException("an issue belongs to a region");
        }
        var issue = new Issue(id, title.Trim(), description?.Trim() ?? string.Empty, category, regionId, location, author.Id, at);
        issue._audit.Add(new AuditEntry(at, author.Id, author.Role, "posted", null));
        return issue;
    }

    /// <summary>Adds a resident's support; false if they already support it.</summary>
    public bool Support(Actor resident, DateTimeOffset at)
    {
        RequireVisibleTo(resident, ActorRole.Resident, "support");
        if (Status is IssueStatus.Done or IssueStatus.Declined)
        {
            throw new IssueRuleException("a closed issue cannot gather support");
        }
        if (!_supporters.Add(resident.Id))
        {
            return false;
        }
        _supports.Add((resident.Id, at));
        return true;
    }

    public bool WithdrawSupport(Actor resident)
    {
        ArgumentNullException.ThrowIfNull(resident);
        if (!_supporters.Remove(resident.Id))
        {
            return false;
        }
        _supports.RemoveAll(s => s.ResidentId == resident.Id);
        return true;
    }

    public void Comment(Actor author, string text, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(author);
        RequireVisibleTo(author, author.Role, "comment on");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new IssueRuleException("a comment cannot be empty");
        }
        _comments.Add(new IssueComment(author.Id, text.Trim(), at));
    }

    /// <summary>A resident flags the issue; after <see cref="ReportsToHide"/> distinct reports it is hidden until a moderator reviews it.</summary>
    public void Report(Actor resident, string reason, DateTimeOffset at)
    {
        RequireVisibleTo(resident, ActorRole.Resident, "report");
        RequireReason(reason);
        if (!_reporters.Add(resident.Id))
        {
            return;
        }
        _audit.Add(new AuditEntry(at, resident.Id, resident.Role, "reported", reason.Trim()));
        if (_reporters.Count >= ReportsToHide)
        {
            IsHidden = true;
            _audit.Add(new AuditEntry(at, "system", ActorRole.Moderator, "hidden pending review", $"{_reporters.Count} reports"));
        }
    }

    public void Hide(Actor moderator, string reason, DateTimeOffset at)
    {
        RequireRole(moderator, ActorRole.Moderator, "hide");
        RequireReason(reason);
        IsHidden = true;
        _audit.Add(new AuditEntry(at, moderator.Id, moderator.Role, "hidden", reason.Trim()));
    }

    /// <summary>Restores a hidden issue. A moderator cannot overturn their own hiding: another moderator must review it.</summary>
    public void Restore(Actor moderator, string reason, DateTimeOffset at)
    {
        RequireRole(moderator, ActorRole.Moderator, "restore");
        RequireReason(reason);
        if (!IsHidden)
        {
            throw new IssueRuleException("the issue is not hidden");
        }
        var lastHide = _audit.LastOrDefault(a => a.Action == "hidden");
        if (lastHide is not null && lastHide.ActorId == moderator.Id)
        {
            throw new IssueRuleException("another moderator must review a hiding");
        }
        IsHidden = false;
        _reporters.Clear();
        _audit.Add(new AuditEntry(at, moderator.Id, moderator.Role, "restored", reason.Trim()));
    }

    /// <summary>Operator accountability: Open → Planned → InProgress → Done, or Declined (with reason) before Done.</summary>
    public void SetStatus(Actor operatorActor, IssueStatus next, string? note, DateTimeOffset at)
    {
        RequireRole(operatorActor, ActorRole.Operator, "change the status of");
        if (!IsAllowedTransition(Status, next))
        {
            throw new IssueRuleException($"an issue cannot go from {Status} to {next}");
        }
        if (next == IssueStatus.Declined)
        {
            RequireReason(note);
        }
        if (IsHidden)
        {
            throw new IssueRuleException("a hidden issue must be reviewed by moderation first");
        }
        _audit.Add(new AuditEntry(at, operatorActor.Id, operatorActor.Role, $"status {Status} -> {next}", note?.Trim()));
        Status = next;
    }

    /// <summary>The accountability steps an operator may take: Open → Planned → InProgress → Done, or Declined before Done.</summary>
    public static bool IsAllowedTransition(IssueStatus from, IssueStatus to) => (from, to) switch
    {
        (IssueStatus.Open, IssueStatus.Planned) => true,
        (IssueStatus.Planned, IssueStatus.InProgress) => true,
        (IssueStatus.InProgress, IssueStatus.Done) => true,
        (IssueStatus.Open or IssueStatus.Planned or IssueStatus.InProgress, IssueStatus.Declined) => true,
        _ => false,
    };

    /// <summary>Trending score of supports and comments at the given times (see <see cref="TrendingScore(DateTimeOffset)"/>).</summary>
    public static double TrendingScore(IEnumerable<DateTimeOffset> supports, IEnumerable<DateTimeOffset> comments, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(supports);
        ArgumentNullException.ThrowIfNull(comments);
        return supports.Sum(at => Decay(now - at)) + comments.Sum(at => 0.5 * Decay(now - at));
    }

    /// <summary>Trending score at <paramref name="now"/>: supports and comments of the last week, newer ones weighing more (half-life one day).</summary>
    public double TrendingScore(DateTimeOffset now)
    {
        double score = 0;
        foreach (var (_, at) in _supports)
        {
            score += Decay(now - at);
        }
        foreach (var c in _comments)
        {
            score += 0.5 * Decay(now - c.At);
        }
        return score;
    }

    private static double Decay(TimeSpan age) =>
        age < TimeSpan.Zero || age > TimeSpan.FromDays(7) ? 0 : Math.Pow(0.5, age.TotalDays);

    private void RequireVisibleTo(Actor actor, ActorRole role, string action)
    {
        RequireRole(actor, role, action);
        if (IsHidden)
        {
            throw new IssueRuleException($"a hidden issue cannot be used to {action}");
        }
    }

    private static void RequireRole(Actor actor, ActorRole role, string action)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Role != role)
        {
            throw new IssueRuleException($"only a {role.ToString().ToLowerInvariant()} can {action} an issue");
        }
    }

    private static void RequireReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new IssueRuleException("a reason is required");
        }
    }
}
