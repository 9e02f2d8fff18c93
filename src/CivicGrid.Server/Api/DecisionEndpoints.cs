using System.ComponentModel.DataAnnotations;
using CivicGrid.Platform.Decisions;
using CivicGrid.Server.Hosting;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CivicGrid.Server.Api;

/// <summary>A decision record with its place in the region's transparency log and its receipt.</summary>
public sealed record DecisionView(
    Guid Id,
    DecisionKind Kind,
    string RegionId,
    IReadOnlyList<string> AssetIds,
    string ActorKind,
    string? OperatorId,
    string Algorithm,
    string AlgorithmVersion,
    IReadOnlyDictionary<string, string> Parameters,
    string InputDigest,
    string Outcome,
    string Reason,
    DateTimeOffset DecidedAt,
    long LogIndex,
    string CanonicalJson,
    string Receipt)
{
    public static DecisionView From(DecisionReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var r = receipt.Record;
        return new DecisionView(r.Id, r.Kind, r.RegionId, r.AssetIds, r.Actor.Kind, r.Actor.OperatorId, r.Algorithm.Name,
            r.Algorithm.Version, r.Algorithm.Parameters, r.InputDigest, r.Outcome, r.Reason, r.DecidedAt,
            receipt.LogIndex, receipt.CanonicalJson, receipt.Receipt);
    }
}

/// <summary>An operator's decision to record. The operator is the caller; the log adds id and time.</summary>
public sealed class AppendDecision
{
    [Required]
    public DecisionKind? Kind { get; set; }

    [Required]
    [StringLength(64, MinimumLength = 1)]
    public string RegionId { get; set; } = "";

    [MaxLength(10_000)]
    public IReadOnlyList<string> AssetIds { get; set; } = [];

    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string Algorithm { get; set; } = "";

    [Required]
    [StringLength(64, MinimumLength = 1)]
    public string AlgorithmVersion { get; set; } = "";

    public IReadOnlyDictionary<string, string>? Parameters { get; set; }

    /// <summary>A digest of the decision's inputs, e.g. <c>sha256:…</c>.</summary>
    [Required]
    [StringLength(128, MinimumLength = 1)]
    public string InputDigest { get; set; } = "";

    [Required]
    [StringLength(2000, MinimumLength = 1)]
    public string Outcome { get; set; } = "";

    [Required]
    [StringLength(2000, MinimumLength = 1)]
    public string Reason { get; set; } = "";
}

/// <summary>Filters and paging of <c>GET /api/decisions</c>.</summary>
public sealed class DecisionQuery
{
    [FromQuery(Name = "regionId")]
    [StringLength(64)]
    public string? RegionId { get; set; }

    [FromQuery(Name = "skip")]
    [Range(0, int.MaxValue)]
    public int? Skip { get; set; }

    [FromQuery(Name = "take")]
    [Range(1, 200)]
    public int? Take { get; set; }

    /// <summary>The page size, 50 when not given.</summary>
    public int PageSize => Take ?? 50;

    public int Offset => Skip ?? 0;
}

/// <summary>
/// <c>/api/decisions</c>: every role reads the decision records (they are public by design); only an operator
/// scoped to the decision's region appends one.
/// </summary>
public static class DecisionEndpoints
{
    public static void MapDecisionEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/decisions").WithTags("Decisions");

        group.MapGet("/", async ([AsParameters] DecisionQuery query, IDecisionLog log, CancellationToken ct) =>
                TypedResults.Ok((await log.ListAsync(string.IsNullOrEmpty(query.RegionId) ? null : query.RegionId, query.Offset, query.PageSize, ct))
                    .Select(DecisionView.From).ToList()))
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("ListDecisions")
            .WithSummary("Decision records, newest first")
            .WithDescription("Optionally for one region; take is 1–200 (default 50). Any role.");

        group.MapGet("/{id:guid}", async Task<Results<Ok<DecisionView>, NotFound>> (Guid id, IDecisionLog log, CancellationToken ct) =>
                await log.GetAsync(id, ct) is { } receipt ? TypedResults.Ok(DecisionView.From(receipt)) : TypedResults.NotFound())
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("GetDecision")
            .WithSummary("One decision record with its receipt")
            .WithDescription("Any role.");

        group.MapPost("/", AppendAsync)
            .RequireAuthorization(CivicGridPolicies.Operator)
            .WithName("AppendDecision")
            .WithSummary("Record an operator's decision in the region's transparency log")
            .WithDescription("Operators scoped to the decision's region; anyone else gets 403. Returns the record with its receipt.");
    }

    private static async Task<Results<Created<DecisionView>, ForbidHttpResult, ProblemHttpResult>> AppendAsync(
        AppendDecision body, HttpContext http, IAuthorizationService authorization, IDecisionLog log, ServerMetrics metrics,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var allowed = await authorization.AuthorizeAsync(http.User, body.RegionId, RegionOperatorRequirement.OperatorsOnly);
        var operatorId = http.User.UserId();
        if (!allowed.Succeeded || operatorId is null)
        {
            return TypedResults.Forbid();
        }
        var request = new DecisionRequest(
            body.Kind!.Value,
            body.RegionId,
            body.AssetIds,
            DecisionActor.Operator(operatorId),
            new DecisionAlgorithm(body.Algorithm, body.AlgorithmVersion, body.Parameters ?? new Dictionary<string, string>()),
            body.InputDigest,
            body.Outcome,
            body.Reason);
        DecisionReceipt receipt;
        try
        {
            receipt = await log.AppendAsync(request, ct);
        }
        catch (InvalidDecisionException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "The decision cannot be recorded");
        }
        metrics.DecisionAppended(body.RegionId);
        loggers.CreateLogger(typeof(DecisionEndpoints)).LogInformation(
            "Operator {UserId} appended decision {DecisionId} ({Kind}) to region {RegionId} at log index {LogIndex}",
            operatorId, receipt.Record.Id, receipt.Record.Kind, receipt.Record.RegionId, receipt.LogIndex);
        return TypedResults.Created($"/api/decisions/{receipt.Record.Id}", DecisionView.From(receipt));
    }
}
