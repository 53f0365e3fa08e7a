using Shouldly;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Rendering;
using Xunit;
using static Trailmap.Journeys.Tests.Rendering.RenderingFixtures;

namespace Trailmap.Journeys.Tests.Rendering;

/// <summary>Lift in the actuals drawn in the rule's stage column of samples/complete.yaml (reengage and onboarding sit on activate).</summary>
public sealed class InterventionLiftRenderingTests
{
    // reengage: 36 of 120 treated converted (30%), 3 of 14 held out (3/14 = 21.43%, shown 21.4%); the lift and its
    // interval are given, 0.0857 (+8.6 pts) from -0.1864 (-18.6) to +0.2494 (+24.9).
    private static readonly InterventionActual Reengage = new()
    {
        Id = "reengage",
        Goal = "Board Shared",
        Treated = 120,
        TreatedConverted = 36,
        HeldOut = 14,
        HeldOutConverted = 3,
        Pending = 5,
        Lift = 0.0857,
        LiftLow = -0.1864,
        LiftHigh = 0.2494,
    };

    private const string ReengageLine = "lift +8.6 pts (95% CI -18.6 to +24.9), treated 120 (30%) vs holdout 14 (21.4%), 5 pending";

    [Fact]
    public void The_lift_line_reads_as_documented()
    {
        Reengage.Summary().ShouldBe(ReengageLine);
        // No holdout: 7 of 20 is 35%, and nothing pending is left out of the line.
        new InterventionActual { Id = "x", Treated = 20, TreatedConverted = 7 }.Summary().ShouldBe("no held-out customers yet, treated 20 (35%)");
        new InterventionActual { Id = "x", HeldOut = 4, HeldOutConverted = 1, Pending = 2 }.Summary().ShouldBe("no treated customers yet, holdout 4 (25%), 2 pending");
        new InterventionActual { Id = "x", Pending = 1200 }.Summary().ShouldBe("no measured customers yet, 1,200 pending");
    }

    [Fact]
    public void Measured_lift_sits_in_the_interventions_lane_of_the_rules_stage_and_on_its_card()
    {
        var html = HtmlRenderer.Render(Complete(), CompleteActuals() with { Interventions = [Reengage] });

        var lane = html[html.IndexOf("<div class=\"lane lane-interventions\">", StringComparison.Ordinal)..];
        lane = lane[..lane.IndexOf("<div class=\"lane lane-entry\">", StringComparison.Ordinal)];
        var activate = lane[lane.IndexOf("data-stage=\"activate\"", StringComparison.Ordinal)..];
        activate = activate[..activate.IndexOf("</div>\n", StringComparison.Ordinal)];
        activate.ShouldContain("data-rule=\"reengage\"");
        activate.ShouldContain(ReengageLine);
        // onboarding has an exit but no measured record; alert-csm has no stage and is not in the lane.
        activate.ShouldContain("<span class=\"rule-name\">Onboarding emails</span><span class=\"lift\">not measured</span>");
        lane.ShouldNotContain("alert-csm");
        html.ShouldContain("<div><dt>Lift</dt><dd>" + ReengageLine + "</dd></div>");
        Html.TagBalance.Check(html);
    }

    [Fact]
    public void The_SVG_draws_the_lift_in_an_interventions_lane_and_only_with_lift()
    {
        var svg = SvgRenderer.Render(Complete(), CompleteActuals() with { Interventions = [Reengage] });

        // The lane's label, then each rule's name and its lift line, wrapped over lines at spaces.
        svg.ShouldContain("<g class=\"lane lane-interventions\">");
        var text = string.Join(" ", System.Text.RegularExpressions.Regex.Matches(svg, "<text[^>]*>([^<]*)</text>").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)));
        text.ShouldContain("Re-engagement email " + ReengageLine);
        text.ShouldContain("Onboarding emails not measured");
        text.ShouldNotContain("alert-csm");

        SvgRenderer.Render(Complete(), CompleteActuals()).ShouldNotContain("lane-interventions");
        Html.TagBalance.Check(svg);
    }

    [Fact]
    public void Without_lift_the_map_has_no_interventions_lane()
    {
        HtmlRenderer.Render(Complete(), CompleteActuals()).ShouldNotContain("lane-interventions");
        HtmlRenderer.Render(Complete()).ShouldNotContain("lane-interventions");
    }
}
