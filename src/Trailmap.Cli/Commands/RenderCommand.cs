using System.CommandLine;
using Trailmap.Export;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap render FILE --format F</c>: one model, one look, eight formats, and a zip of them all.</summary>
public static class RenderCommand
{
    public static Command Create(Terminal terminal, TimeProvider time)
    {
        var file = new Argument<string>("file") { Description = "The journey file to render" };
        var format = new Option<string>("--format", "-f")
        {
            Description = "html, svg, png, pdf, md, mermaid, csv or json; zip writes one archive with the YAML, its JSON Schema, the HTML, SVG, PNG, PDF, Markdown, CSV and JSON renders and a README",
            DefaultValueFactory = _ => "html",
        };
        format.AcceptOnlyFromAmong([.. Formats]);
        var output = new Option<string?>("--output", "-o")
        {
            Description = "File to write. Text formats go to stdout without it; PNG, PDF and zip default to FILE's name with the format's extension",
        };
        var actuals = new Option<string?>("--actuals") { Description = "Measured actuals (JSON from 'trailmap analyze --format actuals') to show beside the targets" };
        var pageSize = new Option<string>("--page-size") { Description = "PDF page: a3 or a4", DefaultValueFactory = _ => "a3" };
        pageSize.AcceptOnlyFromAmong("a3", "a4");
        var orientation = new Option<string>("--orientation") { Description = "PDF page: landscape or portrait", DefaultValueFactory = _ => "landscape" };
        orientation.AcceptOnlyFromAmong("landscape", "portrait");
        var chromium = new Option<string?>("--chromium") { Description = $"Path to Chromium for PNG/PDF (default: ${ChromiumLocator.EnvironmentVariable}, then /usr/bin/chromium)" };

        var command = new Command("render", "Render a journey map to HTML, SVG, PNG, PDF, Markdown, Mermaid, CSV or JSON, or all of them in one zip")
        {
            file, format, output, actuals, pageSize, orientation, chromium,
        };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var journey = JourneyInput.LoadValid(path, terminal);
            var measured = JourneyInput.LoadActuals(parse.GetValue(actuals), journey);
            var outPath = parse.GetValue(output);
            var page = new PdfPage(parse.GetValue(pageSize)!, parse.GetValue(orientation)!);
            var chosen = parse.GetValue(format)!;
            if (outPath is null && !NeedsBrowser(chosen))
            {
                var text = JourneyRenderer.Render(journey, Enum.Parse<RenderFormat>(chosen, ignoreCase: true), measured);
                await terminal.Raw.WriteAsync(text.AsMemory(), ct).ConfigureAwait(false);
                return 0;
            }

            outPath ??= Path.GetFileNameWithoutExtension(path) + Extension(chosen);
            await using var browser = new LazyChromium(parse.GetValue(chromium));
            await WriteFileAsync(chosen, path, journey, measured, outPath, page, browser, time, ct).ConfigureAwait(false);
            terminal.Info($"wrote {outPath}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The zip is a CLI format, not a <see cref="RenderFormat"/>: the server's export endpoint parses that enum and
    /// renders one file per request.
    /// </summary>
    private const string Zip = "zip";

    /// <summary>Every format <c>render --format</c> takes, in the order its help lists them; <c>draft --render</c> takes the same.</summary>
    public static readonly IReadOnlyList<string> Formats = ["html", "svg", "png", "pdf", "md", "mermaid", "csv", "json", Zip];

    /// <summary>PNG, PDF and the zip (which holds both) are printed by Chromium.</summary>
    public static bool NeedsBrowser(string format) =>
        format == Zip || JourneyRenderer.NeedsBrowser(Enum.Parse<RenderFormat>(format, ignoreCase: true));

    /// <summary>The file extension a format's file gets when no name is given: .html, .mmd for Mermaid, .zip.</summary>
    public static string Extension(string format) =>
        format == Zip ? ".zip" : JourneyRenderer.FileExtension(Enum.Parse<RenderFormat>(format, ignoreCase: true));

    /// <summary>
    /// Writes one format of the journey file at <paramref name="journeyPath"/> (already loaded and valid) to
    /// <paramref name="outPath"/>: the one code path of <c>render -o</c> and <c>draft --render</c>.
    /// </summary>
    public static async Task WriteFileAsync(
        string format, string journeyPath, Journey journey, JourneyActuals? actuals, string outPath, PdfPage page, LazyChromium browser, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(browser);
        if (format == Zip)
        {
            await RenderZipAsync(journeyPath, journey, actuals, page, outPath, browser, time, ct).ConfigureAwait(false);
            return;
        }

        var fmt = Enum.Parse<RenderFormat>(format, ignoreCase: true);
        if (JourneyRenderer.NeedsBrowser(fmt))
        {
            await ExportAsync(await browser.GetAsync().ConfigureAwait(false), journey, actuals, fmt, outPath, page, ct).ConfigureAwait(false);
            return;
        }

        OutputFile.WriteText(outPath, JourneyRenderer.Render(journey, fmt, actuals));
    }

    private static async Task RenderZipAsync(string path, Journey journey, JourneyActuals? actuals, PdfPage page, string outPath, LazyChromium browser, TimeProvider time, CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(outPath))!;
        if (!Directory.Exists(dir))
        {
            throw new UserError($"cannot write '{outPath}': folder '{dir}' does not exist");
        }

        var exporter = await browser.GetAsync().ConfigureAwait(false);
        try
        {
            await MapBundle.WriteAsync(exporter, path, journey, actuals, page.Size, page.Orientation, outPath, time, ct).ConfigureAwait(false);
        }
        catch (Microsoft.Playwright.PlaywrightException e)
        {
            throw new UserError($"Chromium failed to render the zip's PNG or PDF: {e.Message.Split('\n')[0]}; no archive was written");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"cannot write '{outPath}': {e.Message}; no archive was written");
        }
    }

