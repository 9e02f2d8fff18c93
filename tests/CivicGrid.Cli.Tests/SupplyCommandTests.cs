using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class SupplyCommandTests
{
    [Fact]
    public async Task Demo_chain_traces_finds_injected_withholding_and_issues_a_footprint()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var chain = Path.Combine(tmp.Path, "chain.json");
        var demo = await CliRunner.RunAsync("supply", "demo", "--out", chain, "--months", "8", "--withhold", "refiner-b:maker-north", "--json");
        Assert.Equal(0, demo.ExitCode);

        var concentration = await CliRunner.RunAsync("supply", "concentration", chain, "--material", "copper", "--json");
        Assert.Equal(0, concentration.ExitCode);
        using (var doc = JsonDocument.Parse(concentration.StdOut))
        {
            var copper = doc.RootElement[0];
            Assert.Equal("copper", copper.GetProperty("material").GetString());
            Assert.InRange(copper.GetProperty("supplier_hhi").GetDouble(), 0, 10000);
        }

        var withholding = await CliRunner.RunAsync("supply", "withholding", chain, "--json");
        Assert.Equal(0, withholding.ExitCode);
        Assert.Contains("maker-north", withholding.StdOut, StringComparison.Ordinal);

        using var chainDoc = JsonDocument.Parse(await File.ReadAllTextAsync(chain, TestContext.Current.CancellationToken));
        var lastLot = chainDoc.RootElement.GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("event")).Last(e => e.GetProperty("type").GetString() == "transfer").GetProperty("lotId").GetString()!;
        var trace = await CliRunner.RunAsync("supply", "trace", chain, "--lot", lastLot, "--json");
        Assert.Equal(0, trace.ExitCode);
        using (var doc = JsonDocument.Parse(trace.StdOut))
        {
            Assert.True(doc.RootElement.GetProperty("steps").GetArrayLength() > 3);
            Assert.InRange(doc.RootElement.GetProperty("recycled_share").GetDouble(), 0.01, 0.99);
        }

        var footprint = await CliRunner.RunAsync("supply", "footprint", chain, "--lot", lastLot);
        Assert.Equal(0, footprint.ExitCode);
        using (var doc = JsonDocument.Parse(footprint.StdOut))
        {
            Assert.Equal("3.0.0", doc.RootElement.GetProperty("specVersion").GetString());
            Assert.True(decimal.Parse(doc.RootElement.GetProperty("pcf").GetProperty("pcfExcludingBiogenicUptake").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        }
    }

    [Fact]
    public async Task A_tampered_chain_file_is_refused_with_the_event_named()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var chain = Path.Combine(tmp.Path, "chain.json");
        Assert.Equal(0, (await CliRunner.RunAsync("supply", "demo", "--out", chain, "--months", "5")).ExitCode);
        var text = await File.ReadAllTextAsync(chain, TestContext.Current.CancellationToken);
        var tampered = text.Replace("\"toOrganisationId\": \"maker-east\"", "\"toOrganisationId\": \"maker-west\"", StringComparison.Ordinal);
        Assert.NotEqual(text, tampered);
        await File.WriteAllTextAsync(chain, tampered, TestContext.Current.CancellationToken);

        var result = await CliRunner.RunAsync("supply", "concentration", chain);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("BadSignature", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pact_fetch_refuses_a_non_http_url_and_reports_an_unreachable_host()
    {
        var ftp = await CliRunner.RunAsync("supply", "pact", "fetch", "ftp://pact.example", "--client-id", "a", "--client-secret", "b");
        Assert.Equal(2, ftp.ExitCode);
        Assert.Contains("not an http(s) URL", ftp.StdErr + ftp.StdOut, StringComparison.Ordinal);

        // Port 9 (discard) on loopback is closed here: the client reports the failed request (discovery of the token
        // endpoint comes first) with the address it tried, not a crash.
        var closed = await CliRunner.RunAsync("supply", "pact", "fetch", "http://127.0.0.1:9", "--client-id", "a", "--client-secret", "b", "--json");
        Assert.Equal(2, closed.ExitCode);
        using var error = JsonDocument.Parse(closed.StdOut);
        var message = error.RootElement.GetProperty("error").GetString();
        Assert.Contains("http://127.0.0.1:9/", message, StringComparison.Ordinal);
        Assert.True(message!.Contains("openid-configuration", StringComparison.Ordinal) || message.Contains("auth/token", StringComparison.Ordinal), message);
    }
}
