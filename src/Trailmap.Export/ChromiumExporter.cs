using Microsoft.Playwright;

namespace Trailmap.Export;

public enum PageSize { A3, A4 }

/// <summary>
/// Turns rendered HTML maps into PNG or PDF through one headless Chromium. Start it once and export many maps:
/// a browser start costs about a second, an export a fraction of that.
/// </summary>
public sealed class ChromiumExporter : IAsyncDisposable
{
    // Chromium lays out at 96 px per inch; a millimetre is 96 / 25.4 px.
    private const double PixelsPerMillimetre = 96 / 25.4;
    private const double MarginMillimetres = 10;
    private const int ViewportWidth = 1600;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ChromiumExporter(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>
    /// Flags for a headless Chromium on a server: no sandbox (often run as root in containers), and no background
    /// networking, which would otherwise try to reach Google's hosts from a closed network.
    /// </summary>
    public static IReadOnlyList<string> LaunchArguments { get; } =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright, string? chromiumPath = null) =>
        await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumLocator.Find(chromiumPath),
            Headless = true,
            Args = LaunchArguments,
        }).ConfigureAwait(false);

    /// <summary>Finds and starts Chromium; throws <see cref="ChromiumNotFoundException"/> with install advice when there is none.</summary>
    public static async Task<ChromiumExporter> StartAsync(string? chromiumPath = null)
    {
        var executable = ChromiumLocator.Find(chromiumPath);
        var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        try
        {
            return new ChromiumExporter(playwright, await LaunchAsync(playwright, executable).ConfigureAwait(false));
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Writes a full-page PNG of the HTML. The file appears only when complete.</summary>
    public async Task ExportPngAsync(string html, string outputPath, CancellationToken cancellationToken = default)
    {
        await WithPageAsync(html, async page =>
        {
            var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Type = ScreenshotType.Png }).ConfigureAwait(false);
            await WriteAtomicallyAsync(outputPath, bytes, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Writes a landscape PDF, scaled down so the whole map's width fits the page.</summary>
    public async Task ExportPdfAsync(string html, string outputPath, PageSize size = PageSize.A3, CancellationToken cancellationToken = default)
    {
        await WithPageAsync(html, async page =>
        {
            var contentWidth = await page.EvaluateAsync<double>("() => Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0)").ConfigureAwait(false);
            var scale = FitScale(contentWidth, size);
            var margin = $"{MarginMillimetres}mm";
            var bytes = await page.PdfAsync(new PagePdfOptions
            {
                Format = size.ToString(),
                Landscape = true,
                PrintBackground = true,
                Scale = (float)scale,
                Margin = new Margin { Top = margin, Bottom = margin, Left = margin, Right = margin },
            }).ConfigureAwait(false);
            await WriteAtomicallyAsync(outputPath, bytes, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>The print scale that fits content of the given CSS pixel width onto the page's printable width.</summary>
    public static double FitScale(double contentWidthPixels, PageSize size)
    {
        var pageWidthMm = size == PageSize.A3 ? 420 : 297;
        var printableWidth = (pageWidthMm - (2 * MarginMillimetres)) * PixelsPerMillimetre;
        // Chromium accepts print scales from 0.1 to 2; never enlarge a small map.
        return Math.Clamp(printableWidth / Math.Max(contentWidthPixels, 1), 0.1, 1.0);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync().ConfigureAwait(false);
        _playwright.Dispose();
    }

    private async Task WithPageAsync(string html, Func<IPage, Task> work)
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = ViewportWidth, Height = 1000 },
            DeviceScaleFactor = 2,
            // A rendered map is self-contained and needs no script: refuse both, so nothing can leak or run.
            Offline = true,
            JavaScriptEnabled = false,
        }).ConfigureAwait(false);
        var page = await context.NewPageAsync().ConfigureAwait(false);
        await page.SetContentAsync(html, new PageSetContentOptions { WaitUntil = WaitUntilState.Load }).ConfigureAwait(false);
        await work(page).ConfigureAwait(false);
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var temp = full + ".partial";
        await File.WriteAllBytesAsync(temp, bytes, cancellationToken).ConfigureAwait(false);
        File.Move(temp, full, overwrite: true);
    }
}
