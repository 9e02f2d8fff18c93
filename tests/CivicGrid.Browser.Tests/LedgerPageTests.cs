using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>The ledger explorer in headless Chromium: checkpoint, search with proofs, a decision's receipt, receipt upload.</summary>
public sealed class LedgerPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    [Fact]
    public async Task Explorer_finds_a_decision_with_its_proof_and_verifies_uploaded_receipts()
    {
        var page = await server.NewSignedInPageAsync();
        var (region, apiKey) = await CreateOperatorAsync(page);
        using (var http = new HttpClient { BaseAddress = new Uri(server.Url("/")) })
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
            foreach (var (kind, asset) in new[] { ("LoadShedding", "ledger-asset-a"), ("WaterRestriction", "ledger-asset-b") })
            {
                var response = await http.PostAsJsonAsync("api/decisions", new
                {
                    kind,
                    regionId = region,
                    assetIds = new[] { asset },
                    algorithm = "browser-test",
                    algorithmVersion = "1",
                    inputDigest = "sha256:00",
                    outcome = "restricted " + asset,
                    reason = "ledger page test",
                }, TestContext.Current.CancellationToken);
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            }
        }

        await page.GotoAsync(server.Url("ledger"));
        await Assertions.Expect(page.GetByTestId("ledger")).ToHaveAttributeAsync("data-interactive", "true");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Transparency ledger");
        await page.SelectOptionAsync("#ledger-log-region", region);
        await Assertions.Expect(page.GetByTestId("ledger-vkey")).ToContainTextAsync("civicgrid/" + region + "+");
        await Assertions.Expect(page.GetByTestId("ledger-published-size")).Not.ToHaveTextAsync("none yet");
        await Assertions.Expect(page.GetByTestId("ledger-no-cosignatures")).ToBeVisibleAsync();

        await page.SelectOptionAsync("#ledger-region", region);
        await page.FillAsync("#ledger-asset", "ledger-asset-b");
        await page.ClickAsync("#ledger-search");
        var rows = page.Locator("[data-testid=ledger-results] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("water_restriction");
        await Assertions.Expect(rows.First.GetByTestId("ledger-proof")).ToHaveTextAsync("included · published");

        await page.SelectOptionAsync("#ledger-kind", "load_shedding");
        await page.ClickAsync("#ledger-search");
        await Assertions.Expect(page.GetByTestId("ledger-no-results")).ToBeVisibleAsync();

        await page.SelectOptionAsync("#ledger-kind", "");
        await page.ClickAsync("#ledger-search");
        await rows.First.GetByRole(AriaRole.Button, new() { Name = "View" }).ClickAsync();
        var receipt = await page.GetByTestId("ledger-receipt").TextContentAsync() ?? "";
        Assert.StartsWith("civicgrid.receipt/v1\n", receipt, StringComparison.Ordinal);

        var file = Path.Combine(server.DataDirectory, "decision.receipt");
        await File.WriteAllTextAsync(file, receipt, TestContext.Current.CancellationToken);
        await page.SetInputFilesAsync("#ledger-receipt-file", file);
        await Assertions.Expect(page.GetByTestId("ledger-verdict")).ToHaveAttributeAsync("data-valid", "true");
        await Assertions.Expect(page.GetByTestId("ledger-verdict")).ToContainTextAsync("Valid receipt");

        // The same receipt with one proof or entry byte changed must be rejected.
        var lines = receipt.Split('\n');
        lines[2] = "entry " + Convert.ToBase64String("{\"forged\":true}"u8.ToArray());
        var forged = Path.Combine(server.DataDirectory, "forged.receipt");
        await File.WriteAllTextAsync(forged, string.Join('\n', lines), TestContext.Current.CancellationToken);
        await page.SetInputFilesAsync("#ledger-receipt-file", forged);
        await Assertions.Expect(page.GetByTestId("ledger-verdict")).ToHaveAttributeAsync("data-valid", "false");
        await Assertions.Expect(page.GetByTestId("ledger-verdict")).ToContainTextAsync("Invalid receipt");
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    private static async Task<(string Region, string ApiKey)> CreateOperatorAsync(IPage page)
    {
        var regions = await (await page.APIRequest.GetAsync("api/regions")).JsonAsync();
        var region = regions!.Value.EnumerateArray().First().GetProperty("id").GetString()!;
        var created = await page.APIRequest.PostAsync("api/accounts", new APIRequestContextOptions
        {
            DataObject = new { userName = "ledger-page-operator", roles = new[] { "operator" }, regions = new[] { region } },
        });
        Assert.True(created.Ok, await created.TextAsync());
        var id = (await created.JsonAsync())!.Value.GetProperty("account").GetProperty("id").GetString()!;
        var key = await page.APIRequest.PostAsync($"api/accounts/{id}/api-keys", new APIRequestContextOptions { DataObject = new { name = "ledger page test" } });
        Assert.True(key.Ok, await key.TextAsync());
        return (region, (await key.JsonAsync())!.Value.GetProperty("key").GetString()!);
    }
}
