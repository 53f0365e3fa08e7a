using System.Text.Json;
using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Tests.Schema;
using Trailmap.Journeys.Writing;
using Xunit;

namespace Trailmap.Journeys.Tests.Structure;

/// <summary>
/// The document's header, its research findings and its insight statements: read, validated with located errors,
/// shown by every render with untrusted text escaped, and written back. Expectations are read from the YAML below.
/// </summary>
public sealed class ResearchPartsTests
{
    private const string Yaml = """
        id: j
        title: From awareness to advocacy
        owner: CX team
        document:
          author: PantheraHive AI Team
          prepared_for: "<Acme & Co>"
          version: "1.2"
          date: 2023-10-26
          status: in-review
          audience: [Marketing, Customer success]
        personas:
          - { id: sarah, name: Savvy Sarah }
        stages:
          - id: onboard
            name: Onboarding
            entry: Signed Up
            kpis:
              - { id: k, name: Signups, type: count, event: Signed Up, target: ">= 10" }
            opportunities:
              - { id: wizard, text: Guided setup wizard }
        findings:
          - id: onboarding-critical
            text: "Onboarding is critical: <script>alert(1)</script>"
            source: Customer interviews (n=12)
            evidence: 7 of 12 stalled before their first project
            stages: [onboard]
            personas: [sarah]
          - text: Clarity is king
        insights:
          - id: ease
            text: Ease of use is a differentiator
            findings: [onboarding-critical, finding-2]
            stages: [onboard]
            opportunities: [wizard]
        """;

    private static Journey Parse(string yaml)
    {
        var file = JourneyFile.FromText(yaml);
        file.Diagnostics.ShouldBeEmpty(string.Join("\n", file.Diagnostics));
        return file.Journey!;
    }

    [Fact]
    public void Each_part_lands_in_its_keys()
    {
        var j = Parse(Yaml);

        var d = j.Document.ShouldNotBeNull();
        (d.Author, d.PreparedFor, d.Version, d.Date, d.Status).ShouldBe(("PantheraHive AI Team", "<Acme & Co>", "1.2", "2023-10-26", DocumentStatus.InReview));
        d.Audience.ShouldBe(["Marketing", "Customer success"]);
        j.Findings.Select(f => (f.Id, f.Source, f.Evidence)).ShouldBe(
            [("onboarding-critical", (string?)"Customer interviews (n=12)", (string?)"7 of 12 stalled before their first project"), ("finding-2", null, null)]);
        j.Findings[0].Stages.ShouldBe(["onboard"]);
        j.Findings[0].Personas.ShouldBe(["sarah"]);
        var i = j.Insights.ShouldHaveSingleItem();
        (i.Id, i.Text).ShouldBe(("ease", "Ease of use is a differentiator"));
        i.Findings.ShouldBe(["onboarding-critical", "finding-2"]);
        i.Opportunities.ShouldBe(["wizard"]);
    }

