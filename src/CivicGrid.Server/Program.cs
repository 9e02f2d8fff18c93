using CivicGrid.Server.Hosting;

// Configuration errors, an unreachable or corrupted database end the process with a message, not a stack trace.
return await ServerRunner.RunAsync(args, builder => builder.AddCivicGridServer(), app => app.UseCivicGridServer());

/// <summary>The server's entry point; public so that tests can host it.</summary>
public partial class Program;
