using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Xunit;

namespace Trailmap.Journeys.Tests.Rendering.Markdown;

public class MarkdownRendererTests
{
    [Fact]
    public void Complete_sample_matches_the_golden_file() =>
        TextFormatFiles.MatchesGolden(MarkdownRenderer.Render(TextFormatFiles.CompleteSample()), "complete.md");

    [Fact]
    public void Complete_sample_with_actuals_matches_the_golden_file() =>
        TextFormatFiles.MatchesGolden(MarkdownRenderer.Render(TextFormatFiles.CompleteSample(), SampleActuals.ForComplete()), "complete-actuals.md");

    [Fact]
    public void A_script_tag_is_shown_as_text()
    {
        var md = MarkdownRenderer.Render(Tiny(stageName: "<script>alert(1)</script>", goal: "<img src=x onerror=alert(1)>"));

        md.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        md.ShouldContain("&lt;img src=x onerror=alert(1)&gt;");
        md.ShouldNotContain("<script");
        md.ShouldNotContain("<img");
    }

    [Fact]
    public void A_pipe_or_a_newline_does_not_break_the_table()
    {
        var md = MarkdownRenderer.Render(Tiny(stageName: "A | B", goal: "first\nsecond"));

        md.ShouldContain("| Lane | A \\| B |\n");
        md.ShouldContain("| **Goal** | first<br>second |\n");
    }

    [Fact]
    public void Markdown_punctuation_cannot_format_or_link()
    {
        MarkdownText.Escape("*bold* _it_ `code` [link](javascript:x) ~~s~~ $x$ \\").ShouldBe(
            "\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](javascript:x) \\~\\~s\\~\\~ \\$x\\$ \\\\");
        MarkdownText.Escape("# not a heading").ShouldBe("\\# not a heading");
        MarkdownText.Escape("- not a list").ShouldBe("\\- not a list");
        MarkdownText.Escape("1. not a list").ShouldBe("1\\. not a list");
        MarkdownText.Escape("1..5 and 3.2").ShouldBe("1..5 and 3.2");
        MarkdownText.Escape("    not code").ShouldBe("not code");
        MarkdownText.Escape("Tom & Jerry &lt;").ShouldBe("Tom &amp; Jerry &amp;lt;");
        MarkdownText.Escape("![img](x)").ShouldBe("\\!\\[img\\](x)");
    }

    private static Journey Tiny(string stageName, string goal) => new()
    {
        Id = "tiny",
        Title = "Tiny",
        Stages = [new Stage { Id = "s", Name = stageName, Goal = goal }],
    };
}
