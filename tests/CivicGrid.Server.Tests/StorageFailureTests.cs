using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CivicGrid.Server.Tests.Infrastructure;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// The real server process on a database it cannot use: it must exit non-zero with a one-paragraph message
/// naming the problem, never a stack trace.
/// </summary>
public sealed class StorageFailureTests
{
    [Fact]
    public async Task Corrupted_sqlite_file_stops_the_server_with_a_clear_message()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var data = Path.Combine(folder.Path, "data");
        Directory.CreateDirectory(data);
        await File.WriteAllBytesAsync(Path.Combine(data, "civicgrid.db"),
            [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7 % 251))], TestContext.Current.CancellationToken);

        var (exitCode, stdout, stderr) = await RunServerAsync(folder.Path, new() { ["CivicGrid__DataDirectory"] = data });

        Assert.Equal(3, exitCode);
        Assert.Contains("CivicGrid cannot start", stderr, StringComparison.Ordinal);
        Assert.Contains("civicgrid.db", stderr, StringComparison.Ordinal);
        AssertNoStackTrace(stdout + stderr);
    }

    [Fact]
    public async Task Unreachable_postgres_stops_the_server_with_a_clear_message()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var closedPort = CivicGridServerFactory.FreeTcpPort();
        var (exitCode, stdout, stderr) = await RunServerAsync(folder.Path, new()
        {
            ["CivicGrid__Storage__Provider"] = "PostgreSQL",
            ["ConnectionStrings__CivicGrid"] = $"Host=127.0.0.1;Port={closedPort.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=civicgrid;Timeout=3",
        });

        Assert.Equal(3, exitCode);
        Assert.Contains("CivicGrid cannot start", stderr, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", stderr, StringComparison.Ordinal);
        AssertNoStackTrace(stdout + stderr);
    }

    [Fact]
    public async Task Invalid_storage_provider_setting_names_the_key()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var (exitCode, stdout, stderr) = await RunServerAsync(folder.Path, new() { ["CivicGrid__Storage__Provider"] = "Oracle" });

        Assert.Equal(3, exitCode);
        Assert.Contains("CivicGrid:Storage:Provider", stderr, StringComparison.Ordinal);
        AssertNoStackTrace(stdout + stderr);
    }

    private static void AssertNoStackTrace(string output)
    {
        var frames = output.Split('\n').Where(line => Regex.IsMatch(line, @"^\s+at \S+\(")).ToList();
        Assert.True(frames.Count == 0, "The server printed a stack trace:\n" + output);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunServerAsync(string workingDirectory, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CivicGrid.Server.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:" + CivicGridServerFactory.FreeTcpPort().ToString(CultureInfo.InvariantCulture));
        start.Environment["CivicGrid__DataDirectory"] = Path.Combine(workingDirectory, "data");
        start.Environment["CivicGrid__Orleans__SiloPort"] = "0";
        start.Environment["CivicGrid__Orleans__GatewayPort"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The server kept running on a database it cannot use.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
