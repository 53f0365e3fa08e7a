using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Shouldly;
using Trailmap.Journeys.Mermaid;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Tests.Parsing;
using Trailmap.Journeys.Validation;
using Xunit;

namespace Trailmap.Journeys.Tests.Structure;

/// <summary>
/// samples/seed-001-awareness-to-advocacy.yaml: PantheraHive's "Customer Journey Map: From Awareness to Advocacy"
/// (shared seed 001) transcribed by following docs/journey-format.md, with the document's header, personas'
/// psychographics, findings, insights and undated next steps in structured keys. Every expectation is read from the
/// document by hand. That the file parses in PyYAML, js-yaml and YamlDotNet is YamlInteropTests' job (it reads every
/// sample), and that the schema accepts it is JourneySchemaTests'.
/// </summary>
public sealed partial class SeedOneTranscriptionTests
{
    private static readonly string SamplePath = TestPaths.Repo("samples", "seed-001-awareness-to-advocacy.yaml");

    private static Journey Sample()
    {
        var file = JourneyFile.Load(SamplePath);
        file.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty(string.Join("\n", file.Diagnostics));
        // The document gives no numeric targets; the only warnings are the KPIs without one (TM104), none invented.
        file.Diagnostics.Select(d => d.Code).Distinct().ShouldBe(["TM104"]);
        return file.Journey!;
    }

    [Fact]
    public void The_documents_five_stages_and_its_header_are_in_their_keys()
    {
        var j = Sample();
        // "5. Customer Journey Map: Stage by Stage Analysis": Stage 1 Awareness ... Stage 5 Advocacy.
        j.Stages.Select(s => s.Name).ShouldBe(["Awareness", "Consideration", "Acquisition", "Service & Retention", "Advocacy"]);
        // "Date: October 26, 2023 / Prepared For: [Your Organization Name] / Prepared By: PantheraHive AI Team".
        var d = j.Document.ShouldNotBeNull();
        (d.Date, d.PreparedFor, d.Author).ShouldBe(("2023-10-26", "[Your Organization Name]", "PantheraHive AI Team"));
    }

    [Fact]
    public void Personas_keep_every_quote_and_their_psychographics()
    {
        var j = Sample();
        var sarah = j.Personas.Single(p => p.Id == "savvy-sarah");
        // Step 1's two "Key Quotes" and the final persona overview's "Quote".
        sarah.AllQuotes().Count().ShouldBe(3);
        sarah.TechComfort.ShouldBe(Level.High); // "Tech Savviness: High"
        sarah.Personality.ShouldBe(["Ambitious", "Organized", "Results-driven"]);
        sarah.Values.ShouldContain("Smart investments");
        sarah.InformationSources.ShouldContain("SaaS review platforms");
        var brian = j.Personas.Single(p => p.Id == "budget-brian");
        brian.AllQuotes().Count().ShouldBe(2);
        brian.Values.ShouldBe(["Stability", "Family", "Community", "Good value for money"]);
        // Brian "asks peers for recommendations"; hidden fees are his fear.
        j.AllTouchpoints().Single(t => t.Id == "peer-recommendations").Personas.ShouldBe(["budget-brian"]);
        j.Stages.SelectMany(s => s.PainPoints).Single(p => p.Id == "confusing-pricing").Personas.ShouldBe(["budget-brian"]);
    }

    [Fact]
    public void Feelings_written_as_nouns_draw_the_curve()
    {
        var j = Sample();
        j.Stages.ShouldAllBe(s => s.Emotion!.DerivedScore != null);
        // Awareness: frustration -1, overwhelm -1, curiosity +1: mean -1/3; 1 + (5/3) / 4 × 4 = 2.666..., 2.67.
        j.Stages[0].Emotion!.DerivedScore.ShouldBe(2.67);
        // Service & Retention: productive +1, frustrated -1, relieved +1.5, engaged +1, indifferent 0: mean 0.5: 3.5.
        j.Stages[3].Emotion!.DerivedScore.ShouldBe(3.5);
        // Advocacy: pride +2, gratitude +1.5, connected +1, empowered +1.5: mean 1.5: 4.5.
        j.Stages[4].Emotion!.DerivedScore.ShouldBe(4.5);
    }

