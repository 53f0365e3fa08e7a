using System.Xml.Linq;
using Shouldly;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Writing;
using Xunit;

namespace Trailmap.Journeys.Tests.Structure;

/// <summary>A stage with several goals and customer goals: the single forms still read, and every render shows all.</summary>
public sealed class StageGoalsTests
{
    private const string Yaml = """
        id: j
        title: T
        stages:
          - id: a
            name: A
            goal: Cut time to value
            goals: [Raise trial conversion, "<i>Fewer</i> tickets"]
            customer_goal: Find a tool fast
            customer_goals: [Read reviews]
            entry: Signed Up
            kpis:
              - { id: k, name: K, type: count, event: Signed Up, target: ">= 10" }
        """;

    [Fact]
    public void Every_goal_is_read_in_order_and_shown_by_every_render()
    {
        var file = JourneyFile.FromText(Yaml);
        file.Diagnostics.ShouldBeEmpty(string.Join("\n", file.Diagnostics));
        var stage = file.Journey!.Stages.Single();
        stage.AllGoals().ShouldBe(["Cut time to value", "Raise trial conversion", "<i>Fewer</i> tickets"]);
        stage.AllCustomerGoals().ShouldBe(["Find a tool fast", "Read reviews"]);

        var html = HtmlRenderer.Render(file.Journey);
        html.ShouldContain("<p class=\"goal\"><span class=\"k\">Goal</span> Raise trial conversion</p>");
        html.ShouldContain("&lt;i&gt;Fewer&lt;/i&gt; tickets");
        html.ShouldContain("<span class=\"k\">Customer goal</span> Read reviews</p>");
        var svg = SvgRenderer.Render(file.Journey);
        svg.ShouldNotContain("<i>Fewer</i>");
        var svgText = string.Join(" ", XDocument.Parse(svg).Descendants().Where(e => !e.HasElements).Select(e => e.Value));
        foreach (var goal in new[] { "Cut time to value;", "Raise trial", "tickets", "Read reviews" })
        {
            svgText.ShouldContain(goal);
        }

        var csv = CsvRenderer.Render(file.Journey);
        csv.ShouldContain("\"Cut time to value\nRaise trial conversion\n<i>Fewer</i> tickets\"");
        csv.ShouldContain("\"Find a tool fast\nRead reviews\"");
        MarkdownRenderer.Render(file.Journey).ShouldContain("Raise trial conversion");
        JsonRenderer.Render(file.Journey).ShouldContain("\"customer_goals\": [\n");

        var again = JourneyFile.FromText(JourneyYamlWriter.Write(file.Journey)).Journey!.Stages.Single();
        again.AllGoals().ShouldBe(stage.AllGoals());
        again.AllCustomerGoals().ShouldBe(stage.AllCustomerGoals());
    }
}
