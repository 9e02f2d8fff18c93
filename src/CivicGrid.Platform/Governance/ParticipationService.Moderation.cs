using CivicGrid.Governance.Issues;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Platform.Governance;

public sealed partial class ParticipationService
{
    /// <summary>A resident reports a comment to moderation; after three distinct reports it is hidden pending review.</summary>
    public async Task ReportCommentAsync(string userId, Guid commentId, string reason, CancellationToken ct)
    {
        var access = await AccessAsync(userId, ct);
        RequireResident(access);
        RequireReason(reason);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var (comment, issue) = await FindCommentAsync(db, commentId, ct);
        RequireVisible(issue);
        if (comment.IsHidden || await db.CommentReports.AnyAsync(r => r.CommentId == commentId && r.ResidentId == userId, ct))
        {
            return;
        }
        var now = time.GetUtcNow();
        db.CommentReports.Add(new CommentReportEntity { CommentId = commentId, ResidentId = userId, Reason = reason.Trim(), At = now });
        db.Audit.Add(Audit(issue.Id, now, userId, "resident", CommentAction(commentId, "reported"), reason.Trim()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent report by the same resident was stored first.
            return;
        }
        if (await db.CommentReports.CountAsync(r => r.CommentId == commentId, ct) >= ReportsToHide)
        {
            comment.IsHidden = true;
            db.Audit.Add(Audit(issue.Id, now, "system", "moderator", CommentAction(commentId, "hidden pending review"), $"{ReportsToHide} reports"));
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>A moderator of the issue's region hides a comment, with a reason (recorded in the issue's audit trail).</summary>
    public async Task HideCommentAsync(string userId, Guid commentId, string reason, CancellationToken ct)
    {
        RequireReason(reason);
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var (comment, issue) = await FindCommentAsync(db, commentId, ct);
        RequireModerator(access, issue.RegionId);
        if (comment.IsHidden)
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "the comment is already hidden");
        }
        comment.IsHidden = true;
        db.Audit.Add(Audit(issue.Id, time.GetUtcNow(), userId, "moderator", CommentAction(commentId, "hidden"), reason.Trim()));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Restores a hidden comment, with a reason; a moderator cannot overturn their own hiding.</summary>
    public async Task RestoreCommentAsync(string userId, Guid commentId, string reason, CancellationToken ct)
    {
        RequireReason(reason);
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var (comment, issue) = await FindCommentAsync(db, commentId, ct);
        RequireModerator(access, issue.RegionId);
        if (!comment.IsHidden)
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "the comment is not hidden");
        }
        var hidden = CommentAction(commentId, "hidden");
        var lastHide = await db.Audit.Where(a => a.IssueId == issue.Id && a.Action == hidden).OrderByDescending(a => a.Id).FirstOrDefaultAsync(ct);
        if (lastHide is not null && lastHide.ActorId == userId)
        {
            throw new ParticipationException(ParticipationErrorKind.Forbidden, "another moderator must review a hiding");
        }
        comment.IsHidden = false;
        await db.CommentReports.Where(r => r.CommentId == commentId).ExecuteDeleteAsync(ct);
        db.Audit.Add(Audit(issue.Id, time.GetUtcNow(), userId, "moderator", CommentAction(commentId, "restored"), reason.Trim()));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Visible issues per category, optionally in one region (for the category pages).</summary>
    public async Task<IReadOnlyDictionary<IssueCategory, int>> CountByCategoryAsync(string? regionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var issues = db.Issues.AsNoTracking().Where(i => !i.IsHidden);
        if (regionId is { Length: > 0 })
        {
            issues = issues.Where(i => i.RegionId == regionId);
        }
        var rows = await issues.GroupBy(i => i.Category).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return rows.Where(r => Enum.TryParse<IssueCategory>(r.Key, out _)).ToDictionary(r => Enum.Parse<IssueCategory>(r.Key), r => r.Count);
    }

    /// <summary>The regions of the city (id and name), for the region pages.</summary>
    public async Task<IReadOnlyList<(string Id, string Name)>> RegionsAsync(CancellationToken ct)
    {
        var rows = await platform.Regions.AsNoTracking().OrderBy(r => r.Id).Select(r => new { r.Id, r.Name }).ToListAsync(ct);
        return [.. rows.Select(r => (r.Id, r.Name))];
    }

    /// <summary>The audit action naming one comment (short id), so the trail says which comment was moderated.</summary>
    internal static string CommentAction(Guid commentId, string what) => $"comment {commentId.ToString("N")[..8]} {what}";

    private static async Task<(IssueCommentEntity Comment, IssueEntity Issue)> FindCommentAsync(GovernanceDbContext db, Guid commentId, CancellationToken ct)
    {
        var comment = await db.Comments.FirstOrDefaultAsync(c => c.Id == commentId, ct) ?? throw new ParticipationException(ParticipationErrorKind.NotFound, "no such comment");
        return (comment, await FindIssueAsync(db, comment.IssueId, ct));
    }
}
