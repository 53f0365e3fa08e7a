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
        format.AcceptOnlyFromAmong("html", "svg", "png", "pdf", "md", "mermaid", "csv", "json", Zip);
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
            if (parse.GetValue(format) == Zip)
            {
                outPath ??= Path.GetFileNameWithoutExtension(path) + ".zip";
                await RenderZipAsync(path, journey, measured, page, outPath, parse.GetValue(chromium), time, ct).ConfigureAwait(false);
                terminal.Info($"wrote {outPath}");
                return 0;
            }

            var fmt = Enum.Parse<RenderFormat>(parse.GetValue(format)!, ignoreCase: true);
            if (JourneyRenderer.NeedsBrowser(fmt))
            {
                outPath ??= Path.GetFileNameWithoutExtension(path) + JourneyRenderer.FileExtension(fmt);
                await RenderWithBrowserAsync(journey, measured, fmt, outPath, page, parse.GetValue(chromium), ct).ConfigureAwait(false);
                terminal.Info($"wrote {outPath}");
                return 0;
            }

            var text = JourneyRenderer.Render(journey, fmt, measured);
            if (outPath is null)
            {
                await terminal.Raw.WriteAsync(text.AsMemory(), ct).ConfigureAwait(false);
                return 0;
            }

            OutputFile.WriteText(outPath, text);
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

    private static async Task RenderZipAsync(string path, Journey journey, JourneyActuals? actuals, PdfPage page, string outPath, string? chromium, TimeProvider time, CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(outPath))!;
        if (!Directory.Exists(dir))
        {
            throw new UserError($"cannot write '{outPath}': folder '{dir}' does not exist");
        }

        await using var exporter = await StartChromiumAsync(chromium).ConfigureAwait(false);
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

    public static async Task RenderWithBrowserAsync(Journey journey, JourneyActuals? actuals, RenderFormat format, string outPath, PdfPage page, string? chromium, CancellationToken ct)
    {
        await using var chromiumExporter = await StartChromiumAsync(chromium).ConfigureAwait(false);
        await ExportAsync(chromiumExporter, journey, actuals, format, outPath, page, ct).ConfigureAwait(false);
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
