using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>
/// The participation pages in headless Chromium: a resident signs in and raises an issue on the map, another
/// supports it, and a participatory budget is voted on and tallied with its decision receipt shown.
/// </summary>
public sealed class ParticipationPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    private static async Task<JsonElement> JsonAsync(IAPIResponse response)
    {
        Assert.True(response.Ok, $"{response.Status} {await response.TextAsync()}");
        return JsonDocument.Parse(await response.TextAsync()).RootElement.Clone();
    }

    private async Task<IPage> ResidentPageAsync(IPage admin, string name, string region)
    {
        var password = "Resident-pass-" + Guid.NewGuid().ToString("N")[..10];
        await JsonAsync(await admin.APIRequest.PostAsync(server.Url("api/accounts"), new APIRequestContextOptions
        {
            DataObject = new { userName = name, displayName = name, password, roles = new[] { "resident" } },
        }));
        var page = await server.NewPageAsync();
        await server.SignInAsync(page, name, password);
        await page.GotoAsync(server.Url("participation"));
        await Assertions.Expect(page.GetByTestId("participation")).ToHaveAttributeAsync("data-interactive", "true");
        await page.SelectOptionAsync("#home-region-select", region);
        await page.ClickAsync("#choose-region");
        await Assertions.Expect(page.GetByTestId("home-region")).ToHaveTextAsync(region);
        return page;
    }

    [Fact]
    public async Task Resident_raises_an_issue_another_supports_it_and_a_budget_tally_shows_its_receipt()
    {
        var admin = await server.NewSignedInPageAsync();
        var regions = await JsonAsync(await admin.APIRequest.GetAsync(server.Url("api/regions")));
        var region = regions[0].GetProperty("id").GetString()!;

        var author = await ResidentPageAsync(admin, "resident-ana", region);
        await author.FillAsync("#issue-title", "Crossing near the school is unsafe");
        await author.SelectOptionAsync("#issue-category", "Mobility");
        await author.FillAsync("#issue-description", "Cars drive fast at 8 am.");
        await author.ClickAsync($"[data-testid=map-cell-{region}-4]");
        await Assertions.Expect(author.GetByTestId("picked-place")).ToContainTextAsync(region);
        await author.ClickAsync("#raise-issue");
        await author.WaitForURLAsync(url => url.Contains("/participation/issues/", StringComparison.Ordinal));
        await Assertions.Expect(author.GetByTestId("issue-page")).ToHaveAttributeAsync("data-interactive", "true");
        await Assertions.Expect(author.GetByTestId("issue-title")).ToHaveTextAsync("Crossing near the school is unsafe");
        await Assertions.Expect(author.GetByTestId("support-count")).ToHaveTextAsync("0");
        var issueUrl = author.Url;

        var neighbour = await ResidentPageAsync(admin, "resident-ben", region);
        await Assertions.Expect(neighbour.GetByTestId("issue-list")).ToContainTextAsync("Crossing near the school is unsafe");
        await neighbour.GotoAsync(issueUrl);
        await Assertions.Expect(neighbour.GetByTestId("issue-page")).ToHaveAttributeAsync("data-interactive", "true");
        await neighbour.ClickAsync("#support-issue");
        await Assertions.Expect(neighbour.GetByTestId("support-count")).ToHaveTextAsync("1");
        await Assertions.Expect(neighbour.GetByTestId("supported")).ToBeVisibleAsync();

        // A budget: the administrator starts it, the residents propose, the ballot opens.
        var budget = await JsonAsync(await admin.APIRequest.PostAsync(server.Url("api/participation/budgets"), new APIRequestContextOptions
        {
            DataObject = new { regionId = region, title = "School surroundings", amount = 1000, rule = "mes" },
        }));
        var budgetId = budget.GetProperty("id").GetString();
        foreach (var (title, cost) in new[] { ("Zebra crossing", 400), ("Speed bumps", 300), ("Crossing guard", 700) })
        {
            await JsonAsync(await author.APIRequest.PostAsync(server.Url($"api/participation/budgets/{budgetId}/proposals"), new APIRequestContextOptions
            {
                DataObject = new { title, description = "", cost },
            }));
        }
        Assert.True((await admin.APIRequest.PostAsync(server.Url($"api/participation/budgets/{budgetId}/open"))).Ok);
        await JsonAsync(await author.APIRequest.PostAsync(server.Url($"api/participation/budgets/{budgetId}/ballots"), new APIRequestContextOptions
        {
            DataObject = new { choices = new[] { 1, 2 } },
        }));

        // The neighbour votes in the page and gets a receipt.
        await neighbour.GotoAsync(server.Url($"participation/budgets/{budgetId}"));
        await Assertions.Expect(neighbour.GetByTestId("budget-page")).ToHaveAttributeAsync("data-interactive", "true");
        await neighbour.CheckAsync("#approve-1");
        await neighbour.ClickAsync("#cast-budget-ballot");
        await Assertions.Expect(neighbour.GetByTestId("ballot-commitment")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
        await Assertions.Expect(neighbour.GetByTestId("ballot-count")).ToHaveTextAsync("2");

        // The administrator closes the vote: outcome, explanation and the decision receipt show.
        await admin.GotoAsync(server.Url($"participation/budgets/{budgetId}"));
        await Assertions.Expect(admin.GetByTestId("budget-page")).ToHaveAttributeAsync("data-interactive", "true");
        await admin.ClickAsync("#close-budget");
        await Assertions.Expect(admin.GetByTestId("budget-phase")).ToHaveTextAsync("Closed");
        await Assertions.Expect(admin.GetByTestId("budget-result")).ToContainTextAsync("Method of Equal Shares");
        await Assertions.Expect(admin.Locator("[data-testid=winners] tbody tr").First).ToContainTextAsync("Zebra crossing");
        await Assertions.Expect(admin.GetByTestId("decision-digest")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^sha256:[0-9a-f]{64}$"));
        await Assertions.Expect(admin.GetByTestId("decision-index")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9]+$"));
        await Assertions.Expect(admin.GetByTestId("decision-receipt-text")).Not.ToBeEmptyAsync();
        await Assertions.Expect(admin.Locator("#blazor-error-ui")).ToBeHiddenAsync();

        // The resident who voted sees their exact share of the winner they paid for.
        await neighbour.ReloadAsync();
        await Assertions.Expect(neighbour.Locator("[data-testid=winners] tbody tr").First).ToContainTextAsync("Zebra crossing");

        // The author shares a studio result on the issue; it appears there.
        await author.GotoAsync(server.Url("studio"));
        await Assertions.Expect(author.GetByTestId("studio")).ToHaveAttributeAsync("data-interactive", "true");
        await author.CheckAsync("#tech-telework");
        await author.FillAsync("#value-telework", "2");
        await author.ClickAsync("#studio-run");
        await Assertions.Expect(author.GetByTestId("studio-headline")).ToBeVisibleAsync();
        var free = await author.GetByTestId("studio-free").InnerTextAsync();
        await author.FillAsync("#share-note", "Telework twice a week");
        await author.ClickAsync("#studio-share");
        await Assertions.Expect(author.GetByTestId("studio-share-message")).ToContainTextAsync("Shared");
        await author.GotoAsync(issueUrl);
        await Assertions.Expect(author.GetByTestId("issue-scenarios")).ToContainTextAsync("Telework twice a week");
        await Assertions.Expect(author.GetByTestId("issue-scenarios")).ToContainTextAsync("telework:2");
        Assert.False(string.IsNullOrWhiteSpace(free));
    }
}
