using System.CommandLine;
using System.Reflection;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid version</c>: the tool's version.</summary>
public sealed class VersionCommands : ICommandGroup
{
    public Command Build()
    {
        var command = new Command("version", "Print the version of the civicgrid tool");
        command.SetAction(parse =>
        {
            var version = typeof(VersionCommands).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new { version });
            }
            else
            {
                Console.Out.WriteLine("civicgrid " + version);
            }
            return CliOutput.Ok;
        });
        return command;
    }
}
