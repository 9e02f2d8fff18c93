using System.CommandLine;

namespace CivicGrid.Cli;

/// <summary>
/// One subcommand group of <c>civicgrid</c> (ledger, water, energy, …). Every non-abstract implementation in
/// this assembly is found at start-up, so a module adds its commands by adding one class in <c>Commands/</c>.
/// </summary>
public interface ICommandGroup
{
    /// <summary>Builds the group's command tree (for example <c>water</c> with <c>simulate</c>, <c>report</c>…).</summary>
    Command Build();
}
