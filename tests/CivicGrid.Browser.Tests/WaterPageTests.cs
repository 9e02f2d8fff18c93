using System.Globalization;
using System.Text;
using CivicGrid.Platform.Water;
using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>The Water page in headless Chromium: run the demo network, move through time, inspect a node, upload a bad file.</summary>
public sealed class WaterPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    private async Task<IPage> OpenWaterAsync()
    {
        var page = await server.NewSignedInPageAsync();
        await page.GotoAsync(server.Url("water"));
        await Assertions.Expect(page.GetByTestId("water")).ToHaveAttributeAsync("data-interactive", "true");
        return page;
    }

    [Fact]
    public async Task Running_the_demo_draws_the_map_and_a_node_time_series()
    {
        var expected = new WaterNetworkRunner().RunDemo(TestContext.Current.CancellationToken);
        var page = await OpenWaterAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Water network");
        await page.ClickAsync("#water-run-demo");

        await Assertions.Expect(page.GetByTestId("water-status")).ToHaveTextAsync("converged");
        await Assertions.Expect(page.GetByTestId("water-steps")).ToHaveTextAsync(expected.Steps.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("[data-testid=water-map] g[data-node]")).ToHaveCountAsync(expected.Nodes.Count);
        await Assertions.Expect(page.Locator("[data-testid=water-map] polyline[data-link]")).ToHaveCountAsync(expected.Links.Count);
        await Assertions.Expect(page.GetByTestId("water-quality-kind")).ToContainTextAsync("Water age");

        // Move to 12:00 and colour by water age.
        var noon = expected.Times.ToList().IndexOf(12 * 3600);
        // A range input cannot be "filled": set its value and raise the input event Blazor binds to.
        await page.Locator("#water-time").EvaluateAsync(
            "(e, v) => { e.value = v; e.dispatchEvent(new Event('input', { bubbles: true })); }", noon.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("water-time-label")).ToHaveTextAsync("12:00");
        await page.CheckAsync("#water-variable-quality");

        // Click a junction: its series and its value at noon match a direct run of the engine.
        var id = expected.Nodes[5].Id;
        await page.Locator($"[data-testid=water-map] g[data-node='{id}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("water-series-node")).ToHaveTextAsync(id);
        var age = expected.Quality[noon][5];
        await Assertions.Expect(page.GetByTestId("water-series-quality-now")).ToHaveTextAsync(age.ToString(Math.Abs(age) >= 100 ? "F1" : "G4", CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("water-series-pressure").Locator("polyline")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();

        var screenshots = Environment.GetEnvironmentVariable("CIVICGRID_SCREENSHOTS");
        if (!string.IsNullOrEmpty(screenshots))
        {
            Directory.CreateDirectory(screenshots);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "water.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task Uploading_a_bad_file_shows_the_line_and_the_reason()
    {
        var page = await OpenWaterAsync();
        var text = "[JUNCTIONS]\nJ1 10 5\n[PIPES]\nP1 J1 NOWHERE 100 12 100 0 OPEN\n[END]\n";
        await page.Locator("#water-file").SetInputFilesAsync(new FilePayload { Name = "broken.inp", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes(text) });
        await Assertions.Expect(page.GetByTestId("water-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("water-error-line")).ToHaveTextAsync("4");
        await Assertions.Expect(page.GetByTestId("water-error-message")).ToContainTextAsync("broken.inp");
        await Assertions.Expect(page.GetByTestId("water-error")).ToContainTextAsync("NOWHERE");
        await Assertions.Expect(page.GetByTestId("water-summary")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Uploading_a_valid_file_runs_it()
    {
        var page = await OpenWaterAsync();
        var text = WaterNetworkRunner.DemoText();
        await page.Locator("#water-file").SetInputFilesAsync(new FilePayload { Name = "mine.inp", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes(text) });
        await Assertions.Expect(page.GetByTestId("water-name")).ToHaveTextAsync("mine.inp");
        await Assertions.Expect(page.GetByTestId("water-status")).ToHaveTextAsync("converged");
    }
}
