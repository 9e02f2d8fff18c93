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

    [Fact]
    public async Task Operator_issues_a_demand_response_event_and_settles_it_with_receipts_on_the_energy_page()
    {
        var admin = await server.NewSignedInPageAsync();
        var regions = (await (await admin.APIRequest.GetAsync(server.Url("api/regions"))).JsonAsync())!.Value.EnumerateArray()
            .Select(r => r.GetProperty("id").GetString()!).ToArray();
        var userName = "dr-ops-" + Guid.NewGuid().ToString("N")[..6];
        const string password = "Demand-response-1!";
        var created = await admin.APIRequest.PostAsync(server.Url("api/accounts"), new APIRequestContextOptions
        {
            DataObject = new { userName, password, roles = new[] { "operator" }, regions },
        });
        Assert.True(created.Ok, await created.TextAsync());

        var page = await server.NewPageAsync();
        await server.SignInAsync(page, userName, password);
        await page.GotoAsync(server.Url("energy"));
        await Assertions.Expect(page.GetByTestId("vpp")).ToHaveAttributeAsync("data-interactive", "true");
        await Assertions.Expect(page.GetByTestId("vpp-dr")).ToBeVisibleAsync();
        var before = await page.GetByTestId("vpp-dr-event").CountAsync();

        await page.GetByTestId("vpp-dr-kw").FillAsync("6");
        await page.GetByTestId("vpp-dr-intervals").FillAsync("4");
        await page.GetByTestId("vpp-dr-price").FillAsync("0.5");
        await page.GetByTestId("vpp-dr-issue").ClickAsync();
        await Assertions.Expect(page.GetByTestId("vpp-dr-event")).ToHaveCountAsync(before + 1, new() { Timeout = 60_000 });
        var row = page.GetByTestId("vpp-dr-event").First;
        await Assertions.Expect(row.GetByTestId("vpp-dr-status")).ToHaveTextAsync("active");
        Assert.True(long.Parse(await row.GetByTestId("vpp-dr-log-index").InnerTextAsync(), CultureInfo.InvariantCulture) >= 0);
        var instructed = double.Parse(await row.GetByTestId("vpp-dr-instructed").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.InRange(instructed, 0.01, 6.0);
        await Assertions.Expect(page.GetByTestId("vpp-dr-event-receipt")).ToHaveCountAsync(1);

        await row.GetByTestId("vpp-dr-settle").ClickAsync();
        await Assertions.Expect(row.GetByTestId("vpp-dr-status")).ToHaveTextAsync("settled", new() { Timeout = 60_000 });
        var delivered = double.Parse(await row.GetByTestId("vpp-dr-delivered").InnerTextAsync(), CultureInfo.InvariantCulture);
        var shortfall = double.Parse(await row.GetByTestId("vpp-dr-shortfall").InnerTextAsync(), CultureInfo.InvariantCulture);
        var paid = double.Parse(await row.GetByTestId("vpp-dr-paid").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.True(shortfall >= 0);
        // Paid = delivered kWh × 0.5 EUR/kWh (the page rounds kWh to 3 and EUR to 4 decimals).
        Assert.Equal(delivered * 0.5, paid, 0.001);
        await Assertions.Expect(page.GetByTestId("vpp-dr-settlement-receipt")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }
}
