using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>The water operations page in headless Chromium: the demo pump schedule chart, and a city operator planning
/// drought restrictions that come back with their receipts and the restriction audit.</summary>
public sealed class WaterOperationsPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    [Fact]
    public async Task Pump_schedule_chart_shows_savings_and_a_resident_view_cannot_restrict()
    {
        var page = await server.NewSignedInPageAsync();
        await page.GotoAsync(server.Url("water/operations"));
        await Assertions.Expect(page.GetByTestId("water-operations")).ToHaveAttributeAsync("data-interactive", "true");
        await Assertions.Expect(page.GetByTestId("ops-schedule-chart")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Assertions.Expect(page.GetByTestId("ops-schedule-feasible")).ToHaveTextAsync("kept");
        await Assertions.Expect(page.GetByTestId("ops-schedule-savings")).ToContainTextAsync("% saved");
        // Two pumps × 24 hours of on/off cells, each with its state as text for screen readers.
        await Assertions.Expect(page.Locator("[data-testid=ops-schedule-chart] rect[data-pump]")).ToHaveCountAsync(48);
        await Assertions.Expect(page.Locator("[data-testid=ops-schedule-chart] rect[data-pump] title").First).ToContainTextAsync("pump");
        // The administrator is not an operator of the regions: the decisions are not theirs to make.
        await Assertions.Expect(page.GetByTestId("ops-operator-only")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ops-restrict")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task City_operator_plans_drought_restrictions_with_receipts_and_audit()
    {
        var admin = await server.NewSignedInPageAsync();
        var regions = (await (await admin.APIRequest.GetAsync(server.Url("api/regions"))).JsonAsync())!.Value.EnumerateArray()
            .Select(r => r.GetProperty("id").GetString()!).ToArray();
        var userName = "water-ops-" + Guid.NewGuid().ToString("N")[..6];
        const string password = "Water-operations-1!";
        var created = await admin.APIRequest.PostAsync(server.Url("api/accounts"), new APIRequestContextOptions
        {
            DataObject = new { userName, password, roles = new[] { "operator" }, regions },
        });
        Assert.True(created.Ok, await created.TextAsync());

        var page = await server.NewPageAsync();
        await server.SignInAsync(page, userName, password);
        await page.GotoAsync(server.Url("water/operations"));
        await Assertions.Expect(page.GetByTestId("water-operations")).ToHaveAttributeAsync("data-interactive", "true");
        await Assertions.Expect(page.Locator("#ops-restrict")).ToBeEnabledAsync();
        await page.ClickAsync("#ops-restrict");
        await Assertions.Expect(page.GetByTestId("ops-restriction-table")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=ops-restriction-table] tbody tr")).ToHaveCountAsync(regions.Length);
        await Assertions.Expect(page.GetByTestId("ops-restriction-receipts")).ToBeVisibleAsync();
        await page.Locator("[data-testid=ops-restriction-receipts] summary").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=ops-restriction-receipts] .ops-receipt pre").First).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.GetByTestId("ops-audit-table")).ToBeVisibleAsync();

        await page.SelectOptionAsync("#ops-scenario", "drought");
        await page.ClickAsync("#ops-allocate");
        await Assertions.Expect(page.GetByTestId("ops-allocation-table")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var shortfall = double.Parse(await page.GetByTestId("ops-allocation-shortfall").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(shortfall > 0);
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }
}
