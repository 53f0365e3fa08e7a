using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Xunit;

namespace Trailmap.Journeys.Tests.Rendering.Csv;

public class CsvRendererTests
{
    [Fact]
    public void Complete_sample_matches_the_golden_file() =>
        TextFormatFiles.MatchesGolden(CsvRenderer.Render(TextFormatFiles.CompleteSample()), "complete.csv");

    [Fact]
    public void Complete_sample_with_actuals_matches_the_golden_file() =>
        TextFormatFiles.MatchesGolden(CsvRenderer.Render(TextFormatFiles.CompleteSample(), SampleActuals.ForComplete()), "complete-actuals.csv");

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    [InlineData("=SUM(A1:A9)", "'=SUM(A1:A9)")]
    [InlineData("+1", "'+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("=1,\"2\"", "\"'=1,\"\"2\"\"\"")]
    [InlineData("a=b", "a=b")]
    [InlineData("", "")]
    public void A_field_is_quoted_and_guarded_against_formulas(string value, string expected) =>
        CsvRenderer.Field(value).ShouldBe(expected);

    [Fact]
    public void The_grid_has_a_lane_column_and_one_column_per_stage()
    {
        var journey = new Journey
        {
            Id = "j",
            Title = "J",
            Stages =
            [
                new Stage
                {
                    Id = "a",
                    Name = "=Start, \"now\"",
                    Goal = "-minus",
                    Actions = [new CustomerAction { Name = "Reads, thinks" }, new CustomerAction { Name = "Says \"ok\"", Score = 4 }],
                },
                new Stage { Id = "b", Name = "End", Thoughts = ["@me", "fine"] },
            ],
        };

        var lines = CsvRenderer.Render(journey).Split("\r\n");

        lines[0].ShouldBe("lane,\"'=Start, \"\"now\"\"\",End");
        lines[1].ShouldBe("Description,,");
        lines[2].ShouldBe("Goal,'-minus,");
        lines[3].ShouldBe("Customer goal,,");
        lines[6].ShouldBe("Touchpoints,,");
        lines[7].ShouldBe("Actions,\"Reads, thinks\nSays \"\"ok\"\" (score 4)\",");
        lines[8].ShouldBe("Thoughts,,\"'@me\nfine\"");
        lines[9].ShouldBe("Motivations,,");
        lines.Length.ShouldBe(17); // header + 15 lanes + the empty string after the last CRLF
        lines[^1].ShouldBe("");
    }
}
