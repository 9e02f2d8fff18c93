using System.CommandLine;
using System.Reflection;
using CivicGrid.Cli;

var root = new RootCommand("civicgrid — run CivicGrid's engines on files: water, energy, mobility, ledger, governance, studio, supply.");
root.Options.Add(CliOutput.Json);

var groups = typeof(ICommandGroup).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(ICommandGroup).IsAssignableFrom(t))
    .Select(t => (ICommandGroup)Activator.CreateInstance(t)!)
    .Select(g => g.Build())
    .OrderBy(c => c.Name, StringComparer.Ordinal);
foreach (var command in groups)
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
