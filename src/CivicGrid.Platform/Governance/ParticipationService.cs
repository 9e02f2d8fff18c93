using CivicGrid.Governance.Issues;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Platform.Governance;

/// <summary>
/// Citizen participation on the platform database: local issues (support once per resident, comments, reports,
/// moderation with reasons and an audit trail, accountability states), proposal votes and participatory budgets
/// (one secret ballot per resident, tallies recorded as decision records), and the opinion map. Residents act in
/// their home region; operators of a region (and administrators) moderate and run its votes.
/// </summary>
public sealed partial class ParticipationService(
    IDbContextFactory<GovernanceDbContext> contexts,
    PlatformDbContext platform,
    UserManager<PlatformUser> users,
    IDecisionLog decisions,
    ITransparencyLogs logs,
    TimeProvider time)
{
    private const int ReportsToHide = CivicGrid.Governance.Issues.Issue.ReportsToHide;

    /// <summary>Who the account is for participation: roles, home region, moderated regions.</summary>
    public async Task<ParticipantAccess> AccessAsync(string userId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var user = await users.FindByIdAsync(userId) ?? throw new ParticipationException(ParticipationErrorKind.Forbidden, "unknown account");
        var roles = await users.GetRolesAsync(user);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var home = await db.Participants.AsNoTracking().Where(p => p.UserId == userId).Select(p => p.RegionId).FirstOrDefaultAsync(ct);
        if (home is null && user.HouseholdId is { } household)
        {
            home = await platform.Households.AsNoTracking().Where(h => h.Id == household).Select(h => h.RegionId).FirstOrDefaultAsync(ct);
        }
        var operatorRegions = roles.Contains(PlatformRoles.Operator)
            ? await platform.OperatorRegionScopes.AsNoTracking().Where(s => s.UserId == userId).Select(s => s.RegionId).OrderBy(r => r).ToListAsync(ct)
            : [];
        return new ParticipantAccess(userId, user.DisplayName ?? user.UserName ?? userId, roles.Contains(PlatformRoles.Resident), home,
            roles.Contains(PlatformRoles.Administrator), operatorRegions);
    }

    /// <summary>
    /// Fixes a resident's home region. A resident whose household is known takes part in its region; any other
    /// resident chooses once, and the choice cannot be changed afterwards (one account, one region's ballots).
    /// </summary>
    public async Task<string> JoinRegionAsync(string userId, string regionId, CancellationToken ct)
    {
        var access = await AccessAsync(userId, ct);
        RequireResident(access);
        await RequireRegionAsync(regionId, ct);
        if (access.HomeRegion is { } home)
        {
            return home == regionId
                ? home
                : throw new ParticipationException(ParticipationErrorKind.Conflict, $"you take part in region '{home}'; the home region cannot be changed");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Participants.Add(new ParticipantEntity { UserId = userId, RegionId = regionId, JoinedAt = time.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent request chose first: report what is stored.
            return (await AccessAsync(userId, ct)).HomeRegion ?? regionId;
        }
        return regionId;
    }

    public async Task<Guid> RaiseIssueAsync(string userId, NewIssue issue, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var access = await AccessAsync(userId, ct);
        RequireResident(access);
        var region = access.HomeRegion ?? (issue.RegionId is { } chosen ? await JoinRegionAsync(userId, chosen, ct) : null)
            ?? throw new ParticipationException(ParticipationErrorKind.Invalid, "choose your region first");
        if (issue.RegionId is { } asked && asked != region)
        {
            throw new ParticipationException(ParticipationErrorKind.Forbidden, $"residents raise issues in their own region ('{region}')");
        }
        if (!Enum.IsDefined(issue.Category))
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "unknown category");
        }
        var id = Guid.NewGuid();
        var now = time.GetUtcNow();
        Issue posted;
        try
        {
            // The engine checks the rules of a new issue (title length, region, valid map point).
            posted = Issue.Post(id.ToString("N"), new Actor(userId, ActorRole.Resident), issue.Title, issue.Description ?? "", issue.Category, region,
                GeoPoint.Create(issue.LatitudeDegrees, issue.LongitudeDegrees), now);
        }
        catch (IssueRuleException ex)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, ex.Message);
        }
        if (posted.Description.Length > 4000)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "a description has at most 4000 characters");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Issues.Add(new IssueEntity
        {
            Id = id,
            RegionId = region,
            Category = posted.Category.ToString(),
            Title = posted.Title,
            Description = posted.Description,
            LatitudeDegrees = posted.Location.LatitudeDegrees,
            LongitudeDegrees = posted.Location.LongitudeDegrees,
            AuthorId = userId,
            CreatedAt = now,
            Status = nameof(IssueStatus.Open),
        });
        db.Audit.Add(Audit(id, now, userId, "resident", "posted", null));
        await db.SaveChangesAsync(ct);
        return id;
    }

    /// <summary>Visible issues (moderators of a region also see its hidden ones), filtered and sorted.</summary>
    public async Task<IReadOnlyList<IssueSummary>> ListIssuesAsync(string userId, IssueQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var issues = db.Issues.AsNoTracking();
        if (query.RegionId is { Length: > 0 } region)
        {
            issues = issues.Where(i => i.RegionId == region);
        }
        if (query.Category is { } category)
        {
            var name = category.ToString();
            issues = issues.Where(i => i.Category == name);
        }
        if (query.Status is { } status)
        {
            var name = status.ToString();
            issues = issues.Where(i => i.Status == name);
        }
        var rows = await issues.ToListAsync(ct);
        if (query.Search is { Length: > 0 } search)
        {
            rows = [.. rows.Where(i => i.Title.Contains(search, StringComparison.OrdinalIgnoreCase) || i.Description.Contains(search, StringComparison.OrdinalIgnoreCase))];
        }
        rows = [.. rows.Where(i => !i.IsHidden || access.CanModerate(i.RegionId) || i.AuthorId == userId)];
        var summaries = await SummarizeAsync(db, rows, ct);
        IOrderedEnumerable<IssueSummary> sorted = query.Sort switch
        {
            "supports" => summaries.OrderByDescending(s => s.Supports).ThenBy(s => s.CreatedAt),
            "newest" => summaries.OrderByDescending(s => s.CreatedAt),
            _ => summaries.OrderByDescending(s => s.TrendingScore).ThenByDescending(s => s.Supports).ThenBy(s => s.CreatedAt),
        };
        return [.. sorted.ThenBy(s => s.Id).Take(Math.Clamp(query.Take, 1, 500))];
    }

    /// <summary>Visible issues per region, for the map.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountByRegionAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Issues.AsNoTracking().Where(i => !i.IsHidden).GroupBy(i => i.RegionId)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Key, r => r.Count, StringComparer.Ordinal);
    }

    public async Task<IssueDetail> GetIssueAsync(string userId, Guid issueId, CancellationToken ct)
    {
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var issue = await FindIssueAsync(db, issueId, ct);
        var canModerate = access.CanModerate(issue.RegionId);
        if (issue.IsHidden && !canModerate && issue.AuthorId != userId)
        {
            throw new ParticipationException(ParticipationErrorKind.NotFound, "no such issue");
        }
        var summary = (await SummarizeAsync(db, [issue], ct))[0];
        var comments = await db.Comments.AsNoTracking().Where(c => c.IssueId == issueId).ToListAsync(ct);
        var audit = await db.Audit.AsNoTracking().Where(a => a.IssueId == issueId).OrderBy(a => a.Id).ToListAsync(ct);
        var scenarios = await db.Scenarios.AsNoTracking().Where(s => s.IssueId == issueId).ToListAsync(ct);
        var supported = await db.Supports.AnyAsync(s => s.IssueId == issueId && s.ResidentId == userId, ct);
        var names = await NamesAsync([issue.AuthorId, .. comments.Select(c => c.AuthorId), .. audit.Select(a => a.ActorId), .. scenarios.Select(s => s.ResidentId)], ct);
        return new IssueDetail(
            summary,
            issue.Description,
            names(issue.AuthorId),
            supported,
            canModerate,
            [.. comments.OrderBy(c => c.At).Select(c => new IssueCommentView(names(c.AuthorId),
                !c.IsHidden || canModerate || c.AuthorId == userId ? c.Text : "(hidden by moderation)", c.At, c.Id, c.IsHidden))],
            [.. audit.Select(a => new IssueAuditView(a.At, names(a.ActorId), a.Role, a.Action, a.Reason))],
            [.. scenarios.OrderBy(s => s.At).Select(s => new IssueScenarioView(names(s.ResidentId), s.Technologies, s.Preset, s.GrossSavedMinutesPerDay,
                s.FreeGainedMinutesPerDay, s.DisposableBeforeMinutes, s.DisposableAfterMinutes, s.Note, s.At))]);
    }

    /// <summary>Adds the resident's support (residents of the issue's region, once each, also under concurrent requests); false when already given.</summary>
    public async Task<bool> SupportAsync(string userId, Guid issueId, CancellationToken ct)
    {
        var access = await AccessAsync(userId, ct);
        RequireResident(access);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var issue = await FindIssueAsync(db, issueId, ct);
        RequireHome(access, issue.RegionId, "support issues");
        RequireVisible(issue);
        if (issue.Status is nameof(IssueStatus.Done) or nameof(IssueStatus.Declined))
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "a closed issue cannot gather support");
        }
        if (await db.Supports.AnyAsync(s => s.IssueId == issueId && s.ResidentId == userId, ct))
        {
            return false;
        }
        db.Supports.Add(new IssueSupportEntity { IssueId = issueId, ResidentId = userId, At = time.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // The key (issue, resident) refused a concurrent second support.
            return false;
        }
    }

    public async Task<bool> WithdrawSupportAsync(string userId, Guid issueId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Supports.Where(s => s.IssueId == issueId && s.ResidentId == userId).ExecuteDeleteAsync(ct) > 0;
    }

    /// <summary>Residents (any region) and the region's moderators comment on a visible issue.</summary>
    public async Task CommentAsync(string userId, Guid issueId, string text, CancellationToken ct)
    {
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var issue = await FindIssueAsync(db, issueId, ct);
        if (!access.IsResident && !access.CanModerate(issue.RegionId))
        {
            throw new ParticipationException(ParticipationErrorKind.Forbidden, "only residents and the region's moderators comment");
        }
        RequireVisible(issue);
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > 4000)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "a comment has 1 to 4000 characters");
        }
        db.Comments.Add(new IssueCommentEntity { Id = Guid.NewGuid(), IssueId = issueId, AuthorId = userId, Text = text.Trim(), At = time.GetUtcNow() });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A resident reports an issue to moderation; after three distinct reports it is hidden pending review.</summary>
    public async Task ReportAsync(string userId, Guid issueId, string reason, CancellationToken ct)
    {
        var access = await AccessAsync(userId, ct);
        RequireResident(access);
        RequireReason(reason);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var issue = await FindIssueAsync(db, issueId, ct);
        RequireVisible(issue);
        if (await db.Reports.AnyAsync(r => r.IssueId == issueId && r.ResidentId == userId, ct))
        {
            return;
        }
        var now = time.GetUtcNow();
        db.Reports.Add(new IssueReportEntity { IssueId = issueId, ResidentId = userId, Reason = reason.Trim(), At = now });
        db.Audit.Add(Audit(issueId, now, userId, "resident", "reported", reason.Trim()));
        await db.SaveChangesAsync(ct);
        if (await db.Reports.CountAsync(r => r.IssueId == issueId, ct) >= ReportsToHide && !issue.IsHidden)
        {
            issue.IsHidden = true;
            db.Audit.Add(Audit(issueId, now, "system", "moderator", "hidden pending review", $"{ReportsToHide} reports"));
            await SaveOrConflictAsync(db, ct);
        }
    }

    /// <summary>A moderator of the issue's region hides it, with a reason (recorded in the audit trail).</summary>
    public async Task HideAsync(string userId, Guid issueId, string reason, CancellationToken ct)
    {
        RequireReason(reason);
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var issue = await FindIssueAsync(db, issueId, ct);
        RequireModerator(access, issue.RegionId);
        issue.IsHidden = true;
        db.Audit.Add(Audit(issueId, time.GetUtcNow(), userId, "moderator", "hidden", reason.Trim()));
        await SaveOrConflictAsync(db, ct);
    }

    /// <summary>Restores a hidden issue; a moderator cannot overturn their own hiding (another must review it).</summary>
    public async Task RestoreAsync(string userId, Guid issueId, string reason, CancellationToken ct)
    {
        RequireReason(reason);
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var issue = await FindIssueAsync(db, issueId, ct);
        RequireModerator(access, issue.RegionId);
        if (!issue.IsHidden)
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "the issue is not hidden");
        }
        var lastHide = await db.Audit.Where(a => a.IssueId == issueId && a.Action == "hidden").OrderByDescending(a => a.Id).FirstOrDefaultAsync(ct);
        if (lastHide is not null && lastHide.ActorId == userId)
        {
            throw new ParticipationException(ParticipationErrorKind.Forbidden, "another moderator must review a hiding");
        }
        issue.IsHidden = false;
        await db.Reports.Where(r => r.IssueId == issueId).ExecuteDeleteAsync(ct);
        db.Audit.Add(Audit(issueId, time.GetUtcNow(), userId, "moderator", "restored", reason.Trim()));
        await SaveOrConflictAsync(db, ct);
    }

    /// <summary>Operator accountability: Open → Planned → InProgress → Done, or Declined (with a reason).</summary>
    public async Task SetStatusAsync(string userId, Guid issueId, IssueStatus next, string? note, CancellationToken ct)
    {
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var issue = await FindIssueAsync(db, issueId, ct);
        RequireModerator(access, issue.RegionId);
        var current = Enum.Parse<IssueStatus>(issue.Status);
        if (!Issue.IsAllowedTransition(current, next))
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, $"an issue cannot go from {current} to {next}");
        }
        if (next == IssueStatus.Declined)
        {
            RequireReason(note);
        }
        if (issue.IsHidden)
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "a hidden issue must be reviewed by moderation first");
        }
        issue.Status = next.ToString();
        db.Audit.Add(Audit(issueId, time.GetUtcNow(), userId, "operator", $"status {current} -> {next}", string.IsNullOrWhiteSpace(note) ? null : note.Trim()));
        await SaveOrConflictAsync(db, ct);
    }

    /// <summary>A resident shares a studio result on a visible issue (it appears on the issue's page).</summary>
    public async Task AttachScenarioAsync(string userId, Guid issueId, ScenarioShare share, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(share);
        var access = await AccessAsync(userId, ct);
        RequireResident(access);
        if (string.IsNullOrWhiteSpace(share.Technologies) || share.Technologies.Length > 500 || share.Preset is not { Length: > 0 and <= 32 })
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "a scenario names its technologies and preset");
        }
        double[] minutes = [share.GrossSavedMinutesPerDay, share.FreeGainedMinutesPerDay, share.DisposableBeforeMinutes, share.DisposableAfterMinutes];
        if (minutes.Any(m => !double.IsFinite(m) || m < 0 || m > 1440) || share.FreeGainedMinutesPerDay > share.GrossSavedMinutesPerDay + 1e-9)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "minutes must lie in 0…1440 and free time gained cannot exceed time saved");
        }
        if (share.Note is { Length: > 1000 })
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "a note has at most 1000 characters");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var issue = await FindIssueAsync(db, issueId, ct);
        RequireVisible(issue);
        var now = time.GetUtcNow();
        db.Scenarios.Add(new IssueScenarioEntity
        {
            Id = Guid.NewGuid(),
            IssueId = issueId,
            ResidentId = userId,
            Technologies = share.Technologies.Trim(),
            Preset = share.Preset,
            GrossSavedMinutesPerDay = share.GrossSavedMinutesPerDay,
            FreeGainedMinutesPerDay = share.FreeGainedMinutesPerDay,
            DisposableBeforeMinutes = share.DisposableBeforeMinutes,
            DisposableAfterMinutes = share.DisposableAfterMinutes,
            Note = share.Note?.Trim() ?? "",
            At = now,
        });
        db.Audit.Add(Audit(issueId, now, userId, "resident", "shared a studio scenario", null));
        await db.SaveChangesAsync(ct);
    }

    private async Task<IReadOnlyList<IssueSummary>> SummarizeAsync(GovernanceDbContext db, IReadOnlyList<IssueEntity> issues, CancellationToken ct)
    {
        var ids = issues.Select(i => i.Id).ToList();
        var supports = (await db.Supports.AsNoTracking().Where(s => ids.Contains(s.IssueId)).Select(s => new { s.IssueId, s.At }).ToListAsync(ct))
            .ToLookup(s => s.IssueId, s => s.At);
        var comments = (await db.Comments.AsNoTracking().Where(c => ids.Contains(c.IssueId)).Select(c => new { c.IssueId, c.At }).ToListAsync(ct))
            .ToLookup(c => c.IssueId, c => c.At);
        var now = time.GetUtcNow();
        return [.. issues.Select(i => new IssueSummary(i.Id, i.Title, Enum.Parse<IssueCategory>(i.Category), i.RegionId, Enum.Parse<IssueStatus>(i.Status),
            i.IsHidden, supports[i.Id].Count(), comments[i.Id].Count(), i.LatitudeDegrees, i.LongitudeDegrees, i.CreatedAt,
            Issue.TrendingScore(supports[i.Id], comments[i.Id], now)))];
    }

    private static async Task<IssueEntity> FindIssueAsync(GovernanceDbContext db, Guid issueId, CancellationToken ct) =>
        await db.Issues.FirstOrDefaultAsync(i => i.Id == issueId, ct) ?? throw new ParticipationException(ParticipationErrorKind.NotFound, "no such issue");

    private static IssueAuditEntity Audit(Guid issueId, DateTimeOffset at, string actorId, string role, string action, string? reason) =>
        new() { IssueId = issueId, At = at, ActorId = actorId, Role = role, Action = action, Reason = reason };

    private static async Task SaveOrConflictAsync(GovernanceDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "someone else changed this at the same time; reload and try again", ex);
        }
    }

    private async Task<Func<string, string>> NamesAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        var wanted = ids.Where(i => i != "system").Distinct(StringComparer.Ordinal).ToList();
        var names = await platform.Users.AsNoTracking().Where(u => wanted.Contains(u.Id))
            .Select(u => new { u.Id, Name = u.DisplayName ?? u.UserName }).ToListAsync(ct);
        var map = names.ToDictionary(n => n.Id, n => n.Name ?? n.Id, StringComparer.Ordinal);
        return id => id == "system" ? "moderation (automatic)" : map.GetValueOrDefault(id, "former account");
    }

    private async Task RequireRegionAsync(string regionId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(regionId) || !await platform.Regions.AsNoTracking().AnyAsync(r => r.Id == regionId, ct))
        {
            throw new ParticipationException(ParticipationErrorKind.NotFound, $"no region '{regionId}'");
        }
    }

    private static void RequireResident(ParticipantAccess access)
    {
        if (!access.IsResident)
        {
            throw new ParticipationException(ParticipationErrorKind.Forbidden, "only residents take part");
        }
    }

    private static void RequireHome(ParticipantAccess access, string regionId, string what)
    {
        RequireResident(access);
        if (access.HomeRegion != regionId)
        {
            throw new ParticipationException(ParticipationErrorKind.Forbidden,
                access.HomeRegion is null ? $"choose your region before you {what}" : $"residents of region '{access.HomeRegion}' cannot {what} in region '{regionId}'");
        }
    }

    private static void RequireModerator(ParticipantAccess access, string regionId)
    {
        if (!access.CanModerate(regionId))
        {
            throw new ParticipationException(ParticipationErrorKind.Forbidden, $"only operators of region '{regionId}' and administrators moderate");
        }
    }

    private static void RequireVisible(IssueEntity issue)
    {
        if (issue.IsHidden)
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "the issue is hidden by moderation");
        }
    }

    private static void RequireReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > 1000)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "a reason (1 to 1000 characters) is required");
        }
    }
}
