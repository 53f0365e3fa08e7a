using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Mermaid;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Rendering;

/// <summary>The output formats of <c>trailmap render</c>. PNG and PDF are HTML printed by Chromium.</summary>
public enum RenderFormat { Html, Svg, Png, Pdf, Md, Mermaid, Csv, Json }

/// <summary>One entry point for every text format, so the CLI and the server render the same way.</summary>
public static class JourneyRenderer
{
    public static string FileExtension(RenderFormat format) => format switch
    {
        RenderFormat.Md => ".md",
        RenderFormat.Mermaid => ".mmd",
        _ => "." + format.ToString().ToLowerInvariant(),
    };

    public static bool NeedsBrowser(RenderFormat format) => format is RenderFormat.Png or RenderFormat.Pdf;

    /// <summary>Renders a text format; for PNG and PDF this returns the HTML the browser prints.</summary>
    public static string Render(Journey journey, RenderFormat format, JourneyActuals? actuals = null) => format switch
    {
        RenderFormat.Html or RenderFormat.Png or RenderFormat.Pdf => HtmlRenderer.Render(journey, actuals),
        RenderFormat.Svg => SvgRenderer.Render(journey, actuals),
        RenderFormat.Md => MarkdownRenderer.Render(journey, actuals),
        RenderFormat.Mermaid => MermaidExporter.Export(journey),
        RenderFormat.Csv => CsvRenderer.Render(journey, actuals),
        RenderFormat.Json => JsonRenderer.Render(journey, actuals),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown render format"),
    };
}
