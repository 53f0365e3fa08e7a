using Microsoft.Playwright;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Export;

public enum PageSize { A3, A4 }

public enum PageOrientation { Landscape, Portrait }

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

    /// <summary>
    /// Writes a full-page PNG of the HTML, the canvas widened to the map so every stage column is in the picture.
    /// The file appears only when complete.
    /// </summary>
    public async Task ExportPngAsync(string html, string outputPath, CancellationToken cancellationToken = default)
    {
        await WithPageAsync(html, async page =>
        {
            await FitToContentAsync(page).ConfigureAwait(false);
            var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Type = ScreenshotType.Png }).ConfigureAwait(false);
            await WriteAtomicallyAsync(outputPath, bytes, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Widens the page's viewport until the map no longer scrolls sideways. On screen a wide map scrolls inside its
    /// box; a picture cannot scroll, so a map of many stages would lose its last columns.
    /// </summary>
    public static async Task FitToContentAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        // The page's reading width cap exists for screens; a picture takes the map's full width.
        await AddStyleAsync(page, ".page { max-width: none; }").ConfigureAwait(false);
        var (width, height) = page.ViewportSize is { } viewport ? (viewport.Width, viewport.Height) : (ViewportWidth, 1000);
        var hidden = await page.EvaluateAsync<double>(
            "() => { const s = document.querySelector('.map-scroll'); return s ? Math.max(0, s.scrollWidth - s.clientWidth) : 0; }").ConfigureAwait(false);
        if (hidden > 0)
        {
            await page.SetViewportSizeAsync(width + (int)Math.Ceiling(hidden), height).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a PDF. The HTML should come from <c>HtmlRenderer</c> with <see cref="StagesPerPage"/> stages a block, so
    /// wide maps run over several pages with their stage headers and lane labels on each, rather than shrinking.
    /// </summary>
    public async Task ExportPdfAsync(string html, string outputPath, PageSize size = PageSize.A3, CancellationToken cancellationToken = default) =>
        await ExportPdfAsync(html, outputPath, size, PageOrientation.Landscape, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc cref="ExportPdfAsync(string, string, PageSize, CancellationToken)"/>
    public async Task ExportPdfAsync(string html, string outputPath, PageSize size, PageOrientation orientation, CancellationToken cancellationToken = default)
    {
        await WithPageAsync(html, async page =>
        {
            // Lay the page out at the printable width, so what is measured here is what prints.
            var (pageWidth, pageHeight) = PageMillimetres(size, orientation);
            var printableWidth = (int)Math.Floor((pageWidth - (2 * MarginMillimetres)) * PixelsPerMillimetre);
            await page.SetViewportSizeAsync(printableWidth, 1000).ConfigureAwait(false);
            await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print }).ConfigureAwait(false);
            // The page's own @page rule names A3 landscape for printing from a browser; Chromium would follow it.
            await AddStyleAsync(page, $"@page {{ size: {size} {orientation.ToString().ToLowerInvariant()}; }}").ConfigureAwait(false);
            var contentWidth = await page.EvaluateAsync<double>("() => Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0)").ConfigureAwait(false);
            // The first block shares its page with the header and the map's heading, so it counts from the page's top;
            // every later block starts a page of its own.
            var tallestBlock = await page.EvaluateAsync<double>("""
                () => Math.max(0, ...Array.from(document.querySelectorAll('.map-block')).map((b, i) => {
                  const r = b.getBoundingClientRect();
                  return i === 0 ? r.bottom + window.scrollY : r.height;
                }))
                """).ConfigureAwait(false);
            var printableHeight = (pageHeight - (2 * MarginMillimetres)) * PixelsPerMillimetre;
            var scale = Math.Min(FitScale(contentWidth, size, orientation), FitHeightScale(tallestBlock, printableHeight));
            var margin = $"{MarginMillimetres}mm";
            var bytes = await page.PdfAsync(new PagePdfOptions
            {
                Format = size.ToString(),
                Landscape = orientation == PageOrientation.Landscape,
                PrintBackground = true,
                PreferCSSPageSize = false,
                Scale = (float)scale,
                Margin = new Margin { Top = margin, Bottom = margin, Left = margin, Right = margin },
            }).ConfigureAwait(false);
            await WriteAtomicallyAsync(outputPath, bytes, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Adds a stylesheet to the page. (AddStyleTagAsync waits for a load event that never fires with scripts off.)</summary>
    private static async Task AddStyleAsync(IPage page, string css) =>
        await page.EvaluateAsync(
            "css => { const s = document.createElement('style'); s.textContent = css; document.head.appendChild(s); }", css).ConfigureAwait(false);

    /// <summary>Width and height of the page in millimetres.</summary>
    public static (double Width, double Height) PageMillimetres(PageSize size, PageOrientation orientation)
    {
        var (shortSide, longSide) = size == PageSize.A3 ? (297.0, 420.0) : (210.0, 297.0);
        return orientation == PageOrientation.Landscape ? (longSide, shortSide) : (shortSide, longSide);
    }

    /// <summary>The narrowest a stage column may print, in CSS pixels: a stage name of 19px bold words fits it unbroken.</summary>
    public const int MinPrintColumnWidth = 170;

    /// <summary>The lane label column's width in print, in CSS pixels (the print stylesheet's first grid column).</summary>
    public const int PrintLabelWidth = HtmlPrint.LabelWidth;

    /// <summary>How many stage columns fit across one page at full size; the PDF puts the map in blocks of this many.</summary>
    public static int StagesPerPage(PageSize size, PageOrientation orientation)
    {
        var printableWidth = (PageMillimetres(size, orientation).Width - (2 * MarginMillimetres)) * PixelsPerMillimetre;
        return Math.Max(1, (int)((printableWidth - PrintLabelWidth) / MinPrintColumnWidth));
    }

    /// <summary>The print scale that fits content of the given CSS pixel width onto the page's printable width.</summary>
    public static double FitScale(double contentWidthPixels, PageSize size, PageOrientation orientation = PageOrientation.Landscape)
    {
        var printableWidth = (PageMillimetres(size, orientation).Width - (2 * MarginMillimetres)) * PixelsPerMillimetre;
        // Chromium accepts print scales from 0.1 to 2; never enlarge a small map.
        return Math.Clamp(printableWidth / Math.Max(contentWidthPixels, 1), 0.1, 1.0);
    }

    /// <summary>
    /// The print scale at which the tallest map block fits one page, so each page of the map starts with its stage
    /// headers; never below <see cref="MinHeightScale"/>, where text would be too small to read.
    /// </summary>
    public static double FitHeightScale(double blockHeightPixels, double printableHeightPixels) =>
        // 2% to spare for rounding between the measured layout and the printed one.
        blockHeightPixels <= printableHeightPixels * 0.98 ? 1.0 : Math.Max(MinHeightScale, printableHeightPixels * 0.98 / blockHeightPixels);

    /// <summary>The smallest scale used to keep a map block on one page; taller blocks continue on the next page.</summary>
    public const double MinHeightScale = 0.6;

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
