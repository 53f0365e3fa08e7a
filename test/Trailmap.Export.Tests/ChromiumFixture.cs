using Microsoft.Playwright;

using Xunit;

namespace Trailmap.Export.Tests;

/// <summary>One real Debian Chromium for a test class, driven by Playwright.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        RequireChromium();
        _playwright = await Playwright.CreateAsync();
        Browser = await ChromiumExporter.LaunchAsync(_playwright);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>
    /// Browser tests run wherever Chromium is installed, and always in CI (eng/test.sh installs it); a developer
    /// machine without it skips them with a message that says how to get it.
    /// </summary>
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
