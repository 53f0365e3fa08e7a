using System.Text.Json;
using System.Text.RegularExpressions;
using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Schema;
using Trailmap.Journeys.Tests.Schema;
using Trailmap.Journeys.Validation;
using Trailmap.Journeys.Writing;
using Xunit;

namespace Trailmap.Journeys.Tests.Structure;

/// <summary>
/// A document's "Critical Elements" lists, kept inside the <c>ideal</c> of a stage or a touchpoint as a list of
/// elements (a name and its detail), read in three spellings, checked at their position and shown by every render.
/// </summary>
public sealed class CriticalElementsTests
{
    private const string Yaml = """
        id: j
        title: J
        stages:
          - id: interest
            name: Interest
            ideal:
              description: Visitors sign up for the free modules
              critical_elements:
                - Low friction
                - Clear headline: "Master Restate in Go"
                - { name: Social proof, detail: "Testimonials, GitHub stars" }
            touchpoints:
              - id: product-page
                name: Product Page
                ideal:
                  description: Buying takes one page
                  critical_elements:
                    - Clear pricing: $99 (was $129)
                    - "FAQ: common questions answered"
              - { id: landing, name: Landing page, ideal: A clear headline }
        """;

    private static Journey Read(string yaml)
    {
        var file = JourneyFile.FromText(yaml);
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        return file.Journey!;
    }

    [Fact]
    public void A_stage_ideal_keeps_its_critical_elements_in_order_with_name_and_detail()
    {
        var ideal = Read(Yaml).Stages.Single().Ideal!;

        ideal.Description.ShouldBe("Visitors sign up for the free modules");
        ideal.CriticalElements.Select(e => (e.Name, e.Detail)).ShouldBe(
        [
            ("Low friction", (string?)null),
            ("Clear headline", "Master Restate in Go"),
            ("Social proof", "Testimonials, GitHub stars"),
        ]);
    }

    [Fact]
    public void A_touchpoint_ideal_is_text_or_a_description_with_critical_elements()
    {
        var touchpoints = Read(Yaml).Stages.Single().Touchpoints;

        var page = touchpoints.Single(t => t.Id == "product-page");
        page.Ideal.ShouldBe("Buying takes one page");
        // A quoted "FAQ: ..." is one text, kept whole: only YAML's own "key: value" is split.
        page.CriticalElements.Select(e => e.ToString()).ShouldBe(["Clear pricing: $99 (was $129)", "FAQ: common questions answered"]);
        page.CriticalElements[0].Detail.ShouldBe("$99 (was $129)");

        var landing = touchpoints.Single(t => t.Id == "landing");
        (landing.Ideal, landing.CriticalElements.Count).ShouldBe(("A clear headline", 0));
    }

    [Theory]
    // Line 10 is '        - Clear headline: "Master Restate in Go"'; the element's mapping starts at column 11.
    [InlineData("- Clear headline: \"Master Restate in Go\"", "- [Clear headline, Master Restate]", 10, 11, "a critical element must be a text, 'Name: detail', or a mapping")]
    // The detail starts after '        - Clear headline: ' (26 characters).
    [InlineData("- Clear headline: \"Master Restate in Go\"", "- Clear headline: [Master, Restate]", 10, 27, "the detail of critical element 'Clear headline' must be text")]
    // Line 11: '        - { name: Social proof, details: ...': the key follows '        - { name: Social proof, ' (32 characters).
    [InlineData("detail: \"Testimonials, GitHub stars\"", "details: \"Testimonials, GitHub stars\"", 11, 33, "'details'")]
    // Line 17: the touchpoint's '          critical_elements: ' (29 characters) given a text instead of a list.
    [InlineData("critical_elements:\n            - Clear pricing: $99 (was $129)\n            - \"FAQ: common questions answered\"", "critical_elements: Clear pricing", 17, 30, "'critical_elements' in a touchpoint's ideal state")]
    public void A_critical_element_that_does_not_read_is_an_error_at_its_position(string good, string bad, int line, int column, string why)
    {
        var yaml = Yaml.Replace(good, bad, StringComparison.Ordinal);
        yaml.ShouldNotBe(Yaml);

        var error = JourneyFile.FromText(yaml).Diagnostics.Where(d => d.Severity == Severity.Error).ShouldHaveSingleItem();

        (error.Location.Line, error.Location.Column).ShouldBe((line, column), error.ToString());
        error.Message.ShouldContain(why);
    }

