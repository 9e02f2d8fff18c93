using System.Globalization;
using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>The mobility page in headless Chromium: run an assignment with progress, see V/C colours, signal plans, a charging plan, a ride-pooling fleet allocation and a live ride request with their receipts.</summary>
public sealed class MobilityPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    private async Task<IPage> OpenAsync()
    {
        var page = await server.NewSignedInPageAsync();
        await page.GotoAsync(server.Url("mobility"));
        await Assertions.Expect(page.GetByTestId("mobility")).ToHaveAttributeAsync("data-interactive", "true");
        return page;
    }

    [Fact]
    public async Task Running_an_assignment_shows_the_gap_per_iteration_and_colours_links_by_volume_over_capacity()
    {
        var page = await OpenAsync();
        await Assertions.Expect(page.Locator("[data-testid=mobility-map] line")).ToHaveCountAsync(192);
        await page.FillAsync("#mobility-gap", "1e-8");
        await page.ClickAsync("#mobility-run");
        await Assertions.Expect(page.GetByTestId("mobility-summary")).ToContainTextAsync("Converged");
        var rows = page.Locator("[data-testid=mobility-progress] tbody tr");
        Assert.True(await rows.CountAsync() >= 1);
        var lastGap = double.Parse(await rows.Last.Locator("td").Nth(1).InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.True(lastGap <= 1e-8, $"last gap {lastGap}");
        // Every link now has a V/C class; none is left grey.
        await Assertions.Expect(page.Locator("[data-testid=mobility-map] line.vc-none")).ToHaveCountAsync(0);
        var vc = double.Parse(await page.Locator("[data-testid=mobility-map] line").First.GetAttributeAsync("data-vc") ?? "", CultureInfo.InvariantCulture);
        Assert.True(vc >= 0);
        await Assertions.Expect(page.Locator("[data-testid=mobility-signals] tr[data-controller=webster]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_tight_feeder_limit_gives_a_charging_plan_within_the_limit_and_a_decision_receipt()
    {
        var page = await OpenAsync();
        var input = page.Locator("input[id^=limit-]").First;
        var region = (await input.GetAttributeAsync("id"))!["limit-".Length..];
        await input.FillAsync("4");
        await input.DispatchEventAsync("change");
        await page.ClickAsync("#mobility-charge");
        var panel = page.GetByTestId("mobility-charging-" + region);
        await Assertions.Expect(panel.GetByTestId("mobility-receipt")).ToContainTextAsync("—");
        var peak = double.Parse(await panel.GetByTestId("smart-peak").InnerTextAsync(), CultureInfo.InvariantCulture);
        var uncontrolled = double.Parse(await panel.GetByTestId("uncontrolled-peak").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.True(peak <= 4.05, $"planned peak {peak}");
        Assert.True(uncontrolled > peak);
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Pooling_rides_draws_each_vehicle_route_and_shows_the_fleet_allocation_receipt()
    {
        var page = await OpenAsync();
        await page.FillAsync("#pooling-requests", "12");
        await page.Locator("#pooling-requests").DispatchEventAsync("change");
        await page.FillAsync("#pooling-vehicles", "3");
        await page.Locator("#pooling-vehicles").DispatchEventAsync("change");
        await page.ClickAsync("#mobility-pool");
        // The improvement search and the log append take a few seconds on a loaded machine.
        await Assertions.Expect(page.GetByTestId("pooling-receipt")).ToContainTextAsync("—", new() { Timeout = 90_000 });
        await Assertions.Expect(page.GetByTestId("pooling-check")).ToHaveTextAsync("every route passes the checker");
        var vehicles = await page.Locator("[data-testid=pooling-vehicles] tbody tr").CountAsync();
        Assert.InRange(vehicles, 1, 3);
        await Assertions.Expect(page.Locator("[data-testid=pooling-map] polyline.route")).ToHaveCountAsync(vehicles);
        await Assertions.Expect(page.GetByTestId("pooling-summary")).ToContainTextAsync("of 12 requests served");
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Requesting_a_ride_shows_the_assigned_minibus_its_route_and_the_fleet_allocation_receipt()
    {
        var page = await OpenAsync();
        await Assertions.Expect(page.Locator("[data-testid=fleet-map] circle.vehicle")).ToHaveCountAsync(5);
        await page.FillAsync("#ride-seats", "2");
        await page.Locator("#ride-seats").DispatchEventAsync("change");
        await page.FillAsync("#ride-in", "20");
        await page.Locator("#ride-in").DispatchEventAsync("change");
        await page.ClickAsync("#ride-submit");
        await Assertions.Expect(page.GetByTestId("ride-receipt")).ToContainTextAsync("—", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("ride-outcome")).ToHaveAttributeAsync("data-accepted", "true");
        var vehicle = await page.GetByTestId("ride-vehicle").InnerTextAsync();
        Assert.StartsWith("minibus-", vehicle, StringComparison.Ordinal);
        // The minibus now has the pickup and drop-off among its next stops, and its remaining route is drawn.
        var row = page.Locator($"[data-testid=fleet-vehicles] tr[data-vehicle={vehicle}]");
        await Assertions.Expect(row).ToContainTextAsync("↑");
        await Assertions.Expect(row).ToContainTextAsync("↓");
        await Assertions.Expect(page.Locator($"[data-testid=fleet-map] polyline[data-vehicle={vehicle}]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=fleet-requests] tbody tr").First).ToContainTextAsync("waiting");
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }
}
