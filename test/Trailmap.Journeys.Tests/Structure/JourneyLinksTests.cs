using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Validation;
using Trailmap.Journeys.Writing;
using Xunit;

namespace Trailmap.Journeys.Tests.Structure;

/// <summary>
/// A journey's related documents (<c>links</c>): http, https and relative URLs are kept as written, every other
/// scheme and every unsafe character is an error at the URL, and every render lists them escaped.
/// </summary>
public sealed class JourneyLinksTests
{
    private static string Journey(string links) => $"""
        id: j
        title: J
        links:
        {links}
        stages:
          - id: a
            name: A
        """;

    [Theory]
    [InlineData("./business-plan.md")]
    [InlineData("../docs/runbook.md#escalation")]
    [InlineData("plan.pdf")]
    [InlineData("https://docs.restate.dev/")]
    [InlineData("HTTP://example.com/a?b=c&d=%20e")]
    public void Http_https_and_relative_urls_are_kept_as_written(string url)
    {
        var file = JourneyFile.FromText(Journey($"  - {{ title: Plan, url: \"{url}\" }}"));

        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        file.Journey!.Links.Select(l => (l.Title, l.Url)).ShouldBe([("Plan", url)]);
    }

    [Theory]
    [InlineData("javascript:alert(1)", "scheme is 'javascript'")]
    [InlineData("JavaScript:alert(1)", "scheme is 'javascript'")]
    [InlineData("data:text/html,<b>x</b>", "< > \" `")]
    [InlineData("data:text/html;base64,PGI+", "scheme is 'data'")]
    [InlineData("file:///etc/passwd", "scheme is 'file'")]
    [InlineData("mailto:a@example.com", "scheme is 'mailto'")]
    [InlineData("vbscript:x", "scheme is 'vbscript'")]
    [InlineData("//evil.example/x", "starts with //")]
    [InlineData("http:///path", "names no host")]
    [InlineData("./business plan.md", "percent-encode")]
    [InlineData("java\tscript:alert(1)", "control character")]
    public void Any_other_scheme_or_an_unsafe_character_is_an_error_at_the_url(string url, string why)
    {
        var escaped = url.Replace("\t", "\\t", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        var yaml = Journey($"  - {{ title: Plan, url: \"{escaped}\" }}");

        var errors = JourneyFile.FromText(yaml).Diagnostics.Where(d => d.Severity == Severity.Error).ToList();

        var error = errors.ShouldHaveSingleItem(string.Join("\n", errors));
        error.Code.ShouldBe("TM005");
        error.Message.ShouldContain(why);
        // Line 4 of the text, at the URL's opening quote: two spaces, "- { title: Plan, url: " is 24 characters.
        (error.Location.Line, error.Location.Column).ShouldBe((4, 25));
    }

    [Fact]
    public void A_url_longer_than_the_limit_is_an_error_and_one_at_the_limit_is_not()
    {
        var path = "https://example.com/";
        var atLimit = path + new string('a', JourneyLink.MaxUrlLength - path.Length);
        JourneyFile.FromText(Journey($"  - {{ title: Plan, url: \"{atLimit}\" }}")).HasErrors.ShouldBeFalse();

        var tooLong = JourneyFile.FromText(Journey($"  - {{ title: Plan, url: \"{atLimit}a\" }}"));
        tooLong.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldHaveSingleItem().Message.ShouldContain("2,049 characters long; a link may be at most 2,048");
    }

    [Fact]
    public void A_link_needs_a_title_and_a_url_and_knows_no_other_key()
    {
        var yaml = Journey("  - { url: ./plan.md }\n  - { title: Plan }\n  - { title: Plan, url: ./plan.md, note: x }");

        var errors = JourneyFile.FromText(yaml).Diagnostics.Where(d => d.Severity == Severity.Error).ToList();

        errors.Select(e => (e.Code, e.Location.Line)).ShouldBe([("TM003", 4), ("TM003", 5), ("TM002", 6)], ignoreOrder: true);
    }

    [Fact]
    public void Hostile_titles_and_urls_are_escaped_in_every_render()
    {
        var yaml = Journey("  - { title: \"<script>alert(1)</script> & co\", url: \"https://example.com/?a=1&b='x'\" }");
        var j = JourneyFile.FromText(yaml).Journey!;

        var html = HtmlRenderer.Render(j);
        html.ShouldContain("<h3>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h3>");
        html.ShouldContain("<a href=\"https://example.com/?a=1&amp;b=&#39;x&#39;\" rel=\"noopener noreferrer\">");
        html.ShouldNotContain("<script>alert(1)");
        var svg = SvgRenderer.Render(j);
        svg.ShouldNotContain("<script>alert(1)");
        System.Xml.Linq.XDocument.Parse(svg).ShouldNotBeNull();
        MarkdownRenderer.Render(j).ShouldNotContain("<script>alert(1)");
    }

    [Fact]
    public void Written_yaml_keeps_the_links()
    {
        var j = JourneyFile.FromText(Journey("  - { title: Plan, url: ./plan.md }\n  - { title: Docs, url: \"https://docs.restate.dev/\" }")).Journey!;

        var again = JourneyFile.FromText(JourneyYamlWriter.Write(j));

        again.HasErrors.ShouldBeFalse(string.Join("\n", again.Diagnostics));
        again.Journey!.Links.Select(l => (l.Title, l.Url)).ShouldBe([("Plan", "./plan.md"), ("Docs", "https://docs.restate.dev/")]);
    }
}
