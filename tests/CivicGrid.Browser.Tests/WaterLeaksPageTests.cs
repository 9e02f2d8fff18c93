using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>The water leaks page in headless Chromium: the demo network map with its sensors, and a city operator
/// replaying a leak scenario whose alarms appear in the table with their receipts and as areas on the map.</summary>
public sealed class WaterLeaksPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    [Fact]
    public async Task Map_shows_the_network_and_sensors_and_a_non_operator_cannot_run_detection()
    {
        var page = await server.NewSignedInPageAsync();
        await page.GotoAsync(server.Url("water/leaks"));
        await Assertions.Expect(page.GetByTestId("water-leaks")).ToHaveAttributeAsync("data-interactive", "true");
        await Assertions.Expect(page.GetByTestId("leaks-map")).ToBeVisibleAsync();
        Assert.True(await page.Locator("[data-testid=leaks-map] line").CountAsync() > 100);
        await Assertions.Expect(page.Locator("[data-testid=leaks-map] circle.leaks-sensor")).ToHaveCountAsync(10);
        // The administrator operates no region: no detection controls.
        await Assertions.Expect(page.GetByTestId("leaks-replay")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task City_operator_replays_a_leak_and_sees_alarms_with_receipts_and_areas()
    {
        var admin = await server.NewSignedInPageAsync();
        var regions = (await (await admin.APIRequest.GetAsync(server.Url("api/regions"))).JsonAsync())!.Value.EnumerateArray()
            .Select(r => r.GetProperty("id").GetString()!).ToArray();
        var userName = "water-leaks-" + Guid.NewGuid().ToString("N")[..6];
        const string password = "Water-leaks-1!";
        var created = await admin.APIRequest.PostAsync(server.Url("api/accounts"), new APIRequestContextOptions
        {
            DataObject = new { userName, password, roles = new[] { "operator" }, regions },
        });
        Assert.True(created.Ok, await created.TextAsync());

        var page = await server.NewPageAsync();
        await server.SignInAsync(page, userName, password);
        await page.GotoAsync(server.Url("water/leaks"));
        await Assertions.Expect(page.GetByTestId("water-leaks")).ToHaveAttributeAsync("data-interactive", "true");
        var raised = false;
        foreach (var seed in new[] { "1", "2", "3" })
        {
            await page.GetByTestId("leaks-seed").FillAsync(seed);
            await page.GetByTestId("leaks-replay").ClickAsync();
            await Assertions.Expect(page.GetByTestId("leaks-run-summary")).ToContainTextAsync($"seed {seed}", new() { Timeout = 120_000 });
            if (!(await page.GetByTestId("leaks-run-alarms").InnerTextAsync()).StartsWith('0'))
            {
                raised = true;
                break;
            }
        }
        Assert.True(raised, "one of three replays raised an alarm");
        await Assertions.Expect(page.GetByTestId("leaks-truth")).ToContainTextAsync("pipe");
        await Assertions.Expect(page.Locator("[data-testid=leaks-map] circle.leaks-area").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("leaks-alarm-row").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-testid=leaks-alarm-row] summary").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("leaks-receipt").First).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }
}
