using System.Globalization;
using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>The Studio page in headless Chromium: fill a day, pick technologies, read the result in English and Japanese.</summary>
public sealed class StudioPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    private static readonly (string Key, int Minutes)[] Day =
    [
        ("sleep", 420), ("personal_care", 60), ("meals", 90), ("commute", 60), ("work", 480), ("school", 0),
        ("housework", 90), ("caregiving", 0), ("childcare", 30), ("shopping", 20), ("other_unpaid", 0), ("other", 0),
    ];

    private async Task<IPage> OpenStudioAsync()
    {
        var page = await server.NewSignedInPageAsync();
        await page.GotoAsync(server.Url("studio"));
        // The form reacts only once the interactive circuit is up.
        await Assertions.Expect(page.GetByTestId("studio")).ToHaveAttributeAsync("data-interactive", "true");
        return page;
    }

    private static async Task FillDayAsync(IPage page)
    {
        foreach (var (key, minutes) in Day)
        {
            await page.FillAsync("#minutes-" + key, minutes.ToString(CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Filling_a_day_and_picking_technologies_shows_the_headline_charts_and_tables()
    {
        var page = await OpenStudioAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Disposable-time studio");
        await FillDayAsync(page);
        await page.CheckAsync("#tech-telework");
        await page.FillAsync("#value-telework", "2");
        await page.CheckAsync("#tech-housework-robot");
        await page.ClickAsync("#studio-run");

        // Telework 2 days of 63 min over a 7-day week, plus 44 % of 90 min housework; all of it free (full preset).
        var free = (2 * 63.0 / 7) + (0.44 * 90);
        var expected = string.Create(CultureInfo.InvariantCulture, $"+{Math.Round(free):0} min/day (= {free * 365 / 60:0.#} h/year)");
        await Assertions.Expect(page.GetByTestId("studio-headline")).ToHaveTextAsync(expected);
        await Assertions.Expect(page.GetByTestId("studio-total-before")).ToHaveTextAsync("1440");
        await Assertions.Expect(page.GetByTestId("studio-total-after")).ToHaveTextAsync("1440");
        await Assertions.Expect(page.Locator("[data-testid=studio-day-table] tr[data-activity=commute] td").Nth(1)).ToHaveTextAsync("42");
        await Assertions.Expect(page.Locator("[data-testid=studio-waterfall-table] tbody tr[data-technology]")).ToHaveCountAsync(2);
        // Charts carry their labels as text, not only colour.
        await Assertions.Expect(page.Locator("[data-testid=studio-daybar] g[data-segment=free_time] title").First).ToContainTextAsync("Free time");
        await Assertions.Expect(page.Locator("[data-testid=studio-waterfall] g[data-step=telework] text").First).ToHaveTextAsync("+18.0");
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();

        var screenshots = Environment.GetEnvironmentVariable("CIVICGRID_SCREENSHOTS");
        if (!string.IsNullOrEmpty(screenshots))
        {
            Directory.CreateDirectory(screenshots);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "studio.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task Realistic_preset_and_japanese_labels_change_the_result_text()
    {
        var page = await OpenStudioAsync();
        await FillDayAsync(page);
        await page.CheckAsync("#tech-telework");
        await page.FillAsync("#value-telework", "2");
        await page.CheckAsync("#preset-realistic");
        await page.ClickAsync("#studio-run");
        // 40 % back to paid work, 11 % to care (the day has childcare): 49 % of 18 min stays free.
        await Assertions.Expect(page.GetByTestId("studio-free")).ToHaveTextAsync((0.49 * 18).ToString("0.0", CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("studio-gross")).ToHaveTextAsync("18.0");

        await page.ClickAsync("#lang-ja");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("可処分時間スタジオ");
        await Assertions.Expect(page.GetByTestId("studio-headline")).ToContainTextAsync("分/日");
        await Assertions.Expect(page.GetByTestId("studio")).ToHaveAttributeAsync("lang", "ja");
    }

    [Fact]
    public async Task A_day_longer_than_24_hours_shows_an_error_instead_of_a_result()
    {
        var page = await OpenStudioAsync();
        await page.FillAsync("#minutes-sleep", "900");
        await page.FillAsync("#minutes-work", "700");
        await page.ClickAsync("#studio-run");
        await Assertions.Expect(page.GetByTestId("studio-error")).ToContainTextAsync("1,440");
        await Assertions.Expect(page.GetByTestId("studio-headline")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Population_mode_shows_the_distribution_over_the_demo_city_residents()
    {
        var page = await OpenStudioAsync();
        await page.CheckAsync("#tech-telework");
        await page.FillAsync("#value-telework", "2");
        await page.ClickAsync("#studio-population-run");
        var table = page.GetByTestId("studio-population-table");
        await Assertions.Expect(table).ToBeVisibleAsync();
        // Every resident aged 15 or over of the demo city (seed 2026) is counted.
        var residents = CivicGrid.Platform.Studio.DemoCityPopulation.Residents(2026);
        await Assertions.Expect(page.Locator("[data-testid=studio-population-overall] strong").First).ToHaveTextAsync(residents.Count.ToString(CultureInfo.InvariantCulture));
        // Retired residents (65 and over) have no commute, so telework frees nothing for them; working ages gain.
        Assert.Contains(residents, r => r.Input.Age >= 65);
        await Assertions.Expect(page.Locator("[data-testid=studio-population-table] tr[data-group$='-65_plus'] td").Nth(3)).ToHaveTextAsync("0.0");
        await Assertions.Expect(page.Locator("[data-testid=studio-population-table] tr[data-group$='-all'] td").Nth(3)).Not.ToHaveTextAsync("0.0");
        await Assertions.Expect(page.Locator("[data-testid=studio-population-chart] title")).ToContainTextAsync("by sex and age group");
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }
}
