using CivicGrid.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddCivicGridServer();

var app = builder.Build();
app.UseCivicGridServer();

// Creates or migrates the database, seeds the demo city and the first administrator; a database that
// cannot be used ends the process here with a message instead of a stack trace.
return await app.RunCivicGridAsync();

/// <summary>The server's entry point; public so that tests can host it.</summary>
public partial class Program;
