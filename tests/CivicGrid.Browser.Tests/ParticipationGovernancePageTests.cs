using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>
/// Participation pages beyond the basics, in headless Chromium: category and region pages with counts and the map,
/// comment moderation with reasons, a cumulative budget voted in the page with a ledger-logged ballot, the
/// administrator's override with its reason, and a Pabulib upload whose malformed file is refused with its line.
/// </summary>
public sealed partial class ParticipationGovernancePageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    private static async Task<JsonElement> JsonAsync(IAPIResponse response)
    {
        Assert.True(response.Ok, $"{response.Status} {await response.TextAsync()}");
        return JsonDocument.Parse(await response.TextAsync()).RootElement.Clone();
    }

    private async Task<(IPage Page, string Name)> ResidentAsync(IPage admin, string prefix, string region)
    {
        var name = prefix + "-" + Guid.NewGuid().ToString("N")[..6];
        var password = "Resident-pass-" + Guid.NewGuid().ToString("N")[..10];
        await JsonAsync(await admin.APIRequest.PostAsync(server.Url("api/accounts"), new APIRequestContextOptions
        {
            DataObject = new { userName = name, displayName = name, password, roles = new[] { "resident" } },
        }));
        var page = await server.NewPageAsync();
        await server.SignInAsync(page, name, password);
        Assert.True((await page.APIRequest.PostAsync(server.Url("api/participation/me/region"), new APIRequestContextOptions { DataObject = new { regionId = region } })).Ok);
        return (page, name);
    }

    private async Task<string> FirstRegionAsync(IPage admin) =>
        (await JsonAsync(await admin.APIRequest.GetAsync(server.Url("api/regions"))))[0].GetProperty("id").GetString()!;

    [Fact]
    public async Task Category_and_region_pages_count_issues_and_comments_are_moderated_with_reasons()
    {
        var admin = await server.NewSignedInPageAsync();
        var region = await FirstRegionAsync(admin);
        var (author, _) = await ResidentAsync(admin, "care-author", region);
        var title = "Day care opening hours " + Guid.NewGuid().ToString("N")[..4];
        var issue = await JsonAsync(await author.APIRequest.PostAsync(server.Url("api/participation/issues"), new APIRequestContextOptions
        {
            DataObject = new { title, description = "Closes at 4 pm", category = "Childcare", latitudeDegrees = 48.0005, longitudeDegrees = 11.0005 },
        }));
        var issueId = issue.GetProperty("id").GetString();
        Assert.True((await author.APIRequest.PostAsync(server.Url($"api/participation/issues/{issueId}/comments"), new APIRequestContextOptions
        {
            DataObject = new { text = "Buy my toys at www.example.shop" },
        })).Ok);

        await author.GotoAsync(server.Url("participation/category/Childcare"));
        await Assertions.Expect(author.GetByTestId("issue-group-title")).ToHaveTextAsync("Childcare issues");
        await Assertions.Expect(author.GetByTestId("group-issue-list")).ToContainTextAsync(title);
        await Assertions.Expect(author.GetByTestId($"region-count-{region}")).ToHaveTextAsync(new Regex("^[1-9][0-9]*$"));
        await Assertions.Expect(author.GetByTestId("group-map-dot").First).ToBeAttachedAsync();

        await author.GotoAsync(server.Url($"participation/region/{region}"));
        await Assertions.Expect(author.GetByTestId("issue-group-title")).ToContainTextAsync("Issues in");
        await Assertions.Expect(author.GetByTestId("category-count-Childcare")).ToHaveTextAsync(new Regex("^[1-9][0-9]*$"));
        await Assertions.Expect(author.Locator($"[data-testid=group-map-region-{region}].current")).ToBeAttachedAsync();
        await author.GotoAsync(server.Url("participation/category/NoSuchThing"));
        await Assertions.Expect(author.GetByTestId("issue-group-missing")).ToContainTextAsync("NoSuchThing");

        // The administrator hides the comment with a reason; the author's view says so, the audit trail keeps the reason.
        await admin.GotoAsync(server.Url($"participation/issues/{issueId}"));
        await Assertions.Expect(admin.GetByTestId("issue-page")).ToHaveAttributeAsync("data-interactive", "true");
        await admin.FillAsync("#comment-reason", "advertising");
        await admin.GetByTestId("hide-comment").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("comment-hidden")).ToBeVisibleAsync();
        await Assertions.Expect(admin.GetByTestId("audit-trail")).ToContainTextAsync("advertising");
        await Assertions.Expect(admin.GetByTestId("restore-comment")).ToBeVisibleAsync();
        var (reader, _) = await ResidentAsync(admin, "care-reader", region);
        await reader.GotoAsync(server.Url($"participation/issues/{issueId}"));
        await Assertions.Expect(reader.GetByTestId("comment-text")).ToHaveTextAsync("(hidden by moderation)");
        await Assertions.Expect(admin.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Cumulative_budget_is_voted_in_the_page_overridden_with_a_reason_and_a_bad_upload_names_its_line()
    {
        var admin = await server.NewSignedInPageAsync();
        var region = await FirstRegionAsync(admin);
        var (voter, _) = await ResidentAsync(admin, "points-voter", region);
        var budget = await JsonAsync(await admin.APIRequest.PostAsync(server.Url("api/participation/budgets"), new APIRequestContextOptions
        {
            DataObject = new { regionId = region, title = "Points for the park", amount = 100, rule = "greedy", ballotKind = "cumulative", pointsPerVoter = 10 },
        }));
        var id = budget.GetProperty("id").GetString();
        foreach (var (t, cost) in new[] { ("Swings", 60), ("Benches", 50) })
        {
            await JsonAsync(await voter.APIRequest.PostAsync(server.Url($"api/participation/budgets/{id}/proposals"), new APIRequestContextOptions { DataObject = new { title = t, description = "", cost } }));
        }
        Assert.True((await admin.APIRequest.PostAsync(server.Url($"api/participation/budgets/{id}/open"))).Ok);

        await voter.GotoAsync(server.Url($"participation/budgets/{id}"));
        await Assertions.Expect(voter.GetByTestId("budget-page")).ToHaveAttributeAsync("data-interactive", "true");
        await Assertions.Expect(voter.GetByTestId("ballot-kind")).ToContainTextAsync("cumulative (10 points each)");
        await voter.FillAsync("#points-1", "8");
        await voter.Locator("#points-1").BlurAsync();
        await voter.FillAsync("#points-2", "5");
        await voter.Locator("#points-2").BlurAsync();
        await voter.ClickAsync("#cast-budget-ballot");
        await Assertions.Expect(voter.GetByTestId("budget-message")).ToContainTextAsync("more than the 10");
        await voter.FillAsync("#points-2", "2");
        await voter.Locator("#points-2").BlurAsync();
        await voter.ClickAsync("#cast-budget-ballot");
        await Assertions.Expect(voter.GetByTestId("ballot-log-index")).ToHaveTextAsync(new Regex("^[0-9]+$"));

        await admin.GotoAsync(server.Url($"participation/budgets/{id}"));
        await Assertions.Expect(admin.GetByTestId("budget-page")).ToHaveAttributeAsync("data-interactive", "true");
        await admin.ClickAsync("#close-budget");
        await Assertions.Expect(admin.GetByTestId("budget-phase")).ToHaveTextAsync("Closed");
        await Assertions.Expect(admin.Locator("[data-testid=winners] tbody tr").First).ToContainTextAsync("Swings");
        await admin.FillAsync("#override-projects", "2");
        await admin.FillAsync("#override-reason-input", "the swings supplier withdrew");
        await admin.ClickAsync("#override-budget");
        await Assertions.Expect(admin.GetByTestId("override-reason")).ToHaveTextAsync("the swings supplier withdrew");
        await Assertions.Expect(admin.GetByTestId("override-selection")).ToHaveTextAsync("2");
        await Assertions.Expect(admin.GetByTestId("override-index")).ToHaveTextAsync(new Regex("^[0-9]+$"));

        // A malformed Pabulib upload is refused with the file, line and reason.
        var file = Path.Combine(server.DataDirectory, "bad-upload.pb");
        await File.WriteAllTextAsync(file, "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n1;sixty;Park\nVOTES\nvoter_id;vote\nv1;1\n", TestContext.Current.CancellationToken);
        await admin.GotoAsync(server.Url("participation/budgets"));
        await Assertions.Expect(admin.GetByTestId("budgets")).ToHaveAttributeAsync("data-interactive", "true");
        await admin.SetInputFilesAsync("#upload-file", file);
        await Assertions.Expect(admin.GetByTestId("upload-error")).ToContainTextAsync("bad-upload.pb:7");
        await Assertions.Expect(admin.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }
}
