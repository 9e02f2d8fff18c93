using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CivicGrid.Server.Hosting;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c>: title, description and the two ways to authenticate.</summary>
public static class OpenApiSetup
{
    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "CivicGrid API",
                Version = "v1",
                Description = "The REST API of a CivicGrid node: regions, assets, decision records, accounts and API keys, and the city's status. " +
                    "Errors are RFC 9457 problem details. Authenticate with the session cookie of the web UI or an API key in the X-Api-Key header.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = Security.ApiKeyAuthenticationHandler.HeaderName,
                Description = "An API key created by an administrator (POST /api/accounts/{id}/api-keys). It acts with its account's roles and region scopes.",
            };
            document.Components.SecuritySchemes["Cookie"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = "civicgrid.auth",
                Description = "The session cookie set by signing in to the web UI.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] });
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Cookie", document)] = [] });
            return Task.CompletedTask;
        });
    }
}
