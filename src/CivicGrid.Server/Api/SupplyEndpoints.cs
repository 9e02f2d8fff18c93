using System.ComponentModel.DataAnnotations;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Supply;
using CivicGrid.Server.Security;
using CivicGrid.Supply.Provenance;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicGrid.Server.Api;

/// <summary>A supply event as recorded: its position, digest and, for allocations, the decision with its receipt.</summary>
public sealed record SupplyEventView(long Position, string Kind, string Digest, DecisionView? Decision)
{
    public static SupplyEventView From(SupplyEventReceipt r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new SupplyEventView(r.Position, r.Kind, r.Digest, r.Decision is null ? null : DecisionView.From(r.Decision));
    }
}

/// <summary>An organisation to register: id, name, role, country, region and its Ed25519 public key (base64 of 32 bytes).</summary>
public sealed class RegisterOrganisation
{
    [Required]
    [StringLength(96, MinimumLength = 1)]
    public string Id { get; set; } = "";

    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string Name { get; set; } = "";

    [Required]
    public OrganisationKind? Kind { get; set; }

    [Required]
    [StringLength(2, MinimumLength = 2)]
    public string CountryCode { get; set; } = "";

    [Required]
    [StringLength(64, MinimumLength = 1)]
    public string Region { get; set; } = "";

    [Required]
    [StringLength(64, MinimumLength = 40)]
    public string PublicKey { get; set; } = "";
}

/// <summary>
/// <c>/api/supply</c>: the material supply chain (overview, a lot's history graph and its verification from receipts,
/// footprints) for every role; operators of the allocation region submit signed events; administrators register
/// organisations. Also maps the PACT v3 API at the root (<see cref="PactEndpoints"/>).
/// </summary>
public static class SupplyEndpoints
{
    public static void MapSupplyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/api/supply").WithTags("Supply");

        group.MapGet("/overview", async (SupplyChainService supply, CancellationToken ct) =>
                TypedResults.Ok(await supply.ReadAsync(r => SupplyQueries.Overview(r), ct)))
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("GetSupplyOverview")
            .WithSummary("Concentration (HHI by supplier and country), municipal reserves, withholding alerts, recent deliveries")
            .WithDescription("Any role.");

        group.MapGet("/lots/{lotId}/graph", async Task<Results<Ok<LotGraph>, NotFound>> (string lotId, SupplyChainService supply, CancellationToken ct) =>
                await supply.ReadAsync(r => SupplyQueries.Graph(r, lotId), ct) is { } graph ? TypedResults.Ok(graph) : TypedResults.NotFound())
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("GetLotGraph")
            .WithSummary("A lot's history back to its sources, as a layered graph")
            .WithDescription("Any role.");

        group.MapGet("/lots/{lotId}/verification", async Task<Results<Ok<LotVerification>, NotFound>> (string lotId, SupplyChainService supply, CancellationToken ct) =>
                await supply.VerifyLotAsync(lotId, ct) is { } verification ? TypedResults.Ok(verification) : TypedResults.NotFound())
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("VerifyLot")
            .WithSummary("Every event of a lot's history checked from its signature and its transparency-log receipt")
            .WithDescription("Any role.");

        group.MapGet("/footprints", async (SupplyChainService supply, CancellationToken ct) =>
                TypedResults.Ok((await supply.FootprintsAsync(ct)).TakeLast(200).Reverse().ToList()))
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("ListSupplyFootprints")
            .WithSummary("The latest PACT v3 footprints issued for delivered lots (newest first, at most 200)")
            .WithDescription("Any role. Data recipients use the PACT API (/3/footprints) instead.");

        group.MapPost("/events", AppendEventAsync)
            .RequireAuthorization(CivicGridPolicies.Operator)
            .WithName("AppendSupplyEvent")
            .WithSummary("Record a signed registration, transfer or transformation")
            .WithDescription("Operators scoped to the allocation region. The body is a signed event as in a chain file. Transfers and transformations are appended to the transparency log; the receipt is returned.");

        group.MapPost("/organisations", RegisterAsync)
            .RequireAuthorization(CivicGridPolicies.Administrator)
            .WithName("RegisterSupplyOrganisation")
            .WithSummary("Register a supply-chain organisation and its Ed25519 public key")
            .WithDescription("Administrators.");

        endpoints.MapPactEndpoints();
    }

    private static async Task<Results<Created<SupplyEventView>, ForbidHttpResult, ProblemHttpResult>> AppendEventAsync(
        HttpContext http, IAuthorizationService authorization, SupplyChainService supply, CancellationToken ct)
    {
        SignedSupplyEvent signed;
        try
        {
            using var reader = new StreamReader(http.Request.Body);
            signed = SupplyChainDocument.EventFromJson(await reader.ReadToEndAsync(ct), "request body");
        }
        catch (SupplyChainFormatException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "The body is not a signed supply event");
        }
        var region = await supply.AllocationRegionAsync(ct);
        var operatorId = http.User.UserId();
        if (region is null || operatorId is null || !(await authorization.AuthorizeAsync(http.User, region, RegionOperatorRequirement.OperatorsOnly)).Succeeded)
        {
            return TypedResults.Forbid();
        }
        try
        {
            var receipt = await supply.ApplyAsync(signed, DecisionActor.Operator(operatorId), ct);
            return TypedResults.Created($"/api/supply/events/{receipt.Position}", SupplyEventView.From(receipt));
        }
        catch (SupplyEventRejectedException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The supply event was rejected: " + ex.Rule,
                extensions: new Dictionary<string, object?> { ["rule"] = ex.Rule });
        }
    }

    private static async Task<Results<Created, ProblemHttpResult>> RegisterAsync(RegisterOrganisation body, SupplyChainService supply, CancellationToken ct)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(body.PublicKey);
        }
        catch (FormatException)
        {
            return TypedResults.Problem("publicKey is not base64.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid organisation");
        }
        try
        {
            await supply.AddOrganisationAsync(new Organisation(body.Id, body.Name, body.Kind!.Value, body.CountryCode, body.Region, key), ct);
        }
        catch (SupplyEventRejectedException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict, title: "The organisation cannot be registered");
        }
        return TypedResults.Created($"/api/supply/organisations/{body.Id}");
    }
}
