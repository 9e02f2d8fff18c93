using System.Text;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform;
using CivicGrid.Platform.Water;
using CivicGrid.Server.Security;
using CivicGrid.Water.Leaks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicGrid.Server.Api;

/// <summary>A recorded leak alarm with its decision record and receipt.</summary>
public sealed record LeakAlarmApiView(
    string Method,
    long TimeSeconds,
    string? PipeId,
    string TriggerSensor,
    double? CentreX,
    double? CentreY,
    double? Radius,
    IReadOnlyList<string> AreaPipes,
    double EstimatedLeakLitersPerSecond,
    DecisionView Decision)
{
    public static LeakAlarmApiView From(LeakAlarmView a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new LeakAlarmApiView(a.Method, a.TimeSeconds, a.PipeId, a.TriggerSensor, a.CentreX, a.CentreY, a.Radius, a.AreaPipes, a.EstimatedLeakLitersPerSecond, DecisionView.From(a.Receipt));
    }
}

/// <summary>A detection run's answer.</summary>
public sealed record LeakRunApiView(string Source, int Seed, int Samples, IReadOnlyList<string> Sensors, IReadOnlyList<LeakTruthView> Leaks, IReadOnlyList<LeakAlarmApiView> Alarms, double? ScoreEuro, int? TruePositives)
{
    public static LeakRunApiView From(LeakRunView r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new LeakRunApiView(r.Source, r.Seed, r.Samples, r.Sensors, r.Leaks, [.. r.Alarms.Select(LeakAlarmApiView.From)], r.ScoreEuro, r.TruePositives);
    }
}

/// <summary>
/// <c>/api/water/leaks</c>: leak alarms of the demo city's water network. Reading alarms needs any role; running
/// detection (a simulated replay or an uploaded sensor CSV) records each alarm as a decision, so it needs an operator
/// of every region.
/// </summary>
public static class WaterLeakEndpoints
{
    public static void MapWaterLeakEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/water/leaks").WithTags("Water leaks");

        group.MapGet("/alarms", ListAsync)
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("ListWaterLeakAlarms")
            .WithSummary("Recorded leak alarms, newest first, with the suspected area and the decision receipt")
            .WithDescription("?take= at most 200 (default 50). Any role.");

        group.MapPost("/replay", ReplayAsync)
            .RequireAuthorization(CivicGridPolicies.Operator)
            .WithName("ReplayWaterLeakScenario")
            .WithSummary("Simulate sensor data of the demo network with a leak (?seed=), detect, and record every alarm")
            .WithDescription("Operators of every region.");

        group.MapPost("/detect", DetectAsync)
            .RequireAuthorization(CivicGridPolicies.Operator)
            .Accepts<string>("text/csv")
            .WithName("DetectWaterLeaks")
            .WithSummary("Detect leaks in an uploaded sensor CSV of the demo network and record every alarm")
            .WithDescription("Body: time_s,P:<node>…,Q:<link>…,L:<tank>… (at most 8 MB); ?name= names the file, ?trainingDays= the leak-free "
                + "period at the start (default 3). A malformed file is a 400 problem with file, line, column and reason. Operators of every region.");
    }

    private static async Task<Results<Ok<IReadOnlyList<LeakAlarmApiView>>, ProblemHttpResult>> ListAsync(LeaksService leaks, CancellationToken ct, int take = 50)
    {
        if (take is < 1 or > 200)
        {
            return TypedResults.Problem("take must be between 1 and 200", statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
        }
        var alarms = await leaks.ListAlarmsAsync(take, ct);
        return TypedResults.Ok<IReadOnlyList<LeakAlarmApiView>>([.. alarms.Select(LeakAlarmApiView.From)]);
    }

    private static async Task<Results<Ok<LeakRunApiView>, ForbidHttpResult, ProblemHttpResult>> ReplayAsync(
        HttpContext http, IAuthorizationService authorization, CityRepository city, LeaksService leaks, CancellationToken ct, int seed = 1)
    {
        if (seed is < 0 or > 1_000_000)
        {
            return TypedResults.Problem("seed must be between 0 and 1000000", statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
        }
        var actor = await WaterOperationsEndpoints.OperatorOfAllAsync(http, authorization, city, ct);
        if (actor is null)
        {
            return TypedResults.Forbid();
        }
        try
        {
            return TypedResults.Ok(LeakRunApiView.From(await leaks.ReplayAsync(seed, actor, ct)));
        }
        catch (InvalidDecisionException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The alarms cannot be recorded");
        }
    }

    private static async Task<Results<Ok<LeakRunApiView>, ForbidHttpResult, ProblemHttpResult>> DetectAsync(
        HttpContext http, IAuthorizationService authorization, CityRepository city, LeaksService leaks, CancellationToken ct, string? name = null, double trainingDays = 3)
    {
        var fileName = string.IsNullOrWhiteSpace(name) ? "sensors.csv" : Path.GetFileName(name);
        var actor = await WaterOperationsEndpoints.OperatorOfAllAsync(http, authorization, city, ct);
        if (actor is null)
        {
            return TypedResults.Forbid();
        }
        if (trainingDays is <= 0 or > 60)
        {
            return TypedResults.Problem("trainingDays must be in (0, 60]", statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
        }
        string text;
        using (var reader = new StreamReader(http.Request.Body, Encoding.UTF8))
        {
            var buffer = new char[LeaksService.MaxCsvCharacters + 1];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await reader.ReadAsync(buffer.AsMemory(read, buffer.Length - read), ct)) > 0)
            {
                read += n;
            }
            text = new string(buffer, 0, read);
        }
        try
        {
            return TypedResults.Ok(LeakRunApiView.From(await leaks.DetectAsync(text, fileName, trainingDays, actor, ct)));
        }
        catch (LeakDataFormatException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The sensor file is not valid",
                extensions: new Dictionary<string, object?> { ["file"] = e.FileName, ["line"] = e.Line, ["column"] = e.Column, ["reason"] = e.Reason });
        }
        catch (ArgumentException e)
        {
            return TypedResults.Problem($"{fileName}: {e.Message}", statusCode: StatusCodes.Status400BadRequest, title: "The sensor data does not fit the demo network");
        }
        catch (InvalidDecisionException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The alarms cannot be recorded");
        }
    }
}
