using System.Text;
using CivicGrid.Platform.Water;
using CivicGrid.Server.Security;
using CivicGrid.Water.Inp;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicGrid.Server.Api;

/// <summary>Summary of a run: what the network is, whether every step converged, and the ranges seen over the period.</summary>
public sealed record WaterRunSummary(
    string Name,
    string Title,
    string Status,
    int Nodes,
    int Links,
    int Steps,
    int Iterations,
    long DurationSeconds,
    int ReportTimes,
    string FlowUnits,
    string PressureUnits,
    double MinPressure,
    double MaxPressure,
    string QualityKind,
    string QualityUnits,
    bool QualityFromFile,
    double MinQuality,
    double MaxQuality,
    double MassBalanceRatio,
    double ElapsedMilliseconds,
    IReadOnlyList<WaterRunWarning> Warnings)
{
    public static WaterRunSummary From(WaterRunResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var junctions = r.Nodes.Select((n, i) => (n, i)).Where(x => x.n.Kind == "junction").Select(x => x.i).ToArray();
        double Min(IReadOnlyList<double[]> series, int[] which) => series.Count == 0 || which.Length == 0 ? 0 : series.Min(row => which.Min(i => row[i]));
        double Max(IReadOnlyList<double[]> series, int[] which) => series.Count == 0 || which.Length == 0 ? 0 : series.Max(row => which.Max(i => row[i]));
        var all = Enumerable.Range(0, r.Nodes.Count).ToArray();
        return new WaterRunSummary(r.Name, r.Title, r.Converged ? "converged" : "unbalanced", r.Nodes.Count, r.Links.Count, r.Steps,
            r.Iterations, r.DurationSeconds, r.Times.Count, r.FlowUnits, r.PressureUnits, Min(r.Pressure, junctions), Max(r.Pressure, junctions),
            r.QualityKind, r.QualityUnits, r.QualityFromFile, Min(r.Quality, all), Max(r.Quality, all), r.MassBalanceRatio,
            r.ElapsedMilliseconds, [.. r.Warnings.Take(50)]);
    }
}

/// <summary>
/// <c>/api/water</c>: run an EPANET <c>.inp</c> network (hydraulics and water quality) and get a summary back; download
/// the demo network. Any role: a simulation changes nothing and restricts no one's supply, so it records no decision.
/// </summary>
public static class WaterEndpoints
{
    public static void MapWaterEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/water").WithTags("Water");

        group.MapPost("/run", RunAsync)
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .Accepts<string>("text/plain")
            .WithName("RunWaterNetwork")
            .WithSummary("Run an EPANET .inp network: extended-period hydraulics and water quality")
            .WithDescription("The body is the .inp text (at most 8 MB, 20,000 nodes); ?name= names the file in messages. "
                + "A file that cannot be read is a 400 problem with the line, column, EPANET error code and reason. Any role.");

        group.MapGet("/demo.inp", () => TypedResults.Text(WaterNetworkRunner.DemoText(), "text/plain", Encoding.UTF8))
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("GetWaterDemoNetwork")
            .WithSummary("The demo city's water network as an .inp file")
            .WithDescription("Any role.");
    }

    private static async Task<Results<Ok<WaterRunSummary>, ProblemHttpResult>> RunAsync(
        HttpRequest request, WaterNetworkRunner runner, string? name, CancellationToken ct)
    {
        var fileName = string.IsNullOrWhiteSpace(name) ? "network.inp" : Path.GetFileName(name);
        string text;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            var buffer = new char[WaterNetworkRunner.MaxInputCharacters + 1];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await reader.ReadAsync(buffer.AsMemory(read, buffer.Length - read), ct)) > 0)
            {
                read += n;
            }
            text = new string(buffer, 0, read);
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            return TypedResults.Problem("The request body must be the text of an EPANET .inp file.", statusCode: StatusCodes.Status400BadRequest,
                title: "No network file");
        }
        try
        {
            var result = await Task.Run(() => runner.Run(text, fileName, ct), ct);
            return TypedResults.Ok(WaterRunSummary.From(result));
        }
        catch (InpFormatException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The network file is not valid",
                extensions: new Dictionary<string, object?>
                {
                    ["file"] = e.FileName,
                    ["line"] = e.Line,
                    ["column"] = e.Column,
                    ["errorCode"] = e.ErrorCode,
                    ["reason"] = e.Reason,
                });
        }
    }
}
