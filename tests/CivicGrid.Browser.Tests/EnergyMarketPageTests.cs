using System.Globalization;
using System.Text;
using CivicGrid.Energy.Market;
using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>
/// The /energy/market page in headless Chromium: an operator clears the demo bids and an uploaded bids CSV at the
/// engine's price with balanced trades and a logged receipt, grid-aware clearing names the line that limits a trade,
/// and a malformed CSV shows its file, line and column.
/// </summary>
public sealed class EnergyMarketPageTests(CivicGridBrowserFixture server) : IClassFixture<CivicGridBrowserFixture>
{
    private const string Header = "id,participant,side,quantity_kwh,price_eur_per_kwh";

    private async Task<IPage> OperatorPageAsync()
    {
        var admin = await server.NewSignedInPageAsync();
        var regions = (await (await admin.APIRequest.GetAsync(server.Url("api/regions"))).JsonAsync())!.Value.EnumerateArray()
            .Select(r => r.GetProperty("id").GetString()!).ToArray();
        var userName = "market-ops-" + Guid.NewGuid().ToString("N")[..6];
        const string password = "Market-operations-1!";
        var created = await admin.APIRequest.PostAsync(server.Url("api/accounts"), new APIRequestContextOptions
        {
            DataObject = new { userName, password, roles = new[] { "operator" }, regions },
        });
        Assert.True(created.Ok, await created.TextAsync());
        var page = await server.NewPageAsync();
        await server.SignInAsync(page, userName, password);
        await page.GotoAsync(server.Url("energy/market"));
        await Assertions.Expect(page.GetByTestId("energy-market")).ToHaveAttributeAsync("data-interactive", "true");
        return page;
    }

    private static Task UploadAsync(IPage page, string name, string csv) =>
        page.SetInputFilesAsync("#market-upload", new FilePayload { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });

