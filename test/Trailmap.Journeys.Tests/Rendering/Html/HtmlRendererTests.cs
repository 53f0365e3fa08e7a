using System.Text.RegularExpressions;
using Shouldly;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Xunit;
using static Trailmap.Journeys.Tests.Rendering.RenderingFixtures;

namespace Trailmap.Journeys.Tests.Rendering.Html;

public sealed partial class HtmlRendererTests
{
    private static readonly string[] CompleteStages = ["discover", "signup", "activate", "pay"];

    [Fact]
    public void Complete_MatchesGolden() =>
        MatchesGolden(HtmlRenderer.Render(Complete()), "Html/complete.html");

    [Fact]
    public void Complete_WithActuals_MatchesGolden() =>
        MatchesGolden(HtmlRenderer.Render(Complete(), CompleteActuals()), "Html/complete-actuals.html");

    [Fact]
    public void Complete_HasEveryStageColumnAndEveryLaneLabel()
    {
        var html = HtmlRenderer.Render(Complete());
        TagBalance.Check(html);

        // Counted by hand in samples/complete.yaml: every stage has touchpoints, actions, an emotion, KPIs and an
        // entry; discover and activate have thoughts, pain points and opportunities; activate has the one moment.
        string[] lanes = ["stage", "touchpoints", "actions", "thoughts", "emotion", "pain-points", "opportunities", "kpis", "moments", "entry"];
        LaneRowOrder(html).ShouldBe(lanes);
        foreach (var lane in lanes)
        {
            StagesOfLane(html, lane).ShouldBe(CompleteStages, $"cells of lane {lane}");
        }

        LaneLabels(html).ShouldBe(["Stage", "Touchpoints", "Actions", "Thoughts", "Emotion", "Pain points", "Opportunities", "KPIs", "Moments of truth", "Entry criterion"]);
        Regex.Matches(html, "<h3 class=\"stage-name\">").Count.ShouldBe(4);
    }

    [Fact]
    public void LaneEmptyInEveryStage_IsOmitted()
    {
        var journey = new Journey
        {
            Id = "tiny",
            Title = "Tiny",
            Stages =
            [
                new() { Id = "a", Name = "A", Actions = [new() { Name = "Clicks" }] },
                new() { Id = "b", Name = "B" },
            ],
        };

        var html = HtmlRenderer.Render(journey);

        TagBalance.Check(html);
        LaneRowOrder(html).ShouldBe(["stage", "actions"]);
        StagesOfLane(html, "actions").ShouldBe(["a", "b"]);
    }

    [Fact]
    public void Page_IsSelfContainedAndPrintable()
    {
        var html = HtmlRenderer.Render(Complete(), CompleteActuals());

        html.ShouldNotContain("<script", Case.Insensitive);
        html.ShouldNotContain("<link", Case.Insensitive);
        html.ShouldNotContain("src=", Case.Insensitive);
        html.ShouldNotContain("url(", Case.Insensitive);
        html.ShouldNotContain("@import", Case.Insensitive);
        html.ShouldNotContain("http://", Case.Insensitive);
        html.ShouldNotContain("https://", Case.Insensitive);
        html.ShouldContain("@page { size: A3 landscape; margin: 10mm; }");
        html.ShouldContain("@media print");
        html.ShouldContain("print-color-adjust: exact");
        html.ShouldContain("font: 14px/1.45 \"Trailmap Emoji\", system-ui");
        html.ShouldContain("src: local(\"Noto Color Emoji\")");
    }

    [Fact]
    public void Kpis_WithoutActuals_ShowTheTargetOnly()
    {
        var html = HtmlRenderer.Render(Complete());

        Badge(html, "activation").ShouldBe(("target", ">= 65%", null));
        html.ShouldNotContain("<span class=\"kpi-status\">");
    }

