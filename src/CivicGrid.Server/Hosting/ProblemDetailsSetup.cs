using System.Diagnostics;
using System.Globalization;
using System.Net;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace CivicGrid.Server.Hosting;

/// <summary>RFC 9457 problem details for every error the server answers.</summary>
public static class ProblemDetailsSetup
{
    /// <summary>Adds the request path as <c>instance</c> and a trace id to correlate with the logs.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        problem.Instance ??= context.HttpContext.Request.Path;
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
        if (problem.Status is int status && string.IsNullOrEmpty(problem.Detail))
        {
            problem.Detail = DefaultDetail(status);
        }
    }

    /// <summary>
    /// Turns an empty error response (401, 403, 404, 405, …) into problem details for machines, and into a
    /// small HTML page for a person's browser.
    /// </summary>
    public static async Task WriteStatusCodePageAsync(StatusCodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        if (RequestKinds.IsMachineRequest(http.Request))
        {
            // Machines always get problem details, whatever their Accept header says.
            var problem = new ProblemDetails { Status = status, Title = ReasonPhrases.GetReasonPhrase(status) };
            Customize(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
            await TypedResults.Problem(problem).ExecuteAsync(http);
            return;
        }

        var title = WebUtility.HtmlEncode(ReasonPhrases.GetReasonPhrase(status));
        var detail = WebUtility.HtmlEncode(DefaultDetail(status));
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + " · CivicGrid</title>" +
            "<link rel=\"stylesheet\" href=\"/app.css\"></head><body><div class=\"account-shell\"><div class=\"account-card\">" +
            "<h1>" + title + "</h1><p>" + detail + "</p><p><a href=\"/\">Back to the city status</a></p>" +
            "</div></div></body></html>");
    }

    private static string DefaultDetail(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is not valid.",
        StatusCodes.Status401Unauthorized => "Sign in, or send a valid API key in the X-Api-Key header.",
        StatusCodes.Status403Forbidden => "Your account's roles or region scopes do not allow this.",
        StatusCodes.Status404NotFound => "There is nothing at this address.",
        StatusCodes.Status405MethodNotAllowed => "This address does not accept that HTTP method.",
        StatusCodes.Status409Conflict => "The resource was changed by someone else; reload it and try again.",
        StatusCodes.Status415UnsupportedMediaType => "Send the request body as application/json.",
        >= 500 => "The server could not complete the request. The trace id identifies it in the server's log.",
        _ => ReasonPhrases.GetReasonPhrase(status),
    };
}
