using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>
/// The supply-chain page in headless Chromium on the demo city's chain: the injected withholding is shown with its
/// evidence, concentration charts and municipal reserves are drawn, and a lot's history is a graph whose events
/// verify from signatures and receipts.
/// </summary>
public sealed class ResourcesPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    [Fact]
    public async Task Page_shows_alerts_concentration_reserves_and_a_verified_lot_graph()
    {
        var page = await server.NewSignedInPageAsync();
        // The demo chain is seeded in the background at start-up, so the page answers at once (normal timeouts) and says
        // "seeding…" until the chain is there; it then fills in by itself.
        await page.GotoAsync(server.Url("resources"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Resources: material supply chains");
        await Assertions.Expect(page.GetByTestId("supply-counts").Or(page.GetByTestId("supply-seeding"))).ToBeVisibleAsync();
        // Seeding keeps running in the background on a loaded runner; the page fills in without a reload.
        await Assertions.Expect(page.GetByTestId("supply-counts")).ToBeVisibleAsync(new() { Timeout = 120_000 });

        var alert = page.GetByTestId("withholding-alert").First;
        await Assertions.Expect(alert).ToContainTextAsync("refiner-a → maker-east");
        await Assertions.Expect(alert.Locator("table.evidence")).ToContainTextAsync("z-score");
        // One bar per copper supplier: both refineries deliver copper (the recycler's cathode may appear as a third).
        await Assertions.Expect(page.GetByTestId("hhi-supplier-copper").Locator("g[data-key=refiner-a] rect")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("hhi-supplier-copper").Locator("g[data-key=refiner-b] rect")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("hhi-country-copper")).ToContainTextAsync("HHI");
        await Assertions.Expect(page.GetByTestId("reserve-row").First).ToContainTextAsync("reserve-warehouse-1");
        await Assertions.Expect(page.GetByTestId("footprint-row")).ToHaveCountAsync(10);

        await page.GetByTestId("lot-link").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("lot-graph")).ToBeVisibleAsync();
        var nodes = await page.GetByTestId("lot-node").CountAsync();
        Assert.True(nodes > 3, $"a delivered lot has a history back to mines and scrap ({nodes} nodes)");
        await Assertions.Expect(page.Locator("[data-testid=lot-graph] line.edge").First).ToBeAttachedAsync();
        await Assertions.Expect(page.GetByTestId("lot-verified")).ToContainTextAsync("verified");
        await Assertions.Expect(page.GetByTestId("lot-verified")).Not.ToContainTextAsync("not verified");
        await Assertions.Expect(page.Locator("[data-testid=lot-history] summary").First).ToContainTextAsync("valid");
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }
}
