using System.Globalization;
using System.Text;
using CivicGrid.Testing;
using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>
/// The grid page in headless Chromium: AC power flow on the demo feeders with a diagram coloured by loading, DC-OPF on
/// an uploaded case9 with MATPOWER's nodal prices, and a clear error for a broken file.
/// </summary>
public sealed class EnergyGridPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    private async Task<IPage> OpenAsync()
    {
        var page = await server.NewSignedInPageAsync();
        await page.GotoAsync(server.Url("energy/grid"));
        await Assertions.Expect(page.GetByTestId("energy-grid")).ToHaveAttributeAsync("data-interactive", "true");
        return page;
    }

    [Fact]
    public async Task Ac_power_flow_on_the_demo_feeders_draws_every_branch_coloured_by_loading()
    {
        var page = await OpenAsync();
        await page.ClickAsync("#grid-run");
        await Assertions.Expect(page.GetByTestId("grid-summary")).ToContainTextAsync("Converged");
        await Assertions.Expect(page.GetByTestId("grid-summary")).ToHaveAttributeAsync("data-success", "true");
        var branchRows = await page.Locator("[data-testid=grid-branches] tbody tr").CountAsync();
        var busRows = await page.Locator("[data-testid=grid-buses] tbody tr").CountAsync();
        Assert.True(branchRows > 0);
        Assert.Equal(busRows - 1, branchRows); // radial feeders: one branch per bus beyond the substation
        await Assertions.Expect(page.Locator("[data-testid=grid-diagram] line")).ToHaveCountAsync(branchRows);
        await Assertions.Expect(page.Locator("[data-testid=grid-diagram] circle")).ToHaveCountAsync(busRows);
        // Every demo line has a rating, so none is drawn as unrated, and each carries its loading.
        await Assertions.Expect(page.Locator("[data-testid=grid-diagram] line.load-none")).ToHaveCountAsync(0);
        var loading = double.Parse(await page.Locator("[data-testid=grid-diagram] line").First.GetAttributeAsync("data-loading") ?? "", CultureInfo.InvariantCulture);
        Assert.True(loading > 0);
        var minV = double.Parse(await page.GetByTestId("grid-min-v").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.InRange(minV, 0.8, 0.99999);
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Dc_opf_on_an_uploaded_case9_shows_matpowers_nodal_prices()
    {
        var page = await OpenAsync();
        var text = await File.ReadAllBytesAsync(ReferenceData.Require("energy/cases/case9.m"), TestContext.Current.CancellationToken);
        await page.Locator("#grid-upload").SetInputFilesAsync(new FilePayload { Name = "case9.m", MimeType = "text/plain", Buffer = text });
        await Assertions.Expect(page.Locator("#grid-case")).ToHaveValueAsync("upload");
        await page.SelectOptionAsync("#grid-study", "dc-opf");
        await page.ClickAsync("#grid-run");
        await Assertions.Expect(page.GetByTestId("grid-summary")).ToContainTextAsync("case9");
        await Assertions.Expect(page.Locator("[data-testid=grid-price]")).ToHaveCountAsync(9);
        // MATPOWER 8.1 rundcopf on case9 (energy/reference/matpower_dcopf_case9_bus.csv): λ at bus 1 is 24.04418954 $/MWh.
        var price = double.Parse(await page.Locator("[data-testid=grid-buses] tr[data-bus='1'] [data-testid=grid-price]").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.Equal(24.04, price, 0.005);
        await Assertions.Expect(page.Locator("[data-testid=grid-diagram] line")).ToHaveCountAsync(9);
    }

    [Fact]
    public async Task A_broken_case_file_gives_an_error_naming_the_file_and_line()
    {
        var page = await OpenAsync();
        var broken = "function mpc = broken\nmpc.version = '2';\nmpc.baseMVA = 100;\nmpc.bus = [\n1 3 0 0 0 0 1 oops 0 345 1 1.1 0.9;\n];\n";
        await page.Locator("#grid-upload").SetInputFilesAsync(new FilePayload { Name = "broken.m", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes(broken) });
        await Assertions.Expect(page.Locator("#grid-case")).ToHaveValueAsync("upload");
        await page.ClickAsync("#grid-run");
        var error = page.GetByTestId("grid-error");
        await Assertions.Expect(error).ToContainTextAsync("broken.m:5:");
        await Assertions.Expect(error).ToContainTextAsync("oops");
        await Assertions.Expect(page.GetByTestId("grid-summary")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }
}
