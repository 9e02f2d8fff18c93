using System.ComponentModel.DataAnnotations;
using System.Text;
using CivicGrid.Governance.Issues;
using CivicGrid.Platform.Governance;
using CivicGrid.Server.Security;

namespace CivicGrid.Server.Api;

public sealed record IdResponse(Guid Id);

public sealed record NumberResponse(int Number);

public sealed record SupportResponse(bool Added, int Supports);

public sealed class RegionChoice
{
    [Required]
    [StringLength(64, MinimumLength = 1)]
    public string RegionId { get; set; } = "";
}

public sealed class NewIssueBody
{
    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string Title { get; set; } = "";

    [StringLength(4000)]
    public string? Description { get; set; }

    [Required]
    public IssueCategory? Category { get; set; }

    [Range(-90, 90)]
    public double LatitudeDegrees { get; set; }

    [Range(-180, 180)]
    public double LongitudeDegrees { get; set; }

    [StringLength(64)]
    public string? RegionId { get; set; }
}

public sealed class TextBody
{
    [Required]
    [StringLength(4000, MinimumLength = 1)]
    public string Text { get; set; } = "";
}

public sealed class StatusBody
{
    [Required]
    public IssueStatus? Status { get; set; }

    [StringLength(1000)]
    public string? Note { get; set; }
}

public sealed class BallotBody
{
    /// <summary>Option indices (votes) or proposal numbers (budgets; best first on ordinal ballots); for quadratic votes, votes per option.</summary>
    [Required]
    [MaxLength(200)]
    public IReadOnlyList<int> Choices { get; set; } = [];

    /// <summary>Cumulative budget ballots: the points given to each of <see cref="Choices"/>.</summary>
    [MaxLength(200)]
    public IReadOnlyList<int>? Points { get; set; }
}

public sealed class OverrideBody
{
    /// <summary>Proposal numbers of the selection that replaces the computed outcome.</summary>
    [Required]
    [MaxLength(500)]
    public IReadOnlyList<int> Selected { get; set; } = [];

    [Required]
    [StringLength(1000, MinimumLength = 1)]
    public string Reason { get; set; } = "";
}

public sealed class PabulibUpload
{
    [Required]
    [StringLength(64, MinimumLength = 1)]
    public string RegionId { get; set; } = "";

    [StringLength(260)]
    public string? FileName { get; set; }

    /// <summary>The text of the <c>.pb</c> file.</summary>
    [Required]
    [StringLength(20_000_000, MinimumLength = 1)]
    public string Content { get; set; } = "";

    [RegularExpression("^(mes|greedy)$")]
    public string? Rule { get; set; }

    /// <summary>Tally at once (the import's ballots are all there is).</summary>
    public bool Tally { get; set; }
}

public sealed class OpinionBody
{
    [Range(-1, 1)]
    public int Value { get; set; }
}

public sealed class IssueListQuery
{
    [StringLength(64)]
    public string? RegionId { get; set; }

    public IssueCategory? Category { get; set; }

    [StringLength(200)]
    public string? Search { get; set; }

    public IssueStatus? Status { get; set; }

    [RegularExpression("^(trending|supports|newest)$")]
    public string? Sort { get; set; }
}

/// <summary>
/// <c>/api/participation</c>: residents raise and support local issues, vote, propose and vote on budgets and
/// take part in the opinion map, always as themselves and in their home region; operators of a region (and
/// administrators) moderate, run votes and budgets and close them. A closed tally is a decision record whose
/// receipt is returned; its ballots are published (budgets as a Pabulib file) so anyone can recount.
/// </summary>
public static class ParticipationEndpoints
{
    public static void MapParticipationEndpoints(this IEndpointRouteBuilder api)
    {
        var g = api.MapGroup("/participation").WithTags("Participation").RequireAuthorization(CivicGridPolicies.AnyRole);

        g.MapGet("/me", (HttpContext h, ParticipationService s, CancellationToken ct) => Run(h, async u => Results.Ok(await s.AccessAsync(u, ct))))
            .WithName("GetParticipant").WithSummary("Your roles, home region and moderated regions");
        g.MapPost("/me/region", (RegionChoice body, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.JoinRegionAsync(u, body.RegionId, ct))))
            .WithName("ChooseHomeRegion").WithSummary("Choose your home region once (residents without a known household)");

