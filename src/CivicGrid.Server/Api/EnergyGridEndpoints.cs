using System.ComponentModel.DataAnnotations;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Platform.Energy;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicGrid.Server.Api;

/// <summary>
/// A grid study to run: on the demo city's feeders (no <see cref="CaseText"/>) or on the text of an uploaded MATPOWER
/// version 2 case.
/// </summary>
public sealed class GridStudyBody
{
    /// <summary><c>ac-pf</c> (AC power flow) or <c>dc-opf</c> (DC optimal power flow with nodal prices).</summary>
    [Required]
    [RegularExpression("^(ac-pf|dc-opf)$")]
    public string Study { get; set; } = "ac-pf";

    /// <summary>Text of a MATPOWER case; the demo city's feeders when absent.</summary>
    [MaxLength(50_000_000)]
    public string? CaseText { get; set; }

    [MaxLength(200)]
    public string? CaseFileName { get; set; }

    /// <summary>Demo feeders only: <c>evening-peak</c> or <c>sunny-noon</c>.</summary>
    [RegularExpression("^(evening-peak|sunny-noon)$")]
    public string Scenario { get; set; } = "evening-peak";

    public bool FlatStart { get; set; }

    public bool EnforceReactiveLimits { get; set; }

    /// <summary>DC-OPF: <c>matpower</c> or <c>powermodels</c>.</summary>
    [RegularExpression("^(matpower|powermodels)$")]
    public string Convention { get; set; } = "matpower";
}

/// <summary>
/// <c>/api/energy/grid</c>: the demo city's feeders as a MATPOWER case, and AC power flow or DC optimal power flow on
/// them or on an uploaded case. Studies restrict no one's supply, so no decision is recorded.
/// </summary>
public static class EnergyGridEndpoints
{
    public static void MapEnergyGridEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/energy/grid").WithTags("Energy");

        group.MapGet("/demo-case", (GridStudyService grid, string? scenario) =>
                TypedResults.Text(grid.DemoCaseText(ParseScenario(scenario)), "text/plain; charset=utf-8"))
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("GetDemoGridCase")
            .WithSummary("The demo city's feeders as a MATPOWER version 2 case")
            .WithDescription("Query scenario=evening-peak (default) or sunny-noon. Infrastructure readers and above.");

        group.MapPost("/studies", RunStudy)
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("RunGridStudy")
            .WithSummary("AC power flow or DC optimal power flow on the demo feeders or an uploaded MATPOWER case")
            .WithDescription("Returns bus voltages, branch flows and loadings, generator outputs and (DC-OPF) nodal prices. A case that does not parse is a 400 problem naming file, line, column and reason. Infrastructure readers and above.");
    }

    private static GridScenario ParseScenario(string? scenario) =>
        scenario == "sunny-noon" ? GridScenario.SunnyNoon : GridScenario.EveningPeak;

    private static Results<Ok<GridStudyResult>, ProblemHttpResult> RunStudy(GridStudyBody body, GridStudyService grid, CancellationToken ct)
    {
        var request = new GridStudyRequest(
            body.Study == "dc-opf" ? GridStudyKind.DcOptimalPowerFlow : GridStudyKind.AcPowerFlow,
            body.CaseText, body.CaseFileName, ParseScenario(body.Scenario), body.FlatStart, body.EnforceReactiveLimits, body.Convention);
        try
        {
            return TypedResults.Ok(grid.Run(request, ct));
        }
        catch (MatpowerFormatException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "The MATPOWER case cannot be read",
                extensions: new Dictionary<string, object?> { ["file"] = ex.File, ["line"] = ex.Line, ["column"] = ex.Column, ["reason"] = ex.Reason });
        }
        catch (Exception ex) when (ex is GridStudyException or ArgumentException)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "The grid study cannot be run");
        }
    }
}
