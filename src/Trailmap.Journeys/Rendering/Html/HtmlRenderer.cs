using System.Text;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using static Trailmap.Journeys.Rendering.Html;

namespace Trailmap.Journeys.Rendering;

/// <summary>
/// Renders a journey as one self-contained HTML page: inline CSS and SVG, no scripts, fonts, images or network,
/// so it can be mailed, archived, printed on A3 or served under a strict content security policy.
/// </summary>
public static class HtmlRenderer
{
    /// <summary>
    /// The page for <paramref name="journey"/>; with <paramref name="actuals"/> it shows measured numbers beside targets.
    /// With <paramref name="stagesPerBlock"/> above zero the page is laid out for print: the map comes right after the
    /// header and is cut into blocks of at most that many stages, one block a page (see <see cref="HtmlPrint"/>).
    /// A host that serves the page passes <paramref name="interactive"/> for its links and scripts; files and exports do not.
    /// </summary>
    public static string Render(Journey journey, JourneyActuals? actuals = null, int stagesPerBlock = 0, InteractiveMap? interactive = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        interactive ??= InteractiveMap.None;
        var blocks = HtmlPrint.Blocks(journey.Stages.Count, stagesPerBlock);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"generator\" content=\"Trailmap\">\n")
            .Append("<title>").Append(E(journey.Title)).Append(" · Journey map</title>\n")
            .Append("<style>\n").Append(HtmlStyles.Css(journey.Stages.Count, blocks.Select(b => b.Count), spans: TouchpointSpans.For(journey).Count > 0)).Append("</style>\n");
        interactive.Head(html);
        html.Append("</head>\n<body>\n<main class=\"page\">\n");
        Header(html, journey, actuals);
        // On paper the map leads: personas first would push its first block to a new page and leave this one half empty.
        if (stagesPerBlock > 0)
        {
            HtmlMap.Write(html, journey, actuals, blocks, print: true, interactive);
            Personas(html, journey);
        }
        else
        {
            Personas(html, journey);
            HtmlMap.Write(html, journey, actuals, blocks, print: false, interactive);
        }

        HtmlSections.Write(html, journey, actuals, interactive);
        html.Append("<footer class=\"footer\">Journey <code>").Append(E(journey.Id))
            .Append("</code> · rendered by Trailmap</footer>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Header(StringBuilder html, Journey journey, JourneyActuals? actuals)
    {
        html.Append("<header class=\"hero\">\n<p class=\"eyebrow\">Customer journey map</p>\n<h1>")
            .Append(E(journey.Title)).Append("</h1>\n");
        if (journey.Description is { } description)
        {
            html.Append("<p class=\"lede\">").Append(E(description)).Append("</p>\n");
        }

        html.Append("<dl class=\"facts\">\n");
        Fact(html, "Owner", journey.Owner);
        Fact(html, "Stages", journey.Stages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Fact(html, "Emotion scale", journey.EmotionScale.ToString());
        Fact(html, "Conversion window", journey.Window?.Text);
        if (actuals is not null)
        {
            Fact(html, "Customers measured", actuals.Customers is { } c ? Count(c) : null);
            if (actuals.From is { } from && actuals.To is { } to)
            {
                Fact(html, "Period", $"{from:yyyy-MM-dd} – {to:yyyy-MM-dd}");
            }
        }

        html.Append("</dl>\n");
        if (journey.Tags.Count > 0)
        {
            html.Append("<ul class=\"tags\" aria-label=\"Tags\">");
            foreach (var tag in journey.Tags)
            {
                html.Append("<li class=\"tag\">").Append(E(tag)).Append("</li>");
            }

            html.Append("</ul>\n");
        }

        html.Append("</header>\n");
    }

    private static void Fact(StringBuilder html, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            html.Append("<div><dt>").Append(E(name)).Append("</dt><dd>").Append(E(value)).Append("</dd></div>\n");
        }
    }

    private static void Personas(StringBuilder html, Journey journey)
    {
        if (journey.Personas.Count == 0)
        {
            return;
        }

        html.Append("<section class=\"section personas\" aria-labelledby=\"personas-title\">\n")
            .Append("<h2 id=\"personas-title\">Personas</h2>\n<div class=\"persona-grid\">\n");
        for (var i = 0; i < journey.Personas.Count; i++)
        {
            var p = journey.Personas[i];
            html.Append("<article class=\"card persona\" data-persona=\"").Append(E(p.Id)).Append("\">\n")
                .Append("<div class=\"persona-head\"><span class=\"avatar tone-").Append(i % HtmlStyles.Tones)
                .Append("\" aria-hidden=\"true\">").Append(E(Initials(p.Name))).Append("</span><div><h3>")
                .Append(E(p.Name)).Append("</h3>");
            if (p.Role is { } role)
            {
                html.Append("<p class=\"role\">").Append(E(role)).Append("</p>");
            }

            html.Append("</div></div>\n");
            foreach (var quote in p.AllQuotes())
            {
                html.Append("<blockquote>").Append(E(quote)).Append("</blockquote>\n");
            }

            PersonaList(html, "Goals", "goals", p.Goals);
            PersonaList(html, "Pains", "pains", p.Pains);
            PersonaList(html, "Motivations", "motivations", p.Motivations);
            PersonaList(html, "Values", "values", p.Values);
            PersonaList(html, "Personality", "personality", p.Personality);
            PersonaList(html, "Attitudes", "attitudes", p.Attitudes);
            PersonaList(html, "Lifestyle", "lifestyle", p.Lifestyle is null ? [] : [p.Lifestyle]);
            PersonaList(html, "Tech comfort", "tech-comfort", p.TechComfort is { } comfort ? [comfort.ToString().ToLowerInvariant()] : []);
            PersonaList(html, "Channels", "channels", p.Channels);
            PersonaList(html, "Information sources", "information-sources", p.InformationSources);
            PersonaList(html, "Behaviors", "behaviors", p.Behaviors);
            if (p.Demographics.Count > 0)
            {
                html.Append("<dl class=\"demographics\">");
                foreach (var (key, value) in p.Demographics.OrderBy(d => d.Key, StringComparer.Ordinal))
                {
                    html.Append("<div><dt>").Append(E(key.Replace('_', ' '))).Append("</dt><dd>").Append(E(value)).Append("</dd></div>");
                }

                html.Append("</dl>\n");
            }

            if (p.Traits is { } traits)
            {
                html.Append("<p class=\"traits\"><span class=\"k\">Customers</span> <code>").Append(E(traits.ToString())).Append("</code></p>\n");
            }

            html.Append("</article>\n");
        }

        html.Append("</div>\n</section>\n");
    }

    private static void PersonaList(StringBuilder html, string title, string css, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        html.Append("<div class=\"plist ").Append(css).Append("\"><h4>").Append(title).Append("</h4><ul>");
        foreach (var item in items)
        {
            html.Append("<li>").Append(E(item)).Append("</li>");
        }

        html.Append("</ul></div>\n");
    }
}