    [Theory]
    // Target >= 50%; at risk means within 10% of 0.5, i.e. 0.45 up to 0.5.
    [InlineData("k-met", "met", "60% / >= 50%", "met")]
    [InlineData("k-risk", "at-risk", "47% / >= 50%", "at risk")]
    [InlineData("k-missed", "missed", "30% / >= 50%", "missed")]
    [InlineData("k-none", "no-data", "n/a / >= 50%", "no data")]
    public void Kpis_WithActuals_AreColouredAndNamedByStatus(string kpi, string css, string value, string word)
    {
        var (journey, actuals) = StatusJourney();

        var (actualCss, actualValue, actualWord) = Badge(HtmlRenderer.Render(journey, actuals), kpi);

        actualCss.ShouldBe(css);
        actualValue.ShouldBe(value);
        actualWord.ShouldBe(word);
    }

    [Fact]
    public void A_kpi_without_a_target_shows_its_actual_and_no_status()
    {
        var journey = new Journey
        {
            Id = "free",
            Title = "Free",
            Stages =
            [
                new()
                {
                    Id = "only", Name = "Only",
                    Kpis = [new() { Id = "sessions", Name = "Sessions per user", Type = MetricType.Ratio }, new() { Id = "unmeasured", Name = "Unmeasured", Type = MetricType.Ratio }],
                },
            ],
        };
        // The actuals file marks a KPI without a target "no data" (analyze has nothing to compare it with).
        var actuals = new JourneyActuals { Journey = "free", Kpis = [new() { Id = "sessions", Actual = 3.25, Status = TargetStatus.NoData }] };

        var html = HtmlRenderer.Render(journey, actuals);

        Badge(html, "sessions").ShouldBe(("target", "3.25", null));
        Badge(html, "unmeasured").ShouldBe(("no-data", "n/a", "no data"));
        MarkdownRenderer.Render(journey, actuals).ShouldContain("| 3.25 | no target |");
    }

    [Fact]
    public void Complete_WithActuals_ShowsFunnelBottleneckAndHitRate()
    {
        var html = HtmlRenderer.Render(Complete(), CompleteActuals());

        // signup: 1140 of 12000 reached it, 9.5% from discover.
        StageHead(html, "signup").ShouldContain("<dt>Reached</dt><dd>1,140</dd>");
        StageHead(html, "signup").ShouldContain("<dt>From previous</dt><dd>9.5%</dd>");
        StageHead(html, "discover").ShouldNotContain("From previous");
        Regex.Matches(html, "class=\"cell stage-head bottleneck\"").Count.ShouldBe(1);
        html.ShouldContain("class=\"cell stage-head bottleneck\" data-stage=\"activate\"");
        html.ShouldContain("<b>42%</b> hit the deadline");
        // Journey-level metrics: week-1 retention 61% against >= 40%.
        Badge(html, "week1-retention").ShouldBe(("met", "61% / >= 40%", "met"));
        Badge(html, "revenue").ShouldBe(("at-risk", "9500 / >= 10000", "at risk"));
    }

    [Fact]
    public void EmotionCurve_DrawsDesignedIdealAndMeasuredLines()
    {
        var without = HtmlRenderer.Render(Complete());
        var with = HtmlRenderer.Render(Complete(), CompleteActuals());

        // Designed scores 3, 4, 2, 4 and ideal 5 (signup), 4 (activate): the ideal line breaks at unscored stages.
        Regex.Matches(without, "<polyline class=\"line designed\"").Count.ShouldBe(1);
        Regex.Matches(without, "<polyline class=\"line ideal\"").Count.ShouldBe(1);
        without.ShouldNotContain("line measured");
        Regex.Matches(with, "<polyline class=\"line measured\"").Count.ShouldBe(1);
        // Four stages make a 400-unit wide chart; centres at 50, 150, 250, 350. Scale 1..5 maps 5 to y 38 and
        // 1 to y 174 (136 apart, 34 per point): 3 -> 106, 4 -> 72, 2 -> 140.
        without.ShouldContain("points=\"50,106 150,72 250,140 350,72\"");
        without.ShouldContain("points=\"150,38 250,72\"");
        // Measured 3.2, 3.6, 1.8, 4.0 (3.9): 174 - 0.55*136 = 99.2, 174 - 0.65*136 = 85.6, 174 - 0.2*136 = 146.8, 174 - 0.725*136 = 75.4.
        with.ShouldContain("points=\"50,99.2 150,85.6 250,146.8 350,75.4\"");
        with.ShouldContain("3 · curious, skeptical");
    }

