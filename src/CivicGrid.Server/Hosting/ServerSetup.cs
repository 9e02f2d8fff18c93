using CivicGrid.Platform;
using CivicGrid.Platform.Storage;
using CivicGrid.Server.Api;
using CivicGrid.Server.Components;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace CivicGrid.Server.Hosting;

/// <summary>Composes the server: platform, Orleans, authentication, authorization, UI, API and telemetry.</summary>
public static class ServerSetup
{
    /// <summary>The policy scheme that picks the API-key handler or the Identity cookie per request.</summary>
    public const string DefaultScheme = "CivicGrid";

    /// <summary>The OpenID Connect scheme, registered only when an authority is configured.</summary>
    public const string OpenIdConnectScheme = "oidc";

    /// <summary>The name of the server's meter (counters for decisions appended and API keys used).</summary>
    public const string MeterName = "CivicGrid.Server";

    public static WebApplicationBuilder AddCivicGridServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        // Serve wwwroot and the framework's scripts straight from a build (dotnet run), not only from a publish.
        builder.WebHost.UseStaticWebAssets();
        services.AddCivicGridPlatform(configuration);
        builder.AddCivicGridOrleans();
        services.AddLedgerServer();
        services.AddSupplyServer(configuration);

        // Sign-in cookies must survive restarts and be readable by every instance behind a load balancer:
        // keep the keys with the data (or in a shared folder named by CivicGrid:DataProtection:KeysDirectory).
        var keys = configuration["CivicGrid:DataProtection:KeysDirectory"] is { Length: > 0 } shared
            ? shared
            : Path.Combine(configuration.ReadPlatformOptions().DataDirectoryFullPath, "keys");
        services.AddDataProtection().SetApplicationName("CivicGrid").PersistKeysToFileSystem(new DirectoryInfo(keys));

        AddAuthentication(services, configuration);
        services.AddAuthorization(CivicGridPolicies.AddTo);
        services.AddScoped<IAuthorizationHandler, RegionOperatorHandler>();
        services.AddCascadingAuthenticationState();

        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDetailsSetup.Customize);
        services.AddValidation();
        services.AddOpenApi(OpenApiSetup.Configure);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ServerMetrics>();
        services.AddScoped<CityStatusQuery>();
        services.AddParticipation();
        services.AddWaterServer();
        services.AddWaterOperationsServer();
        services.AddWaterLeakServer();
        services.AddMobility();
        services.AddFederationServer();
        services.AddTelemetryServer();
        CivicGrid.Platform.Energy.VppPlatformExtensions.AddVppPlatform(services);
        CivicGrid.Platform.Energy.GridPlatformExtensions.AddGridPlatform(services);
        CivicGrid.Platform.Energy.EnergyMarketPlatformExtensions.AddEnergyMarketPlatform(services);
        services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("CivicGrid.Server", serviceVersion: typeof(ServerSetup).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics => metrics
                .AddMeter(MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                    "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.Authentication",
                    "Microsoft.AspNetCore.Authorization", "Microsoft.AspNetCore.Components",
                    "Microsoft.AspNetCore.Identity", "Microsoft.EntityFrameworkCore", "Microsoft.Orleans", "System.Runtime")
                .AddPrometheusExporter());
        return builder;
    }

    private static void AddAuthentication(IServiceCollection services, IConfiguration configuration)
    {
        services.AddIdentityCore<PlatformUser>(options =>
            {
                options.User.RequireUniqueEmail = false;
                options.Lockout.MaxFailedAccessAttempts = 10;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PlatformDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        var authentication = services.AddAuthentication(options =>
            {
                options.DefaultScheme = DefaultScheme;
                options.DefaultChallengeScheme = DefaultScheme;
                options.DefaultForbidScheme = DefaultScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddPolicyScheme(DefaultScheme, displayName: null, options =>
                options.ForwardDefaultSelector = context =>
                    context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                        ? ApiKeyAuthenticationHandler.SchemeName
                        : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, displayName: null, configureOptions: null);
        authentication.AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(options =>
        {
            options.LoginPath = "/account/login";
            options.LogoutPath = "/account/logout";
            options.AccessDeniedPath = "/account/access-denied";
            options.Cookie.Name = "civicgrid.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            // Machines get a bare 401/403 (turned into problem details); people get the login page.
            options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        }));

        var oidc = configuration.GetSection("Authentication:OpenIdConnect");
        if (!string.IsNullOrWhiteSpace(oidc["Authority"]))
        {
            authentication.AddOpenIdConnect(OpenIdConnectScheme, oidc["DisplayName"] ?? "single sign-on", options =>
            {
                options.Authority = oidc["Authority"];
                options.ClientId = oidc["ClientId"];
                options.ClientSecret = oidc["ClientSecret"];
                options.ResponseType = "code";
                options.UsePkce = true;
                options.SaveTokens = false;
                options.GetClaimsFromUserInfoEndpoint = true;
                options.MapInboundClaims = false;
                options.CallbackPath = oidc["CallbackPath"] ?? "/signin-oidc";
                options.SignInScheme = IdentityConstants.ExternalScheme;
                options.RequireHttpsMetadata = !bool.TryParse(oidc["RequireHttpsMetadata"], out var requireHttps) || requireHttps;
                options.Scope.Clear();
                foreach (var scope in (oidc["Scopes"] ?? "openid profile email").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    options.Scope.Add(scope);
                }
            });
        }
    }

    private static Task RedirectOrStatus(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (RequestKinds.IsMachineRequest(context.Request))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }
        return Task.CompletedTask;
    }

    public static WebApplication UseCivicGridServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A malformed request body or query is the client's error, not the server's.
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages(ProblemDetailsSetup.WriteStatusCodePageAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapCivicGridHealth();
        app.MapOpenApi().AllowAnonymous();
        app.MapPrometheusScrapingEndpoint().RequireAuthorization(CivicGridPolicies.Telemetry);
        app.MapAccountEndpoints();
        app.MapCivicGridApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
