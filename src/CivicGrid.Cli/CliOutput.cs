using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace CivicGrid.Cli;

/// <summary>Shared options and output conventions of every command: <c>--json</c>, exit codes, error messages.</summary>
public static class CliOutput
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for bad input (unreadable file, parse error, invalid arguments).</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for a computation that ran but did not succeed (did not converge, verification failed).</summary>
    public const int Failed = 1;

    /// <summary><c>--json</c>: machine-readable output on standard output. Recognised on every command.</summary>
    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print machine-readable JSON on standard output",
        Recursive = true,
    };

    /// <summary>JSON settings used for every <c>--json</c> answer: snake_case names, no indentation games.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="value"/> as JSON to standard output.</summary>
    public static void WriteJson<T>(T value) =>
        Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>
    /// Reports an error on standard error (and as <c>{"error": …}</c> on standard output with <c>--json</c>)
    /// and returns <paramref name="exitCode"/>.
    /// </summary>
    public static int Error(ParseResult parse, string message, int exitCode = BadInput)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.GetValue(Json))
        {
            WriteJson(new { error = message });
        }
        Console.Error.WriteLine("error: " + message);
        return exitCode;
    }

    /// <summary>The console for human-readable tables and progress (standard error when JSON is requested).</summary>
    public static IAnsiConsole Human(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.GetValue(Json))
        {
            return AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        }
        return AnsiConsole.Console;
    }
}
