using Trailmap.Export;
using Trailmap.Journeys.Rendering;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Exports;

/// <summary>A rendered journey ready to send: bytes, content type and a file name.</summary>
public sealed record ExportedFile(byte[] Bytes, string ContentType, string FileName);

/// <summary>
/// Renders a measured journey to any format, with the same renderers as <c>trailmap render</c>. PDF and PNG go
/// through one Chromium started on first use and kept for later exports; a gate keeps exports one at a time,
/// because two pages printing at once on a 2-core machine are slower than two in a row.
/// </summary>
public sealed class ExportService(WorkspaceOptions options) : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private ChromiumExporter? browser;

    public static RenderFormat? ParseFormat(string? text) =>
        Enum.TryParse<RenderFormat>(text, ignoreCase: true, out var f) && Enum.IsDefined(f) ? f : null;

    public static string ContentType(RenderFormat format) => format switch
    {
        RenderFormat.Html => "text/html; charset=utf-8",
        RenderFormat.Svg => "image/svg+xml",
        RenderFormat.Png => "image/png",
        RenderFormat.Pdf => "application/pdf",
        RenderFormat.Md => "text/markdown; charset=utf-8",
        RenderFormat.Mermaid => "text/plain; charset=utf-8",
        RenderFormat.Csv => "text/csv; charset=utf-8",
        RenderFormat.Json => "application/json; charset=utf-8",
        _ => "application/octet-stream",
    };

    /// <summary>The journey in <paramref name="format"/>; throws <see cref="ExportException"/> when Chromium is missing or fails.</summary>
    public async Task<ExportedFile> ExportAsync(MeasuredJourney measured, RenderFormat format, PageSize size = PageSize.A3, CancellationToken cancel = default)
    {
        var name = measured.Stored.Slug + "-v" + measured.Version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) + JourneyRenderer.FileExtension(format);
        if (!JourneyRenderer.NeedsBrowser(format))
        {
            var text = JourneyRenderer.Render(measured.Journey, format, measured.Actuals);
            return new ExportedFile(System.Text.Encoding.UTF8.GetBytes(text), ContentType(format), name);
        }

        var temp = Path.Combine(Path.GetTempPath(), "trailmap-export-" + Guid.NewGuid().ToString("N") + JourneyRenderer.FileExtension(format));
        await gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            browser ??= await StartAsync().ConfigureAwait(false);
            if (format == RenderFormat.Png)
            {
                await browser.ExportPngAsync(HtmlRenderer.Render(measured.Journey, measured.Actuals), temp, cancel).ConfigureAwait(false);
            }
            else
            {
                // A wide map prints in blocks of whole stages, one block a page, rather than shrinking to fit.
                var html = HtmlRenderer.Render(measured.Journey, measured.Actuals, ChromiumExporter.StagesPerPage(size, PageOrientation.Landscape));
                await browser.ExportPdfAsync(html, temp, size, PageOrientation.Landscape, cancel).ConfigureAwait(false);
            }

            return new ExportedFile(await File.ReadAllBytesAsync(temp, cancel).ConfigureAwait(false), ContentType(format), name);
        }
        catch (Microsoft.Playwright.PlaywrightException e)
        {
            // A browser that died is restarted on the next export rather than failing every later one.
            await ResetAsync().ConfigureAwait(false);
            throw new ExportException($"Chromium failed to render the {format.ToString().ToUpperInvariant()}: {e.Message.Split('\n')[0]}");
        }
        finally
        {
            gate.Release();
            File.Delete(temp);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ResetAsync().ConfigureAwait(false);
        gate.Dispose();
    }

    private async Task<ChromiumExporter> StartAsync()
    {
        try
        {
            return await ChromiumExporter.StartAsync(options.ChromiumPath).ConfigureAwait(false);
        }
        catch (ChromiumNotFoundException e)
        {
            throw new ExportException(e.Message);
        }
        catch (Microsoft.Playwright.PlaywrightException e)
        {
            throw new ExportException($"Chromium did not start: {e.Message.Split('\n')[0]}");
        }
    }

    private async Task ResetAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync().ConfigureAwait(false);
            browser = null;
        }
    }
}

/// <summary>An export that cannot be made here (no Chromium); the message says what to install or pass.</summary>
public sealed class ExportException(string message) : Exception(message);
