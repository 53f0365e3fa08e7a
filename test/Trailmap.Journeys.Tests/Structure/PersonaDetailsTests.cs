using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Tests.Schema;
using Trailmap.Journeys.Writing;
using Xunit;

namespace Trailmap.Journeys.Tests.Structure;

/// <summary>
/// A persona's quotes and psychographics (values, personality, attitudes, lifestyle, tech comfort, channels,
/// information sources, behaviours): read, validated with located errors, and shown by every render, the SVG included.
/// Expectations are read from the YAML below (seed 001's "Savvy Sarah").
/// </summary>
public sealed class PersonaDetailsTests
{
    private const string Yaml = """
        id: j
        title: T
        personas:
          - id: sarah
            name: Savvy Sarah
            quote: "I need solutions that integrate seamlessly"
            quotes: ["Time is my most valuable asset", "<b>bold</b> & more"]
            values: [Time, Career progression]
            personality: [Ambitious, Organized]
            attitudes: [Skeptical of hype]
            lifestyle: Fitness classes and podcasts
            tech_comfort: high
            channels: [LinkedIn, Slack for the team]
            information_sources: [Industry newsletters, G2 reviews]
            behaviors: [Reads comparison sites]
        stages:
          - id: a
            name: A
            entry: Signed Up
            kpis:
              - { id: k, name: K, type: count, event: Signed Up, target: ">= 10" }
        """;

    private static Journey Parse(string yaml)
    {
        var file = JourneyFile.FromText(yaml);
        file.Diagnostics.ShouldBeEmpty(string.Join("\n", file.Diagnostics));
        return file.Journey!;
    }

    /// <summary>The words of an SVG (its text wraps over lines), or the text of any other format.</summary>
    private static string Words(string format, string output) =>
        format == "svg" ? string.Join(" ", XDocument.Parse(output).Descendants().Where(e => !e.HasElements).Select(e => e.Value)) : output;

    private static readonly string[] Expected =
    [
        "I need solutions that integrate seamlessly", "Time is my most valuable asset", "Career progression", "Ambitious",
        "Skeptical of hype", "Fitness classes and podcasts", "high", "Slack for the team", "G2 reviews", "Reads comparison sites",
    ];

    [Fact]
    public void Each_detail_lands_in_its_key_and_the_single_quote_form_still_reads()
    {
        var p = Parse(Yaml).Personas.Single();
        p.Quote.ShouldBe("I need solutions that integrate seamlessly");
        p.AllQuotes().ShouldBe(["I need solutions that integrate seamlessly", "Time is my most valuable asset", "<b>bold</b> & more"]);
        p.Values.ShouldBe(["Time", "Career progression"]);
        p.Personality.ShouldBe(["Ambitious", "Organized"]);
        p.Attitudes.ShouldBe(["Skeptical of hype"]);
        p.Lifestyle.ShouldBe("Fitness classes and podcasts");
        p.TechComfort.ShouldBe(Level.High);
        p.Channels.ShouldBe(["LinkedIn", "Slack for the team"]);
        p.InformationSources.ShouldBe(["Industry newsletters", "G2 reviews"]);
        p.Behaviors.ShouldBe(["Reads comparison sites"]);
    }

    [Fact]
    public void A_bad_tech_comfort_is_reported_at_its_value_with_the_choices()
    {
        var yaml = Yaml.Replace("tech_comfort: high", "tech_comfort: expert", StringComparison.Ordinal);
        var d = JourneyFile.FromText(yaml).Diagnostics.ShouldHaveSingleItem();
        d.Code.ShouldBe("TM005");
        // Line 12 of the text above ("    tech_comfort: expert"): four spaces and "tech_comfort: " (18 characters), so column 19.
        (d.Location.Line, d.Location.Column).ShouldBe((12, 19));
        d.Message.ShouldContain("low, medium, high");
    }

    [Theory]
    [InlineData("html")]
    [InlineData("svg")]
    [InlineData("markdown")]
    [InlineData("csv")]
    [InlineData("json")]
    public void Every_render_shows_every_detail_and_escapes_it(string format)
    {
        var j = Parse(Yaml);
        var output = format switch
        {
            "html" => HtmlRenderer.Render(j),
            "svg" => SvgRenderer.Render(j),
            "markdown" => MarkdownRenderer.Render(j),
            "csv" => CsvRenderer.Render(j),
            _ => JsonRenderer.Render(j),
        };
        var words = Words(format, output);
        foreach (var expected in Expected)
        {
            words.ShouldContain(expected, customMessage: $"{format} lacks '{expected}'");
        }

        if (format is "html" or "svg")
        {
            output.ShouldNotContain("<b>bold</b>");
            output.ShouldContain("&lt;b&gt;bold&lt;/b&gt; &amp; more");
        }

        if (format == "json")
        {
            var p = JsonDocument.Parse(output).RootElement.GetProperty("personas")[0];
            p.GetProperty("tech_comfort").GetString().ShouldBe("high");
            p.GetProperty("information_sources").GetArrayLength().ShouldBe(2);
            p.GetProperty("quotes").GetArrayLength().ShouldBe(2);
        }
    }

