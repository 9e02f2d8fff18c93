using System.Globalization;
using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>
/// The /energy/shedding page in headless Chromium: an operator marks a critical load, sheds a shortage that the
/// rotating planner spreads without touching it, and a biased manual order that the restriction audit flags.
/// </summary>
public sealed class EnergySheddingPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    private async Task<IPage> OperatorPageAsync()
    {
        var admin = await server.NewSignedInPageAsync();
        var regions = (await (await admin.APIRequest.GetAsync(server.Url("api/regions"))).JsonAsync())!.Value.EnumerateArray()
            .Select(r => r.GetProperty("id").GetString()!).ToArray();
        var userName = "shed-ops-" + Guid.NewGuid().ToString("N")[..6];
        const string password = "Shedding-operations-1!";
        var created = await admin.APIRequest.PostAsync(server.Url("api/accounts"), new APIRequestContextOptions
        {
            DataObject = new { userName, password, roles = new[] { "operator" }, regions },
        });
        Assert.True(created.Ok, await created.TextAsync());
        var page = await server.NewPageAsync();
        await server.SignInAsync(page, userName, password);
        await page.GotoAsync(server.Url("energy/shedding"));
        await Assertions.Expect(page.GetByTestId("energy-shedding")).ToHaveAttributeAsync("data-interactive", "true");
        return page;
    }

    [Fact]
    public async Task Shedding_never_disconnects_a_critical_load_and_the_audit_flags_a_biased_manual_order()
    {
        var page = await OperatorPageAsync();
        await page.ClickAsync("#shed-region-" + await RegionIdAsync(page, 1));
        await Assertions.Expect(page.GetByTestId("shed-blocks")).ToBeVisibleAsync();

        // Mark the first household as a critical load (home medical equipment).
        await page.Locator("[data-testid=shed-households] summary").ClickAsync();
        var row = page.Locator("[data-testid=shed-households] tr[data-household]").First;
        var household = (await row.GetAttributeAsync("data-household"))!;
        var critical = page.Locator($"[data-testid=shed-households] tr[data-household='{household}']");
        if (await critical.GetAttributeAsync("data-critical") != "true")
        {
            await page.GetByTestId("shed-toggle-critical-" + household).ClickAsync();
        }
        await Assertions.Expect(critical).ToHaveAttributeAsync("data-critical", "true");

        // A shortfall above everything sheddable: every block is shed in every interval, yet the critical load stays on.
        await page.FillAsync("#shed-kw", "100000");
        await page.FillAsync("#shed-intervals", "4");
        await page.ClickAsync("#shed-run");
        await Assertions.Expect(page.GetByTestId("shed-result")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("shed-decision")).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByTestId("shed-protected")).ToContainTextAsync(household);
        var shedHouseholds = await page.GetByTestId("shed-decision").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.households)");
        Assert.All(shedHouseholds, list =>
        {
            var ids = list.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(ids);
            Assert.DoesNotContain(household, ids);
        });
        var logIndex = long.Parse(await page.GetByTestId("shed-log-index").First.InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.True(logIndex >= 0);
        await Assertions.Expect(page.Locator("[data-testid=shed-chart-blocks] g[data-bar]")).ToHaveCountAsync(await page.GetByTestId("shed-block-row").CountAsync());
        await Assertions.Expect(page.GetByTestId("shed-audit")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("shed-audit")).ToHaveAttributeAsync("data-flagged", "false");

        // An operator who always sheds district 1 first: the audit of the run flags that district.
        var district = (await page.Locator("#shed-mode option").Nth(1).GetAttributeAsync("value"))!["manual:".Length..];
        await page.SelectOptionAsync("#shed-mode", "manual:" + district);
        await page.FillAsync("#shed-kw", await ShortfallForAQuarterAsync(page));
        await page.FillAsync("#shed-intervals", "16");
        await page.ClickAsync("#shed-run");
        await Assertions.Expect(page.GetByTestId("shed-result")).ToHaveAttributeAsync("data-algorithm", "operator-manual-shedding", new() { Timeout = 60_000 });
        var flagged = page.Locator($"[data-testid=shed-audit] tr[data-kind=district][data-name='{district}']");
        await Assertions.Expect(flagged).ToHaveAttributeAsync("data-flagged", "true");
        await Assertions.Expect(flagged).ToHaveClassAsync("shed-flagged");
        await Assertions.Expect(page.GetByTestId("shed-decision").First).Not.ToHaveAttributeAsync("data-households", new System.Text.RegularExpressions.Regex($"(^| ){household}( |$)"));
        // The audit of everything recorded in the region also sees the biased run.
        await Assertions.Expect(page.GetByTestId("shed-recorded-audit")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_shortage_day_is_shed_in_rotation_with_a_receipt_per_interval()
    {
        var page = await OperatorPageAsync();
        await page.ClickAsync("#shed-day");
        await Assertions.Expect(page.GetByTestId("shed-result")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Assertions.Expect(page.GetByTestId("shed-summary")).ToContainTextAsync("shortage day");
        var recorded = int.Parse(await page.GetByTestId("shed-decision-count").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.True(recorded > 0);
        await Assertions.Expect(page.GetByTestId("shed-decision")).ToHaveCountAsync(recorded);
        await Assertions.Expect(page.Locator("[data-testid=shed-chart-groups] g[data-bar]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=shed-audit] tr[data-testid=shed-audit-row]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=shed-runs] tbody tr").First).ToContainTextAsync("rotating-block-shedding");
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    private static async Task<string> RegionIdAsync(IPage page, int index) =>
        (await page.Locator("[aria-label=Region] button").Nth(index).GetAttributeAsync("id"))!["shed-region-".Length..];

    /// <summary>A quarter of the region's sheddable demand, as the summary states it.</summary>
    private static async Task<string> ShortfallForAQuarterAsync(IPage page)
    {
        var cells = await page.Locator("[data-testid=shed-blocks] tbody tr td:nth-child(5)").AllInnerTextsAsync();
        var sheddable = cells.Sum(c => double.Parse(c, CultureInfo.InvariantCulture));
        return (0.25 * sheddable).ToString("0.0", CultureInfo.InvariantCulture);
    }
}
