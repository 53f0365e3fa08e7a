using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Trailmap.Export;

namespace Trailmap.Web.Tests.Browser;

/// <summary>
/// The workspace on real Kestrel on a loopback port, composed as <c>trailmap serve</c> composes it, and Debian's
/// Chromium driven by Playwright: what a user's browser talks to, with no in-memory test server in between.
/// </summary>
public sealed class LiveWorkspace : IAsyncDisposable
{
    private readonly string dir;
    private readonly WebApplication app;
    private readonly IPlaywright playwright;

    private LiveWorkspace(string dir, WebApplication app, IPlaywright playwright, IBrowser browser, string address)
    {
        this.dir = dir;
        this.app = app;
        this.playwright = playwright;
        Browser = browser;
        Address = address;
    }

    public IBrowser Browser { get; }

    public string Address { get; }

    public IServiceProvider Services => app.Services;

    public string Dir => dir;

    public static async Task<LiveWorkspace> StartAsync(CancellationToken cancel, Func<WorkspaceOptions, WorkspaceOptions>? configure = null)
    {
        RequireChromium();
        var dir = Directory.CreateTempSubdirectory("trailmap-live-").FullName;
        // The map after an import shows the new numbers at once (the view waits for their measurement), also on a busy machine.
        var options = new WorkspaceOptions { DbPath = Path.Combine(dir, "workspace.duckdb"), FirstAnalysisWait = TimeSpan.FromMinutes(2), FreshWait = TimeSpan.FromMinutes(2) };
        var app = WorkspaceServer.Build(configure is null ? options : configure(options), ["http://127.0.0.1:0"]);
        await app.StartAsync(cancel);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var playwright = await Playwright.CreateAsync();
        var browser = await ChromiumExporter.LaunchAsync(playwright);
        return new LiveWorkspace(dir, app, playwright, browser, address);
    }

    /// <summary>A fresh browser profile (no cookies) with downloads allowed.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Address, AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean: a file still held by a closing connection.
        }
    }

    /// <summary>Browser tests run wherever Chromium is installed, and always in CI (eng/test.sh installs it).</summary>
    public static void RequireChromium()
    {
        try
        {
            ChromiumLocator.Find();
        }
        catch (ChromiumNotFoundException e) when (Environment.GetEnvironmentVariable("CI") is not { Length: > 0 })
        {
            Assert.Skip($"Chromium is not installed: {e.Message} (./eng/test.sh installs it)");
        }
    }
}
