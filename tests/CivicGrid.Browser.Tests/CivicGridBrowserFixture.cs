using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using CivicGrid.Testing;
using Microsoft.Playwright;
using Xunit;

namespace CivicGrid.Browser.Tests;

/// <summary>
/// The real CivicGrid server (its own process, on a free loopback port, with a fresh data directory and the
/// demo city) and Debian's headless Chromium driven by Playwright. Reusable by any browser test class:
/// <code>
/// public sealed class StudioPageTests(CivicGridBrowserFixture server) : IClassFixture&lt;CivicGridBrowserFixture&gt;
/// {
///     [Fact]
///     public async Task Shows_the_simulator()
///     {
///         var page = await server.NewSignedInPageAsync();          // signed in as the first administrator
///         await page.GotoAsync(server.Url("studio"));
///         await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Studio");
///     }
/// }
/// </code>
/// <see cref="NewPageAsync"/> gives a signed-out page; <see cref="SignInAsync"/> signs a page in with any account.
/// Without Chromium the tests skip locally and fail under <c>CI=true</c>. Chromium is found at
/// <c>CIVICGRID_CHROMIUM</c>, else <c>/usr/bin/chromium</c>; Playwright never downloads a browser.
/// </summary>
public sealed class CivicGridBrowserFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly TempFolder folder = RepositoryPaths.CreateTempFolder();
    private readonly StringBuilder serverOutput = new();
    private Process? server;
    private IPlaywright? playwright;
    private IBrowser? browser;
    private string? unavailable;

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The first administrator's user name, as the server printed it on first start.</summary>
    public string AdministratorUserName { get; private set; } = "";

    /// <summary>The first administrator's one-time password, read from the server's console output.</summary>
    public string AdministratorPassword { get; private set; } = "";

    /// <summary>The server's data directory (SQLite files, transparency logs).</summary>
    public string DataDirectory => folder.Path;

    /// <summary>An absolute URL for a base-relative path such as <c>water</c> or <c>account/login</c>.</summary>
    public string Url(string relativePath) => new Uri(BaseAddress, relativePath.TrimStart('/')).ToString();

    /// <summary>A page in a fresh browser context (no cookies): signed out.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var chromium = RequireBrowser();
        var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1360, Height = 900 },
        });
        return await context.NewPageAsync();
    }

    /// <summary>A page signed in as the first administrator, showing the home page.</summary>
    public async Task<IPage> NewSignedInPageAsync()
    {
        var page = await NewPageAsync();
        await SignInAsync(page, AdministratorUserName, AdministratorPassword);
        return page;
    }

    /// <summary>Signs <paramref name="page"/> in through the login form and waits for the home page.</summary>
    public async Task SignInAsync(IPage page, string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(Url("account/login"));
        await page.FillAsync("#username", userName);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
    }

    public async ValueTask InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("CIVICGRID_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            unavailable = $"Chromium not found at {executable} (install Debian's chromium or set CIVICGRID_CHROMIUM)";
            return;
        }
        await StartServerAsync();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        // CI runs the test assemblies side by side on two cores: a circuit can take well over Playwright's five-second
        // default to connect, so assertions wait up to 30 s (they still return as soon as the condition holds).
        Assertions.SetDefaultExpectTimeout(30_000);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }
        playwright?.Dispose();
        if (server is { HasExited: false })
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        server?.Dispose();
        folder.Dispose();
    }

    private IBrowser RequireBrowser()
    {
        if (browser is not null)
        {
            return browser;
        }
        if (ReferenceData.IsCi)
        {
            Assert.Fail("Browser tests need Chromium in CI: " + unavailable);
        }
        Assert.Skip(unavailable ?? "the browser did not start");
        return null!;
    }

    private async Task StartServerAsync()
    {
        var port = FreeTcpPort();
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/");
        var serverDll = Path.Combine(AppContext.BaseDirectory, "CivicGrid.Server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { serverDll, "--urls", BaseAddress.GetLeftPart(UriPartial.Authority) })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["CivicGrid__DataDirectory"] = Path.Combine(folder.Path, "data");
        start.Environment["CivicGrid__Orleans__SiloPort"] = "0";
        start.Environment["CivicGrid__Orleans__GatewayPort"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // The pages are exercised by explicit actions; the quarter-hour background re-plan (tested on its own in the
        // platform tests) would add schedules and demand-response events at wall-clock boundaries mid-test.
        start.Environment["CivicGrid__Energy__VppReplan__Enabled"] = "false";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment.Remove("ConnectionStrings__CivicGrid");
        start.Environment.Remove("CivicGrid__Storage__Provider");

        var password = new TaskCompletionSource<(string User, string Password)>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? user = null;
        server = new Process { StartInfo = start };
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (serverOutput)
            {
                serverOutput.AppendLine(e.Data);
            }
            if (Regex.Match(e.Data, @"user name:\s+(\S+)") is { Success: true } u)
            {
                user = u.Groups[1].Value;
            }
            if (Regex.Match(e.Data, @"one-time password:\s+(\S+)") is { Success: true } p && user is not null)
            {
                password.TrySetResult((user, p.Groups[1].Value));
            }
        };
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (serverOutput)
                {
                    serverOutput.AppendLine(e.Data);
                }
            }
        };
        server.Start();
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var exited = server.WaitForExitAsync(timeout.Token);
        if (await Task.WhenAny(password.Task, exited) != password.Task)
        {
            throw new InvalidOperationException("The server did not print the first administrator's password:\n" + Output());
        }
        (AdministratorUserName, AdministratorPassword) = await password.Task;

        using var http = new HttpClient { BaseAddress = BaseAddress };
        while (true)
        {
            timeout.Token.ThrowIfCancellationRequested();
            if (server.HasExited)
            {
                throw new InvalidOperationException("The server exited:\n" + Output());
            }
            try
            {
                using var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative), timeout.Token);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200, timeout.Token);
        }
    }

    private string Output()
    {
        lock (serverOutput)
        {
            return serverOutput.ToString();
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
