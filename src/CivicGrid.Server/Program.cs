using CivicGrid.Platform;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddProblemDetails();
builder.Services.AddHealthChecks();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthChecks("/health/live");
app.MapGet("/", () => Results.Text($"{PlatformInfo.ProductName} is running."));
app.Run();

/// <summary>The server's entry point; public so that tests can host it.</summary>
public partial class Program;