    [Fact]
    public void HostileText_IsEscapedEverywhere()
    {
        var html = HtmlRenderer.Render(Hostile(), HostileActuals());

        html.ShouldNotContain("<script", Case.Insensitive);
        html.ShouldNotContain("<img", Case.Insensitive);
        html.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        html.ShouldContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
        // onerror= does appear, but only in text: no real tag carries it as an attribute.
        html.ShouldContain("onerror=");
        // Inside a tag, quoted attribute values are text too; what is left are the attribute names.
        Regex.Matches(html, "<[a-zA-Z][^>]*>")
            .Select(t => Regex.Replace(t.Value, "\"[^\"]*\"", "\"\""))
            .Where(t => t.Contains(" on", StringComparison.OrdinalIgnoreCase))
            .ShouldBeEmpty();
        TagBalance.Check(html);
    }

    internal static (Journey Journey, JourneyActuals Actuals) StatusJourney()
    {
        var target = Target.Parse(">= 50%");
        Metric Kpi(string id) => new() { Id = id, Name = id, Type = MetricType.Rate, Target = target };
        var journey = new Journey
        {
            Id = "status",
            Title = "Status",
            Stages = [new() { Id = "only", Name = "Only", Kpis = [Kpi("k-met"), Kpi("k-risk"), Kpi("k-missed"), Kpi("k-none")] }],
        };
        var actuals = new JourneyActuals
        {
            Journey = "status",
            Kpis = [new() { Id = "k-met", Actual = 0.6 }, new() { Id = "k-risk", Actual = 0.47 }, new() { Id = "k-missed", Actual = 0.3 }],
        };
        return (journey, actuals);
    }

    private static (string Css, string Value, string? Word) Badge(string html, string kpi)
    {
        var m = Regex.Match(html, $"<div class=\"kpi-badge ([a-z-]+)\" data-kpi=\"{Regex.Escape(kpi)}\">.*?<span class=\"kpi-value\">([^<]*)</span>(?:<span class=\"kpi-status\">([^<]*)</span>)?");
        m.Success.ShouldBeTrue($"no badge for {kpi}");
        return (m.Groups[1].Value, System.Net.WebUtility.HtmlDecode(m.Groups[2].Value), m.Groups[3].Success ? m.Groups[3].Value : null);
    }

    private static string StageHead(string html, string stage)
    {
        var m = Regex.Match(html, $"<div class=\"cell stage-head[^\"]*\" data-stage=\"{stage}\" data-lane=\"stage\">(.*?)\n</div>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue();
        return m.Groups[1].Value;
    }

    private static List<string> LaneRowOrder(string html) =>
        LaneRow().Matches(html).Select(m => m.Groups[1].Value).ToList();

    private static List<string> LaneLabels(string html) =>
        Regex.Matches(html, "<div class=\"lane-label\"><span class=\"lane-name\">([^<]*)</span>").Select(m => m.Groups[1].Value).ToList();

    private static string[] StagesOfLane(string html, string lane) =>
        Regex.Matches(html, $"data-stage=\"([^\"]*)\" data-lane=\"{lane}\"").Select(m => m.Groups[1].Value).ToArray();

    [GeneratedRegex("<div class=\"lane lane-([a-z-]+)\">")]
    private static partial Regex LaneRow();
}
