using System.Globalization;
using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>The /energy page in headless Chromium: a region's VPP portfolio, forecast versus actual, and the schedule.</summary>
public sealed class EnergyVppPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    [Fact]
    public async Task Energy_page_shows_the_portfolio_forecast_and_a_schedule_within_the_feeder_limit()
    {
        var page = await server.NewSignedInPageAsync();
        await page.GotoAsync(server.Url("energy"));
        await Assertions.Expect(page.GetByTestId("vpp")).ToHaveAttributeAsync("data-interactive", "true");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Virtual power plant");

        var households = int.Parse(await page.GetByTestId("vpp-households").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.True(households > 0);
        // Both charts draw their series, with names as text.
        await Assertions.Expect(page.Locator("[data-testid=vpp-forecast-chart] g[data-series=load-forecast] polyline")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=vpp-forecast-chart] g[data-series=pv-actual] title")).ToHaveTextAsync("PV actual");
        await Assertions.Expect(page.Locator("[data-testid=vpp-schedule-chart] g[data-series=battery] polyline")).ToHaveCountAsync(1);
        var points = await page.Locator("[data-testid=vpp-forecast-chart] g[data-series=load-forecast] polyline").GetAttributeAsync("points");
        Assert.Equal(96, points!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

        var feeder = double.Parse((await page.GetByTestId("vpp-feeder").InnerTextAsync()).Split(' ')[0], CultureInfo.InvariantCulture);
        var peak = double.Parse(await page.GetByTestId("vpp-peak-import").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.True(peak <= feeder + 0.05, $"peak import {peak} kW above the feeder limit {feeder} kW");

        // The adopted schedules are decisions in the log: the day-ahead one at least, with a log index and a receipt.
        await Assertions.Expect(page.GetByTestId("vpp-plan").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("vpp-plan").Last).ToContainTextAsync("day-ahead");
        var logIndex = long.Parse(await page.GetByTestId("vpp-plan-log-index").First.InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.True(logIndex >= 0);
        await Assertions.Expect(page.GetByTestId("vpp-plan-receipt")).ToHaveCountAsync(1);

        // Another region: the heading follows the selection.
        var second = page.Locator("[aria-label=Region] button").Nth(1);
        var name = await second.InnerTextAsync();
        await second.ClickAsync();
        await Assertions.Expect(page.Locator("#vpp-portfolio-heading")).ToHaveTextAsync("Portfolio of " + name);
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }
}