    public static async Task<ChromiumExporter> StartChromiumAsync(string? chromium)
    {
        try
        {
            return await ChromiumExporter.StartAsync(chromium).ConfigureAwait(false);
        }
        catch (ChromiumNotFoundException e)
        {
            throw new UserError(e.Message);
        }
        catch (Microsoft.Playwright.PlaywrightException e)
        {
            throw new UserError($"Chromium did not start: {e.Message.Split('\n')[0]}");
        }
    }

    public static async Task ExportAsync(ChromiumExporter exporter, Journey journey, JourneyActuals? actuals, RenderFormat format, string outPath, PdfPage page, CancellationToken ct)
    {
        try
        {
            if (format == RenderFormat.Png)
            {
                await exporter.ExportPngAsync(HtmlRenderer.Render(journey, actuals), outPath, ct).ConfigureAwait(false);
            }
            else
            {
                var (size, orientation) = (page.Size, page.Orientation);
                var html = HtmlRenderer.Render(journey, actuals, ChromiumExporter.StagesPerPage(size, orientation));
                await exporter.ExportPdfAsync(html, outPath, size, orientation, ct).ConfigureAwait(false);
            }
        }
        catch (Microsoft.Playwright.PlaywrightException e)
        {
            throw new UserError($"Chromium failed to render {format.ToString().ToUpperInvariant()}: {e.Message.Split('\n')[0]}");
        }
    }
}

/// <summary>The PDF page as the CLI options give it: <c>--page-size a3|a4</c> and <c>--orientation landscape|portrait</c>.</summary>
public readonly record struct PdfPage(string PageSize, string PageOrientation)
{
    public static PdfPage Default { get; } = new("a3", "landscape");

    public PageSize Size => PageSize.Equals("a4", StringComparison.OrdinalIgnoreCase) ? Export.PageSize.A4 : Export.PageSize.A3;

    public PageOrientation Orientation =>
        PageOrientation.Equals("portrait", StringComparison.OrdinalIgnoreCase) ? Export.PageOrientation.Portrait : Export.PageOrientation.Landscape;
}

/// <summary>Chromium started on first use, so one command that writes PNG, PDF and a zip starts it once, and one that writes none never does.</summary>
public sealed class LazyChromium(string? path) : IAsyncDisposable
{
    private ChromiumExporter? exporter;

    public async Task<ChromiumExporter> GetAsync() => exporter ??= await RenderCommand.StartChromiumAsync(path).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (exporter is not null)
        {
            await exporter.DisposeAsync().ConfigureAwait(false);
        }
    }
}