    [Fact]
    public void The_svg_draws_a_persona_card_with_its_details()
    {
        var svg = SvgRenderer.Render(Parse(Yaml));
        Regex.Count(svg, "class=\"card-box\"").ShouldBe(1);
        svg.ShouldContain(">Personas</text>");
    }

    [Fact]
    public void The_writer_keeps_every_detail_and_the_schema_accepts_them()
    {
        var j = Parse(Yaml);
        var again = Parse(JourneyYamlWriter.Write(j)).Personas.Single();
        var p = j.Personas.Single();
        again.AllQuotes().ShouldBe(p.AllQuotes());
        (again.Lifestyle, again.TechComfort).ShouldBe((p.Lifestyle, p.TechComfort));
        again.Behaviors.ShouldBe(p.Behaviors);
        again.InformationSources.ShouldBe(p.InformationSources);

        var schema = new SchemaChecker(JsonDocument.Parse(Trailmap.Journeys.Schema.JourneySchema.Json).RootElement);
        schema.Check(YamlToJson.Convert(Yaml)).ShouldBeEmpty();
        schema.Check(YamlToJson.Convert(Yaml.Replace("tech_comfort: high", "tech_comfort: expert", StringComparison.Ordinal))).ShouldNotBeEmpty();
    }

    private const string PerPersona = """
        id: j
        title: T
        personas:
          - { id: sarah, name: Savvy Sarah }
          - { id: brian, name: Budget Brian }
        stages:
          - id: a
            name: A
            entry: Signed Up
            kpis:
              - { id: k, name: K, type: count, event: Signed Up, target: ">= 10" }
            touchpoints:
              - { id: g2, name: Review sites, personas: [sarah] }
              - { id: peers, name: Peer forums, personas: [brian] }
              - { id: site, name: Website }
            pain_points:
              - { id: fees, text: Fear of hidden fees, severity: high, personas: [brian] }
            opportunities:
              - { id: o, text: Transparent pricing, addresses: [fees] }
        """;

    [Fact]
    public void Touchpoints_and_pain_points_name_the_personas_they_apply_to()
    {
        var j = Parse(PerPersona);
        j.Stages[0].Touchpoints.Select(t => string.Join(",", t.Personas)).ShouldBe(["sarah", "brian", ""]);
        j.Stages[0].PainPoints.Single().Personas.ShouldBe(["brian"]);

        // HTML: a badge with the persona's full name as its title on each of the two touchpoints and on the pain point.
        var html = HtmlRenderer.Render(j);
        Regex.Count(html, "class=\"persona-badge tone-1\" title=\"Budget Brian\"").ShouldBe(2);
        Regex.Count(html, "class=\"persona-badge tone-0\" title=\"Savvy Sarah\"").ShouldBe(1);
        // SVG: "for" and the short name (the first word) in the item's line.
        var svg = Words("svg", SvgRenderer.Render(j));
        svg.ShouldContain("for Savvy");
        svg.ShouldContain("for Budget");
        CsvRenderer.Render(j).ShouldContain("Fear of hidden fees (high, for brian)");
        MarkdownRenderer.Render(j).ShouldContain("Review sites (for sarah)");
        JourneyFile.FromText(JourneyYamlWriter.Write(j)).Journey!.Stages[0].PainPoints.Single().Personas.ShouldBe(["brian"]);
        new SchemaChecker(JsonDocument.Parse(Trailmap.Journeys.Schema.JourneySchema.Json).RootElement).Check(YamlToJson.Convert(PerPersona)).ShouldBeEmpty();
    }

    [Fact]
    public void An_unknown_persona_on_a_touchpoint_or_pain_point_is_reported_at_the_id()
    {
        var yaml = PerPersona.Replace("personas: [sarah]", "personas: [sara]", StringComparison.Ordinal).Replace("severity: high, personas: [brian]", "severity: high, personas: [bryan]", StringComparison.Ordinal);
        var found = JourneyFile.FromText(yaml).Diagnostics.Where(d => d.Code == "TM007").OrderBy(d => d.Location.Line).ToList();
        found.Count.ShouldBe(2, string.Join("\n", found));
        var lines = yaml.Split('\n');
        // Line 13 holds "[sara]", line 17 "[bryan]" (counted in the text above); the column is that of the id.
        (found[0].Location.Line, found[0].Location.Column).ShouldBe((13, lines[12].IndexOf("sara", StringComparison.Ordinal) + 1));
        (found[1].Location.Line, found[1].Location.Column).ShouldBe((17, lines[16].IndexOf("bryan", StringComparison.Ordinal) + 1));
        found[0].Message.ShouldContain("did you mean 'sarah'");
    }
}
