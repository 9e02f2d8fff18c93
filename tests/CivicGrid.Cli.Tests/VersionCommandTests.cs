using System.Text.Json;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class VersionCommandTests
{
    [Fact]
    public async Task Version_with_json_prints_a_version_field()
    {
        var result = await CliRunner.RunAsync("version", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task Unknown_command_exits_non_zero()
    {
        var result = await CliRunner.RunAsync("no-such-command");
        Assert.NotEqual(0, result.ExitCode);
    }
}