    [Theory]
    [InlineData("date: 2023-10-26", "date: 2023-02-30", "TM005")]
    [InlineData("date: 2023-10-26", "date: October 26, 2023", "TM005")]
    [InlineData("status: in-review", "status: signed-off", "TM005")]
    [InlineData("findings: [onboarding-critical, finding-2]", "findings: [onboarding-critical, finding-9]", "TM007")]
    [InlineData("personas: [sarah]", "personas: [sara]", "TM007")]
    [InlineData("opportunities: [wizard]", "opportunities: [wizzard]", "TM007")]
    public void A_bad_value_is_reported_where_it_is_written(string good, string bad, string code)
    {
        var yaml = Yaml.Replace(good, bad, StringComparison.Ordinal);
        yaml.ShouldNotBe(Yaml);
        var found = JourneyFile.FromText(yaml).Diagnostics.Where(x => x.Severity == Trailmap.Journeys.Validation.Severity.Error).ToList();
        var d = found.ShouldHaveSingleItem(string.Join("\n", found));
        d.Code.ShouldBe(code, d.ToString());

        // The line of the bad entry, and the column of its value (after "key: ", or the list item for a reference).
        var lines = yaml.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains(bad, StringComparison.Ordinal)) + 1;
        d.Location.Line.ShouldBe(line);
        var value = bad[(bad.IndexOf(':', StringComparison.Ordinal) + 2)..];
        var badItem = bad.Contains('[', StringComparison.Ordinal) ? value.Trim('[', ']').Split(", ").Last() : value;
        d.Location.Column.ShouldBe(lines[line - 1].LastIndexOf(badItem, StringComparison.Ordinal) + 1, d.ToString());
    }

    public static TheoryData<string> Formats() => ["html", "svg", "markdown", "csv", "json"];

    private static string Render(string format, Journey j) => format switch
    {
        "html" => HtmlRenderer.Render(j),
        "svg" => SvgRenderer.Render(j),
        "markdown" => MarkdownRenderer.Render(j),
        "csv" => CsvRenderer.Render(j),
        "json" => JsonRenderer.Render(j),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_render_shows_the_header_the_findings_and_the_insights(string format)
    {
        var output = Render(format, Parse(Yaml));
        // The SVG wraps a card's text over several lines: read its words as one text.
        var text = format == "svg"
            ? string.Join(" ", System.Xml.Linq.XDocument.Parse(output).Descendants().Where(e => !e.HasElements).Select(e => e.Value).Where(v => v.Length > 0))
            : output;

        foreach (var expected in new[]
        {
            "PantheraHive AI Team", "1.2", "2023-10-26", "Marketing", "Customer success",
            "Customer interviews (n=12)", "7 of 12 stalled before their first project", "Clarity is king",
            "Ease of use is a differentiator",
        })
        {
            text.ShouldContain(expected, customMessage: $"{format} lacks '{expected}'");
        }

        if (format is "html" or "svg")
        {
            output.ShouldNotContain("<script>alert(1)</script>");
            output.ShouldNotContain("<Acme & Co>");
            output.ShouldContain("&lt;Acme &amp; Co&gt;");
        }

        if (format == "json")
        {
            var root = JsonDocument.Parse(output).RootElement;
            root.GetProperty("document").GetProperty("prepared_for").GetString().ShouldBe("<Acme & Co>");
            root.GetProperty("document").GetProperty("status").GetString().ShouldBe("in-review");
            root.GetProperty("findings")[0].GetProperty("evidence").GetString().ShouldBe("7 of 12 stalled before their first project");
            root.GetProperty("insights")[0].GetProperty("findings").GetArrayLength().ShouldBe(2);
        }
    }

    [Fact]
    public void The_insight_names_the_findings_it_rests_on_in_the_renders()
    {
        var md = MarkdownRenderer.Render(Parse(Yaml));
        md.ShouldContain("Clarity is king");
        md.ShouldContain("**From findings:**");
    }

    [Fact]
    public void The_writer_keeps_every_part_and_the_schema_accepts_the_file()
    {
        var j = Parse(Yaml);
        var written = JourneyYamlWriter.Write(j);
        var again = Parse(written);
        var d = again.Document.ShouldNotBeNull();
        (d.Author, d.PreparedFor, d.Version, d.Date, d.Status).ShouldBe((j.Document!.Author, j.Document.PreparedFor, j.Document.Version, j.Document.Date, j.Document.Status));
        d.Audience.ShouldBe(j.Document.Audience);
        again.Findings.Select(f => (f.Id, f.Text, f.Source, f.Evidence)).ShouldBe(j.Findings.Select(f => (f.Id, f.Text, f.Source, f.Evidence)));
        again.Insights.Single().Findings.ShouldBe(["onboarding-critical", "finding-2"]);

        var schema = new SchemaChecker(JsonDocument.Parse(Trailmap.Journeys.Schema.JourneySchema.Json).RootElement);
        schema.Check(YamlToJson.Convert(Yaml)).ShouldBeEmpty();
        schema.Check(YamlToJson.Convert(Yaml.Replace("status: in-review", "status: signed-off", StringComparison.Ordinal))).ShouldNotBeEmpty();
    }
}