    private static async Task<ClearingResult> ClearAndCompareAsync(IPage page, IReadOnlyList<Bid> bids)
    {
        await Assertions.Expect(page.Locator("#market-clear")).ToBeEnabledAsync();
        await page.ClickAsync("#market-clear");
        await Assertions.Expect(page.GetByTestId("market-result")).ToBeVisibleAsync(new() { Timeout = 60_000 });

        var engine = UniformPriceAuction.Clear(bids, bids[0].Interval);
        var shown = await page.GetByTestId("market-price").GetAttributeAsync("data-value");
        if (double.IsFinite(engine.PriceEurPerKWh))
        {
            Assert.Equal(engine.PriceEurPerKWh, double.Parse(shown!, CultureInfo.InvariantCulture));
        }
        else
        {
            Assert.Equal("", shown ?? "");
        }
        // Trades balance: the paired trades add up to the cleared energy, and kWh bought = kWh sold.
        var cleared = double.Parse((await page.GetByTestId("market-cleared").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
        Assert.Equal(engine.ClearedKWh, cleared, 9);
        var trades = await page.GetByTestId("market-trade").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.kwh)");
        Assert.Equal(cleared, trades.Sum(t => double.Parse(t, CultureInfo.InvariantCulture)), 9);
        var balance = page.GetByTestId("market-balance");
        Assert.Equal(double.Parse((await balance.GetAttributeAsync("data-bought"))!, CultureInfo.InvariantCulture),
            double.Parse((await balance.GetAttributeAsync("data-sold"))!, CultureInfo.InvariantCulture), 9);
        await Assertions.Expect(page.GetByTestId("market-invariants")).ToContainTextAsync("no fill at a worse price");

        // The clearing is a decision in the log: a log index, a receipt, and the recent-clearings table lists it.
        var logIndex = long.Parse(await page.GetByTestId("market-log-index").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.True(logIndex >= 0);
        await Assertions.Expect(page.GetByTestId("market-ledger-entry")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex($"/receipts/{logIndex}$"));
        await Assertions.Expect(page.GetByTestId("market-receipt")).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.GetByTestId("market-recent-row").First).ToContainTextAsync(logIndex.ToString(CultureInfo.InvariantCulture));
        return engine;
    }

    [Fact]
    public async Task Operator_clears_the_demo_bids_and_an_uploaded_file_at_the_engines_price_with_a_receipt()
    {
        var page = await OperatorPageAsync();

        // The generated bids are offered as a CSV download: the page clears exactly those bids.
        var href = (await page.GetByTestId("market-bids-csv").GetAttributeAsync("href"))!;
        var csv = Encoding.UTF8.GetString(Convert.FromBase64String(href[(href.IndexOf(',', StringComparison.Ordinal) + 1)..]));
        var demoBids = BidCsvReader.Parse(csv, "demo.csv");
        Assert.NotEmpty(demoBids);
        await Assertions.Expect(page.Locator("[data-testid=market-chart] g[data-series=demand] polyline")).ToHaveCountAsync(1);
        await ClearAndCompareAsync(page, demoBids);

        // An uploaded file with a partly filled marginal bid.
        const string uploaded = Header + "\n# a small street market\nb1,alice,buy,5,0.31\nb2,bob,buy,3,0.24\nb3,carol,buy,4,0.18\ns1,dave,sell,4,0.12\ns2,erin,sell,3,0.20\ns3,frank,sell,6,0.27\n";
        await UploadAsync(page, "street.csv", uploaded);
        await Assertions.Expect(page.GetByTestId("market-bid-summary")).ToContainTextAsync("3 bids to buy 12 kWh");
        var engine = await ClearAndCompareAsync(page, BidCsvReader.Parse(uploaded, "street.csv"));
        Assert.True(engine.Trades.Count > 0);
        await Assertions.Expect(page.GetByTestId("market-chart-price")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=market-settlement] tbody tr")).ToHaveCountAsync(engine.Fills.Select(f => f.Participant).Distinct().Count());
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Grid_aware_clearing_shows_the_curtailed_trade_and_the_line_that_limits_it()
    {
        var page = await OperatorPageAsync();
        var regionId = (await page.Locator("[aria-label=Region] button").First.GetAttributeAsync("id"))!["market-region-".Length..];
        var demo = (await (await page.APIRequest.GetAsync(server.Url($"api/energy/market/{regionId}/bids"))).JsonAsync())!.Value;
        var first = demo.GetProperty("firstBus").GetInt32();
        var csv = Header + ",bus\n"
            + string.Create(CultureInfo.InvariantCulture, $"near-buy,bakery,buy,60,0.30,{first}\nfar-sell,pv-owner,sell,60,0.05,{first + 1}\n");
        await UploadAsync(page, "congested.csv", csv);
        await page.SelectOptionAsync("#market-method", "GridAware");
        await page.ClickAsync("#market-clear");
        await Assertions.Expect(page.GetByTestId("market-result")).ToHaveAttributeAsync("data-method", "grid-aware", new() { Timeout = 120_000 });
        var cleared = double.Parse((await page.GetByTestId("market-cleared").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
        Assert.True(cleared is > 0 and < 60, $"cleared {cleared} kWh");
        await Assertions.Expect(page.GetByTestId("market-curtailed-bid")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("market-binding")).ToContainTextAsync("line");
        // Without the grid, the whole 60 kWh would flow over the section between the two buses and overload it.
        await Assertions.Expect(page.GetByTestId("market-overloads")).ToContainTextAsync(string.Create(CultureInfo.InvariantCulture, $"line {first}-{first + 1}"));
        await Assertions.Expect(page.GetByTestId("market-log-index")).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_malformed_bids_file_shows_its_file_line_column_and_reason()
    {
        var page = await OperatorPageAsync();
        await UploadAsync(page, "bad.csv", Header + "\nb1,alice,buy,lots,0.2\n");
        await Assertions.Expect(page.GetByTestId("market-upload-error")).ToContainTextAsync("bad.csv:2:14");
        await Assertions.Expect(page.GetByTestId("market-upload-error")).ToContainTextAsync("quantity_kwh is not a finite number");
        // The page still offers the region's own bids.
        await Assertions.Expect(page.Locator("#market-source")).ToHaveValueAsync("demo");
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }
}
