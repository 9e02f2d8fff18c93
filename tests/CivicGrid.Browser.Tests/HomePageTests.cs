using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>The web UI in headless Chromium: sign in with the first administrator and see the city's status.</summary>
public sealed class HomePageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    [Fact]
    public async Task Signed_out_visitor_is_sent_to_the_login_page()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync(server.Url(""));
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await SaveScreenshotAsync(page, "login.png");
    }

    [Fact]
    public async Task Administrator_signs_in_and_sees_the_city_status()
    {
        var page = await server.NewSignedInPageAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("City status");
        // The demo city's counts come from the server's database: non-zero regions, households and assets.
        foreach (var stat in new[] { "stat-regions", "stat-households", "stat-assets" })
        {
            var text = await page.GetByTestId(stat).InnerTextAsync();
            Assert.True(int.Parse(text.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) > 0, $"{stat} shows {text}");
        }
        await Assertions.Expect(page.Locator(".who-name")).ToHaveTextAsync(server.AdministratorUserName);
        foreach (var module in new[] { "Energy", "Water", "Mobility", "Resources", "Ledger", "Participation", "Studio" })
        {
            await Assertions.Expect(page.Locator("nav.nav").GetByRole(AriaRole.Link, new() { Name = module, Exact = true })).ToBeVisibleAsync();
        }

        await SaveScreenshotAsync(page, "home.png");
    }

    [Fact]
    public async Task Wrong_password_shows_an_error_and_stays_on_the_login_page()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync(server.Url("account/login"));
        await page.FillAsync("#username", server.AdministratorUserName);
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("#sign-in");
        await Assertions.Expect(page.GetByTestId("login-error")).ToBeVisibleAsync();
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Navigation_opens_each_module_page()
    {
        var page = await server.NewSignedInPageAsync();
        foreach (var (module, path) in new[] { ("Ledger", "/ledger"), ("Water", "/water") })
        {
            await page.Locator("nav.nav").GetByRole(AriaRole.Link, new() { Name = module, Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => url.EndsWith(path, StringComparison.Ordinal));
            await Assertions.Expect(page.Locator("main h1").First).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
    }

    // CIVICGRID_SCREENSHOTS=/some/folder keeps full-page screenshots for a person to look at.
    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("CIVICGRID_SCREENSHOTS");
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
        }
    }
}