    [Fact]
    public void Every_render_shows_the_critical_elements_escaped()
    {
        var j = Read(Yaml.Replace("$99 (was $129)", "\"<b>$99</b> & more\"", StringComparison.Ordinal));

        var html = HtmlRenderer.Render(j);
        html.ShouldContain("<ul class=\"critical-elements\" aria-label=\"Critical elements of the ideal state\"><li><span class=\"k\">Low friction</span></li>"
            + "<li><span class=\"k\">Clear headline</span> Master Restate in Go</li><li><span class=\"k\">Social proof</span> Testimonials, GitHub stars</li></ul>");
        html.ShouldContain("Clear pricing: &lt;b&gt;$99&lt;/b&gt; &amp; more; FAQ: common questions answered");
        html.ShouldNotContain("<b>$99");

        var svg = SvgRenderer.Render(j);
        var svgText = string.Join(" ", Regex.Matches(svg, "<text[^>]*>([^<]*)</text>").Select(m => m.Groups[1].Value));
        svgText.ShouldContain("✓ Clear headline: Master Restate in Go");
        svgText.ShouldContain("&lt;b&gt;$99&lt;/b&gt; &amp; more");
        svg.ShouldNotContain("<b>");

        var csv = CsvRenderer.Render(j);
        csv.ShouldContain("critical: Social proof: Testimonials, GitHub stars");
        csv.ShouldContain("Critical elements: Clear pricing: <b>$99</b> & more; FAQ: common questions answered");
        var markdown = MarkdownRenderer.Render(j);
        markdown.ShouldContain("critical: Clear headline: Master Restate in Go");
        markdown.ShouldContain("&lt;b&gt;\\$99&lt;/b&gt; &amp; more");

        using var json = JsonDocument.Parse(JsonRenderer.Render(j));
        var stage = json.RootElement.GetProperty("stages")[0];
        var elements = stage.GetProperty("ideal").GetProperty("critical_elements");
        (elements[1].GetProperty("name").GetString(), elements[1].GetProperty("detail").GetString()).ShouldBe(("Clear headline", "Master Restate in Go"));
        stage.GetProperty("touchpoints")[0].GetProperty("critical_elements")[0].GetProperty("detail").GetString().ShouldBe("<b>$99</b> & more");
    }

    [Fact]
    public void Written_back_the_file_reads_to_the_same_elements_and_the_schema_accepts_it()
    {
        var j = Read(Yaml);

        var written = JourneyYamlWriter.Write(j);
        var again = Read(written);

        again.Stages[0].Ideal!.CriticalElements.Select(e => (e.Name, e.Detail)).ShouldBe(j.Stages[0].Ideal!.CriticalElements.Select(e => (e.Name, e.Detail)));
        again.Stages[0].Touchpoints[0].CriticalElements.Select(e => e.ToString()).ShouldBe(["Clear pricing: $99 (was $129)", "FAQ: common questions answered"]);
        again.Stages[0].Touchpoints[1].Ideal.ShouldBe("A clear headline");
        var schema = new SchemaChecker(JsonDocument.Parse(JourneySchema.Json).RootElement);
        schema.Check(YamlToJson.Convert(Yaml)).ShouldBeEmpty();
        schema.Check(YamlToJson.Convert(written)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("- [Clear headline, Master Restate]")]
    [InlineData("- { name: Social proof, details: x }")]
    [InlineData("- { Clear headline: x, Reviews: y }")]
    public void The_schema_rejects_what_the_parser_rejects(string element)
    {
        var yaml = Yaml.Replace("- Low friction", element, StringComparison.Ordinal);
        JourneyFile.FromText(yaml).HasErrors.ShouldBeTrue();

        new SchemaChecker(JsonDocument.Parse(JourneySchema.Json).RootElement).Check(YamlToJson.Convert(yaml)).ShouldNotBeEmpty();
    }

    [Fact]
    public void The_worked_example_in_the_guide_reads_with_no_error()
    {
        var guide = File.ReadAllText(Tests.Parsing.TestPaths.Repo("docs", "journey-format.md")).ReplaceLineEndings("\n");
        var section = guide[guide.IndexOf("## Critical elements\n", StringComparison.Ordinal)..];
        var example = Regex.Match(section, "```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline).Groups["yaml"].Value;

        var stage = Read("id: j\ntitle: J\n" + example).Stages.Single();

        stage.Ideal!.CriticalElements.Select(e => e.ToString()).ShouldBe(
            ["Clear headline: \"Master Restate in Go\"", "Social proof: Testimonials, GitHub stars", "Free modules: \"Try 4 modules free\"", "Low friction: Email-only signup"]);
        stage.Touchpoints.Single().CriticalElements.Select(e => (e.Name, e.Detail)).ShouldBe(
            [("Clear pricing", "$99 (was $129)"), ("What's included", "Bullet points"), ("FAQ", "Common questions answered")]);
    }
}