        g.MapGet("/issues", ([AsParameters] IssueListQuery q, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.ListIssuesAsync(u, new IssueQuery(q.RegionId, q.Category, q.Search, q.Status, q.Sort ?? "trending"), ct))))
            .WithName("ListIssues").WithSummary("Local issues: trending, by region, category, status or text");
        g.MapGet("/issues/by-category", (string? regionId, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async _ => Results.Ok(await s.CountByCategoryAsync(regionId, ct))))
            .WithName("CountIssuesByCategory").WithSummary("Visible issues per category, optionally in one region");
        g.MapPost("/comments/{id:guid}/reports", (Guid id, TextBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { await s.ReportCommentAsync(u, id, b.Text, ct); return Results.NoContent(); }))
            .WithName("ReportComment").WithSummary("Report a comment to moderation (three reports hide it pending review)");
        g.MapPost("/comments/{id:guid}/hide", (Guid id, TextBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { await s.HideCommentAsync(u, id, b.Text, ct); return Results.NoContent(); }))
            .WithName("HideComment").WithSummary("Hide a comment, with a reason (the region's operators, administrators)");
        g.MapPost("/comments/{id:guid}/restore", (Guid id, TextBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { await s.RestoreCommentAsync(u, id, b.Text, ct); return Results.NoContent(); }))
            .WithName("RestoreComment").WithSummary("Restore a hidden comment, with a reason (another moderator than the one who hid it)");
        g.MapGet("/issues/by-region", (HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async _ => Results.Ok(await s.CountByRegionAsync(ct))))
            .WithName("CountIssuesByRegion").WithSummary("Visible issues per region (for the map)");
        g.MapPost("/issues", (NewIssueBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u =>
                {
                    var id = await s.RaiseIssueAsync(u, new NewIssue(b.Title, b.Description ?? "", b.Category!.Value, b.LatitudeDegrees, b.LongitudeDegrees, b.RegionId), ct);
                    return Results.Created($"/api/participation/issues/{id}", new IdResponse(id));
                }))
            .WithName("RaiseIssue").WithSummary("Raise a local problem (residents, in their home region)");
        g.MapGet("/issues/{id:guid}", (Guid id, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.GetIssueAsync(u, id, ct))))
            .WithName("GetIssue").WithSummary("An issue with comments, audit trail and shared studio scenarios");
        g.MapPost("/issues/{id:guid}/support", (Guid id, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u =>
                {
                    var added = await s.SupportAsync(u, id, ct);
                    return Results.Ok(new SupportResponse(added, (await s.GetIssueAsync(u, id, ct)).Summary.Supports));
                }))
            .WithName("SupportIssue").WithSummary("Support an issue of your region (once; a repeat changes nothing)");
        g.MapDelete("/issues/{id:guid}/support", (Guid id, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.WithdrawSupportAsync(u, id, ct))))
            .WithName("WithdrawSupport").WithSummary("Withdraw your support");
        g.MapPost("/issues/{id:guid}/comments", (Guid id, TextBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { await s.CommentAsync(u, id, b.Text, ct); return Results.NoContent(); }))
            .WithName("CommentIssue").WithSummary("Comment on an issue");
        g.MapPost("/issues/{id:guid}/reports", (Guid id, TextBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { await s.ReportAsync(u, id, b.Text, ct); return Results.NoContent(); }))
            .WithName("ReportIssue").WithSummary("Report an issue to moderation (three reports hide it pending review)");
        g.MapPost("/issues/{id:guid}/hide", (Guid id, TextBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { await s.HideAsync(u, id, b.Text, ct); return Results.NoContent(); }))
            .WithName("HideIssue").WithSummary("Hide an issue, with a reason (the region's operators, administrators)");
        g.MapPost("/issues/{id:guid}/restore", (Guid id, TextBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { await s.RestoreAsync(u, id, b.Text, ct); return Results.NoContent(); }))
            .WithName("RestoreIssue").WithSummary("Restore a hidden issue, with a reason (another moderator than the one who hid it)");
        g.MapPost("/issues/{id:guid}/status", (Guid id, StatusBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { await s.SetStatusAsync(u, id, b.Status!.Value, b.Note, ct); return Results.NoContent(); }))
            .WithName("SetIssueStatus").WithSummary("Planned → in progress → done, or declined with a reason (the region's operators)");
        g.MapPost("/issues/{id:guid}/scenarios", (Guid id, ScenarioShare b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { await s.AttachScenarioAsync(u, id, b, ct); return Results.NoContent(); }))
            .WithName("ShareScenario").WithSummary("Share a studio result on an issue");

        g.MapGet("/votes", (string? regionId, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.ListVotesAsync(u, regionId, ct))))
            .WithName("ListVotes").WithSummary("Proposal votes, newest first");
        g.MapPost("/votes", (NewVote b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { var id = await s.CreateVoteAsync(u, b, ct); return Results.Created($"/api/participation/votes/{id}", new IdResponse(id)); }))
            .WithName("CreateVote").WithSummary("Open a vote (the region's operators)");
        g.MapGet("/votes/{id:guid}", (Guid id, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.GetVoteAsync(u, id, ct))))
            .WithName("GetVote").WithSummary("A vote: commitments while open; tally, published ballots and decision receipt once closed");
        g.MapPost("/votes/{id:guid}/ballots", (Guid id, BallotBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.CastVoteAsync(u, id, b.Choices, ct))))
            .WithName("CastVote").WithSummary("Cast your secret ballot (once); returns your commitment and nonce");
        g.MapPost("/votes/{id:guid}/close", (Guid id, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.CloseVoteAsync(u, id, ct))))
            .WithName("CloseVote").WithSummary("Close and count (the region's operators); the tally becomes a decision record");
        g.MapPut("/votes/{id:guid}/tally", (Guid id, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { ParticipationService.RefuseTallyChange(await s.GetVoteAsync(u, id, ct)); return Results.NoContent(); }))
            .WithName("ReplaceTally").WithSummary("Always refused: a tally is computed once at close and never replaced");

        g.MapGet("/budgets", (string? regionId, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.ListBudgetsAsync(u, regionId, ct))))
            .WithName("ListBudgets").WithSummary("Participatory budgets, newest first");
        g.MapPost("/budgets", (NewBudget b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { var id = await s.CreateBudgetAsync(u, b, ct); return Results.Created($"/api/participation/budgets/{id}", new IdResponse(id)); }))
            .WithName("CreateBudget").WithSummary("Start a participatory budget (the region's operators)");
        g.MapGet("/budgets/{id:guid}", (Guid id, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.GetBudgetAsync(u, id, ct))))
            .WithName("GetBudget").WithSummary("A budget: proposals, ballots count, and once closed the outcome, your shares and the receipt");
        g.MapPost("/budgets/{id:guid}/proposals", (Guid id, NewProposal b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(new NumberResponse(await s.ProposeAsync(u, id, b, ct)))))
            .WithName("ProposeProject").WithSummary("Propose a project (residents of the region, while proposals are open)");
        g.MapPost("/budgets/{id:guid}/open", (Guid id, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { await s.OpenBudgetVotingAsync(u, id, ct); return Results.NoContent(); }))
            .WithName("OpenBudgetVoting").WithSummary("End proposals and open the ballot (the region's operators)");
        g.MapPost("/budgets/{id:guid}/ballots", (Guid id, BallotBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.CastBudgetBallotAsync(u, id, b.Choices, b.Points, ct))))
            .WithName("CastBudgetBallot").WithSummary("Approve, rank (best first) or give points to projects by number (once, within the ballot rules)");
        g.MapPost("/budgets/{id:guid}/override", (Guid id, OverrideBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.OverrideBudgetAsync(u, id, b.Selected, b.Reason, ct))))
            .WithName("OverrideBudget").WithSummary("Replace a closed budget's outcome, with a reason (administrators); recorded as a decision");
        g.MapPost("/budgets/import", (PabulibUpload b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u =>
                {
                    var id = await s.ImportPabulibAsync(u, b.RegionId, b.FileName ?? "upload.pb", b.Content, b.Rule ?? "mes", ct);
                    if (b.Tally)
                    {
                        await s.CloseBudgetAsync(u, id, ct);
                    }
                    return Results.Created($"/api/participation/budgets/{id}", await s.GetBudgetAsync(u, id, ct));
                }))
            .WithName("ImportPabulib").WithSummary("Create a budget from a Pabulib .pb file (the region's operators); a malformed file is answered with its line and reason");
        g.MapPost("/budgets/{id:guid}/close", (Guid id, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.CloseBudgetAsync(u, id, ct))))
            .WithName("CloseBudget").WithSummary("Close and tally (the region's operators); the outcome becomes a decision record");
        g.MapGet("/budgets/{id:guid}/ballots.pb", (Guid id, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async _ => await s.PublishedBudgetBallotsAsync(id, ct) is { } file
                    ? Results.Text(file, "text/plain", Encoding.UTF8)
                    : Results.Problem("ballots are published when the budget closes", statusCode: StatusCodes.Status409Conflict, title: "Ballots are secret")))
            .WithName("GetBudgetBallots").WithSummary("The published ballots of a closed budget as a Pabulib file (recount with `civicgrid governance pb`)");

        g.MapGet("/opinions/{regionId}", (string regionId, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(await s.GetOpinionMapAsync(u, regionId, ct))))
            .WithName("GetOpinionMap").WithSummary("Statements of a region and its opinion map");
        g.MapPost("/opinions/{regionId}/statements", (string regionId, TextBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => Results.Ok(new NumberResponse(await s.AddStatementAsync(u, regionId, b.Text, ct)))))
            .WithName("AddStatement").WithSummary("Add a statement (residents of the region)");
        g.MapPost("/statements/{id:int}/votes", (int id, OpinionBody b, HttpContext h, ParticipationService s, CancellationToken ct) =>
                Run(h, async u => { await s.OpineAsync(u, id, b.Value, ct); return Results.NoContent(); }))
            .WithName("VoteOnStatement").WithSummary("Agree (1), disagree (-1) or pass (0)");
    }

    private static async Task<IResult> Run(HttpContext http, Func<string, Task<IResult>> action)
    {
        var userId = http.User.UserId();
        if (userId is null)
        {
            return Results.Unauthorized();
        }
        try
        {
            return await action(userId);
        }
        catch (ParticipationException ex)
        {
            var (status, title) = ex.Kind switch
            {
                ParticipationErrorKind.NotFound => (StatusCodes.Status404NotFound, "Not found"),
                ParticipationErrorKind.Forbidden => (StatusCodes.Status403Forbidden, "Not allowed"),
                ParticipationErrorKind.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
                _ => (StatusCodes.Status400BadRequest, "Invalid request"),
            };
            return Results.Problem(ex.Message, statusCode: status, title: title,
                extensions: ex.Details is null ? null : new Dictionary<string, object?>(ex.Details));
        }
    }
}
