using System.Text;
using CivicGrid.Testing;
using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>The Water page shows EPANET's pump energy report for a network with pumps (Net1: one pump).</summary>
public sealed class WaterEnergyPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    [Fact]
    public async Task Uploading_a_pumped_network_shows_the_pump_energy_table()
    {
        var text = await File.ReadAllTextAsync(ReferenceData.Require("water/networks/Net1.inp"), TestContext.Current.CancellationToken);
        var page = await server.NewSignedInPageAsync();
        await page.GotoAsync(server.Url("water"));
        await Assertions.Expect(page.GetByTestId("water")).ToHaveAttributeAsync("data-interactive", "true");
        await page.Locator("#water-file").SetInputFilesAsync(new FilePayload { Name = "Net1.inp", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes(text) });
        await Assertions.Expect(page.GetByTestId("water-name")).ToHaveTextAsync("Net1.inp");
        var rows = page.GetByTestId("water-energy-pump");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First.Locator("th")).ToHaveTextAsync("9");
        await Assertions.Expect(page.GetByTestId("water-energy")).ToContainTextAsync("kWh/Mgal");
    }
}