    [Fact]
    public void Findings_insights_and_next_steps_are_structured()
    {
        var j = Sample();
        // "6. Overall Key Findings & Insights" numbers five; step 2's "Key Insights & Cross-Journey Themes" lists five.
        j.Findings.Count.ShouldBe(5);
        j.Insights.Count.ShouldBe(5);
        // Five recommendations and two closing steps; only the pilots are dated ("in the next quarter").
        j.Roadmap.Count.ShouldBe(7);
        j.Roadmap.Select(r => r.Due).OfType<string>().ShouldBe(["next quarter"]);
        // "Increase free trial conversion rate by 15%", "reduce churn by 5%": changes with no baseline in the document.
        var kpis = j.AllMetrics().ToDictionary(m => m.Id);
        (kpis["trial-to-paid"].Change!.Text, kpis["trial-to-paid"].Target).ShouldBe(("+15%", (Target?)null));
        kpis["churn-rate"].BaselineNote.ShouldBe("-5%, no baseline");
    }

    public static TheoryData<string> Formats() => ["html", "svg", "markdown", "csv", "json", "mermaid"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Renders_in_every_format_with_every_stage(string format)
    {
        var j = Sample();
        var output = format switch
        {
            "html" => HtmlRenderer.Render(j),
            "svg" => SvgRenderer.Render(j),
            "markdown" => MarkdownRenderer.Render(j),
            "csv" => CsvRenderer.Render(j),
            "json" => JsonRenderer.Render(j),
            _ => MermaidExporter.Export(j),
        };
        var text = format == "svg"
            ? string.Join(" ", XDocument.Parse(output).Descendants().Where(e => !e.HasElements).Select(e => e.Value))
            : format == "json" ? JsonDocument.Parse(output).RootElement.ToString() : output;
        foreach (var stage in j.Stages)
        {
            // HTML and Markdown write "Service & Retention" escaped, as "Service &amp; Retention".
            (text.Contains(stage.Name, StringComparison.Ordinal) || text.Contains(stage.Name.Replace("&", "&amp;", StringComparison.Ordinal), StringComparison.Ordinal))
                .ShouldBeTrue($"{format} lacks stage '{stage.Name}'");
        }

        if (format != "mermaid")
        {
            // Mermaid's journey diagram has no place for the header, personas' details or the research part.
            foreach (var word in new[] { "PantheraHive AI Team", "2023-10-26", "Smart investments", "Clarity is king", "Ease of use is a differentiator", "next quarter" }
                .Concat(format == "json" ? [] : ["not dated"]))
            {
                text.ShouldContain(word, customMessage: $"{format} lacks '{word}'");
            }
        }
    }

    [Fact]
    public void The_guides_examples_of_the_new_keys_are_taken_from_this_sample()
    {
        var guide = File.ReadAllText(TestPaths.Repo("docs", "journey-format.md")).ReplaceLineEndings("\n");
        var sample = File.ReadAllText(SamplePath).ReplaceLineEndings("\n");
        foreach (var (heading, count) in new[] { ("## Persona details\n", 1), ("## Document header, findings and insights\n", 3) })
        {
            var start = guide.IndexOf(heading, StringComparison.Ordinal);
            start.ShouldBeGreaterThan(0, heading);
            var section = guide[start..guide.IndexOf("\n## ", start + 5, StringComparison.Ordinal)];
            var blocks = YamlBlock().Matches(section).Select(m => m.Groups["yaml"].Value).Take(count).ToList();
            blocks.Count.ShouldBe(count);
            foreach (var block in blocks)
            {
                sample.ShouldContain(block);
            }
        }
    }

    [GeneratedRegex(@"```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
