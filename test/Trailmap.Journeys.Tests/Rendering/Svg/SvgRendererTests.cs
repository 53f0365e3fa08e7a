using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Tests.Rendering.Html;
using Xunit;
using static Trailmap.Journeys.Tests.Rendering.RenderingFixtures;

namespace Trailmap.Journeys.Tests.Rendering.Svg;

public sealed class SvgRendererTests
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    [Fact]
    public void Complete_MatchesGolden() =>
        MatchesGolden(SvgRenderer.Render(Complete()), "Svg/complete.svg");

    [Fact]
    public void Complete_WithActuals_MatchesGolden() =>
        MatchesGolden(SvgRenderer.Render(Complete(), CompleteActuals()), "Svg/complete-actuals.svg");

    [Fact]
    public void Complete_IsStandaloneXmlWithOneHeaderPerStage()
    {
        var svg = SvgRenderer.Render(Complete(), CompleteActuals());
        var doc = XDocument.Parse(svg);

        var root = doc.Root!;
        root.Name.ShouldBe(Ns + "svg");
        // Four stages: 2 * 24 margin + 132 label + 4 * 232 columns = 1108 wide.
        root.Attribute("width")!.Value.ShouldBe("1108");
        root.Attribute("viewBox")!.Value.ShouldStartWith("0 0 1108 ");
        root.Descendants(Ns + "g").Where(g => g.Attribute("class")?.Value.Split(' ').Contains("stage") == true)
            .Select(g => g.Attribute("data-stage")!.Value)
            .ShouldBe(["discover", "signup", "activate", "pay"]);
        svg.ShouldNotContain("href", Case.Insensitive);
        svg.ShouldNotContain("url(", Case.Insensitive);
        // Designed scores 3, 4, 2, 4: all four stages scored, one unbroken line.
        Polylines(doc, "designed").ShouldHaveSingleItem().Length.ShouldBe(4);
        // The bottleneck stage is activate.
        root.Descendants(Ns + "g").Single(g => g.Attribute("class")?.Value == "stage bottleneck").Attribute("data-stage")!.Value.ShouldBe("activate");
    }

    [Fact]
    public void StageDescriptionsAndFeelings_AreDrawn_EvenWithoutAScore()
    {
        var journey = new Journey
        {
            Id = "j",
            Title = "Feelings only",
            Stages =
            [
                new() { Id = "a", Name = "Awareness", Description = "Sees the launch post", Emotion = new() { Feelings = ["🤔 Curious", "😐 Overwhelmed"] } },
                new() { Id = "b", Name = "Onboarding", Description = "Creates the first project" },
            ],
        };
        var doc = XDocument.Parse(SvgRenderer.Render(journey));
        Texts(doc, "desc").ShouldBe(["Sees the launch post", "Creates the first project"]);
        Texts(doc, "feelings").ShouldBe(["🤔 Curious, 😐 Overwhelmed"]);
        // 20 stages: 2 * 24 margin + 132 label + 20 * 232 columns = 4820 wide, every header inside it.
        var wide = XDocument.Parse(SvgRenderer.Render(journey with
        {
            Stages = Enumerable.Range(0, 20).Select(i => new Stage { Id = "s" + i.ToString(CultureInfo.InvariantCulture), Name = "Stage " + i.ToString(CultureInfo.InvariantCulture) }).ToList(),
        }));
        wide.Root!.Attribute("width")!.Value.ShouldBe("4820");
        wide.Root.Descendants(Ns + "rect").Where(r => r.Attribute("class")?.Value == "stage-box")
            .Select(r => double.Parse(r.Attribute("x")!.Value, CultureInfo.InvariantCulture) + double.Parse(r.Attribute("width")!.Value, CultureInfo.InvariantCulture))
            .ShouldAllBe(right => right <= 4820 - 24);
    }

    private static List<string> Texts(XDocument doc, string css) =>
        doc.Descendants(Ns + "text").Where(t => t.Attribute("class")?.Value == css).Select(t => t.Value).ToList();

    [Fact]
    public void EmotionCurve_HasAPointPerScoredStage_HigherScoresHigherUp()
    {
        var journey = Tiny(2, 5, 1);

        var doc = XDocument.Parse(SvgRenderer.Render(journey));

        // Layout by hand: the map starts at 24 (margin) + 72 (title) = 96; the stage headers take 112, so the
        // emotion lane (the only lane) starts at 208 and the scale's top at 208 + 34 = 242, its bottom 96 lower
        // at 338. On 1..5: 5 -> 242, 2 -> 242 + 0.75 * 96 = 314, 1 -> 338. Stage centres: 24 + 132 + 116 = 272,
        // then every 232: 504, 736.
        var line = Polylines(doc, "designed").ShouldHaveSingleItem();
        line.ShouldBe([(272, 314), (504, 242), (736, 338)]);
        // Score order 5 > 2 > 1 means y order 242 < 314 < 338.
        line.OrderBy(p => p.Y).Select(p => p.X).ShouldBe([504, 272, 736]);
    }

    [Fact]
    public void EmotionCurve_StageWithoutScore_LeavesAGap()
    {
        var doc = XDocument.Parse(SvgRenderer.Render(Tiny(4, 2, null, 3, 5)));

        // x: 272, 504, (736), 968, 1200; y on 1..5 from 242 by 24 a point: 4 -> 266, 2 -> 314, 3 -> 290, 5 -> 242.
        Polylines(doc, "designed").ShouldBe([[(272, 266), (504, 314)], [(968, 290), (1200, 242)]]);
    }

    [Fact]
    public void EmotionCurve_FollowsTheJourneysScale()
    {
        var journey = Tiny(-2, 2, 0) with { EmotionScale = new EmotionScale(-2, 2) };

        var doc = XDocument.Parse(SvgRenderer.Render(journey));

        // -2 is the bottom (338), 2 the top (242), 0 the middle (290).
        Polylines(doc, "designed").ShouldHaveSingleItem().ShouldBe([(272, 338), (504, 242), (736, 290)]);
    }

    [Theory]
    // Target >= 50%: 60% met, 47% within 10% of the bound so at risk, 30% missed, no value no data.
    [InlineData("met", "k-met", "60% / &gt;= 50% · met")]
    [InlineData("at-risk", "k-risk", "47% / &gt;= 50% · at risk")]
    [InlineData("missed", "k-missed", "30% / &gt;= 50% · missed")]
    [InlineData("no-data", "k-none", "n/a / &gt;= 50% · no data")]
    public void KpiBadges_AreColouredByStatus(string css, string kpi, string value)
    {
        var (journey, actuals) = HtmlRendererTests.StatusJourney();

        var svg = SvgRenderer.Render(journey, actuals);

        svg.ShouldMatch($"<rect class=\"badge {css}\" [^>]*/><text class=\"kpi-name\" [^>]*>{kpi}</text><text class=\"kpi-value\" [^>]*>{Regex.Escape(value)}</text>");
    }

    [Fact]
    public void LongText_IsWrappedAndCutWithAnEllipsis()
    {
        var words = string.Join(' ', Enumerable.Repeat("onboarding", 40));
        var journey = new Journey
        {
            Id = "long",
            Title = "Long",
            Stages = [new() { Id = "a", Name = "A", PainPoints = [new() { Id = "p", Text = words, Severity = Level.High }] }],
        };

        var svg = SvgRenderer.Render(journey);
        XDocument.Parse(svg);

        // A pain point's text gets 4 lines of at most (232 - 2 * 10 padding - 12 marker) / 6.6 = 30.3 -> 30
        // characters: two 10-letter words and a space make 21; a third would make 32.
        var lines = Regex.Matches(svg, "<text class=\"txt\" [^>]*>([^<]*)</text>").Select(m => m.Groups[1].Value).ToList();
        lines.Count.ShouldBe(4);
        lines.Take(3).ShouldAllBe(l => l == "onboarding onboarding");
        lines[3].Length.ShouldBeLessThanOrEqualTo(30);
        lines[3].ShouldEndWith("…");
    }

    [Fact]
    public void ManyItems_AreCappedWithAMoreLine()
    {
        var journey = new Journey
        {
            Id = "many",
            Title = "Many",
            Stages = [new() { Id = "a", Name = "A", Thoughts = Enumerable.Range(1, 20).Select(i => $"thought {i}").ToList() }],
        };

        var svg = SvgRenderer.Render(journey);

        // 14 lines a cell: 13 one-line thoughts and a line saying the other 7 were left out.
        Regex.Matches(svg, "<text class=\"thought\"").Count.ShouldBe(13);
        svg.ShouldContain(">+ 7 more</text>");
    }

    [Fact]
    public void HostileText_IsEscapedAndTheSvgStillParses()
    {
        var svg = SvgRenderer.Render(Hostile(), HostileActuals());

        XDocument.Parse(svg);
        svg.ShouldNotContain("<script", Case.Insensitive);
        svg.ShouldNotContain("<img", Case.Insensitive);
        svg.ShouldContain("&lt;script&gt;");
        Regex.Matches(svg, "<[a-zA-Z][^>]*>")
            .Select(t => Regex.Replace(t.Value, "\"[^\"]*\"", "\"\""))
            .Where(t => t.Contains(" on", StringComparison.OrdinalIgnoreCase))
            .ShouldBeEmpty();
    }

    private static Journey Tiny(params double?[] scores) => new()
    {
        Id = "tiny",
        Title = "Tiny",
        Stages = scores.Select((s, i) => new Stage
        {
            Id = $"s{i}",
            Name = $"S{i}",
            Emotion = s is null ? null : new Emotion { Score = s },
        }).ToList(),
    };

    private static List<(double X, double Y)[]> Polylines(XDocument doc, string kind) =>
        doc.Descendants(Ns + "polyline")
            .Where(p => p.Attribute("class")!.Value == $"curve {kind}")
            .Select(p => p.Attribute("points")!.Value.Split(' ')
                .Select(pt => pt.Split(','))
                .Select(xy => (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture)))
                .ToArray())
            .ToList();
}

public sealed class TextWrapTests
{
    [Theory]
    [InlineData("aaa bbb ccc", 7, 3, new[] { "aaa bbb", "ccc" })]
    [InlineData("aaaa bbbb cccc dddd", 9, 1, new[] { "aaaa bbb…" })]
    [InlineData("abcdefghij", 4, 5, new[] { "abcd", "efgh", "ij" })]
    [InlineData("  spaced   out  ", 20, 2, new[] { "spaced out" })]
    [InlineData("", 10, 2, new string[0])]
    public void Wrap_BreaksAtWordsAndCutsTheLastLine(string text, int maxChars, int maxLines, string[] expected) =>
        TextWrap.Wrap(text, maxChars, maxLines).ShouldBe(expected);

    [Theory]
    [InlineData("short", 10, "short")]
    [InlineData("exactly10!", 10, "exactly10!")]
    [InlineData("one more char", 10, "one more…")]
    public void Truncate_EndsInAnEllipsisOnlyWhenCut(string text, int maxChars, string expected) =>
        TextWrap.Truncate(text, maxChars).ShouldBe(expected);
}
