using System.Text;
using Trailmap.Journeys.Model;
using static Trailmap.Journeys.Rendering.Html;

namespace Trailmap.Journeys.Rendering;

/// <summary>
/// What a host that serves the map adds to the self-contained page: links from stages, KPIs, touchpoints and
/// moments of truth to the host's drill-downs, and the host's own stylesheets and scripts (sticky headers, zoom).
/// The CLI's files and the exports pass none of it, so they stay free of scripts and links that would lead nowhere.
/// A link function returns null where the host has no page to offer, and the item stays plain text.
/// </summary>
public sealed record InteractiveMap
{
    public Func<Stage, string?> StageLink { get; init; } = _ => null;

    /// <summary>A KPI of a stage or of the whole journey (the journey metrics below the map).</summary>
    public Func<Metric, string?> KpiLink { get; init; } = _ => null;

    public Func<Stage, Touchpoint, string?> TouchpointLink { get; init; } = (_, _) => null;

    public Func<MomentOfTruth, string?> MomentLink { get; init; } = _ => null;

    /// <summary>Where links open: <c>_top</c> leaves the frame the map is shown in for the page around it.</summary>
    public string LinkTarget { get; init; } = "_top";

    /// <summary>Stylesheet URLs, linked after the page's own inline CSS so they can refine it.</summary>
    public IReadOnlyList<string> Stylesheets { get; init; } = [];

    /// <summary>Script URLs, loaded deferred; the page reads fully without them.</summary>
    public IReadOnlyList<string> Scripts { get; init; } = [];

    /// <summary>No links and no assets: the plain document.</summary>
    public static readonly InteractiveMap None = new();

    internal void Head(StringBuilder html)
    {
        foreach (var href in Stylesheets)
        {
            html.Append("<link rel=\"stylesheet\" href=\"").Append(E(href)).Append("\">\n");
        }

        foreach (var src in Scripts)
        {
            html.Append("<script src=\"").Append(E(src)).Append("\" defer></script>\n");
        }
    }

    /// <summary>The text, escaped, inside a link when there is one to go to.</summary>
    internal void Text(StringBuilder html, string? href, string text)
    {
        if (href is null)
        {
            html.Append(E(text));
            return;
        }

        html.Append("<a class=\"map-link\" href=\"").Append(E(href)).Append("\" target=\"").Append(E(LinkTarget)).Append("\">")
            .Append(E(text)).Append("</a>");
    }
}
