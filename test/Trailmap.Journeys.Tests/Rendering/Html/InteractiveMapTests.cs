using Shouldly;
using Trailmap.Journeys.Rendering;
using Xunit;
using static Trailmap.Journeys.Tests.Rendering.RenderingFixtures;

namespace Trailmap.Journeys.Tests.Rendering;

/// <summary>A host's links and assets on the map (samples/complete.yaml), and the plain document without them.</summary>
public sealed class InteractiveMapTests
{
    private static readonly InteractiveMap Links = new()
    {
        StageLink = s => s.Id == "pay" ? null : "/stage/" + s.Id,
        TouchpointLink = (s, t) => "/tp/" + s.Id + "/" + t.Id,
        KpiLink = k => "/kpi?id=" + k.Id + "&x=<1>",
        MomentLink = m => "/moment/" + m.Id,
        Stylesheets = ["/assets/map.css"],
        Scripts = ["/assets/map.js"],
    };

    [Fact]
    public void Stages_touchpoints_KPIs_and_moments_link_where_the_host_has_a_page()
    {
        var html = HtmlRenderer.Render(Complete(), CompleteActuals(), interactive: Links);

        html.ShouldContain("<h3 class=\"stage-name\"><a class=\"map-link\" href=\"/stage/discover\" target=\"_top\">Discover</a></h3>");
        // No page for pay: its name stays text.
        html.ShouldContain("<h3 class=\"stage-name\">Pay</h3>");
        html.ShouldContain("<span class=\"item-title\"><a class=\"map-link\" href=\"/tp/discover/blog\" target=\"_top\">Blog post</a></span>");
        // The link is escaped like any attribute: & and < > in it cannot end the attribute or open a tag.
        html.ShouldContain("<span class=\"kpi-name\"><a class=\"map-link\" href=\"/kpi?id=visit-to-signup&amp;x=&lt;1&gt;\" target=\"_top\">Visit to signup</a></span>");
        // The journey's own metrics below the map link too.
        html.ShouldContain("href=\"/kpi?id=week1-retention&amp;x=&lt;1&gt;\" target=\"_top\">Week-1 retention</a>");
        html.ShouldContain("<span class=\"moment-name\"><a class=\"map-link\" href=\"/moment/first-board\" target=\"_top\">First shared board</a></span>");
        html.ShouldContain("</style>\n<link rel=\"stylesheet\" href=\"/assets/map.css\">\n<script src=\"/assets/map.js\" defer></script>\n</head>");
        Html.TagBalance.Check(html);
    }

    [Fact]
    public void Without_a_host_the_document_has_no_links_and_no_scripts()
    {
        var html = HtmlRenderer.Render(Complete(), CompleteActuals());

        html.ShouldNotContain("<a ");
        html.ShouldNotContain("<script");
        html.ShouldNotContain("<link ");
        HtmlRenderer.Render(Complete(), CompleteActuals(), interactive: InteractiveMap.None).ShouldBe(html);
    }

    [Fact]
    public void Names_are_escaped_inside_links()
    {
        var journey = Complete();
        journey = journey with { Stages = [journey.Stages[0] with { Name = Payload }, .. journey.Stages.Skip(1)] };

        var html = HtmlRenderer.Render(journey, interactive: Links);

        html.ShouldContain("href=\"/stage/discover\" target=\"_top\">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</a>");
        html.ShouldNotContain(Script);
    }
}
