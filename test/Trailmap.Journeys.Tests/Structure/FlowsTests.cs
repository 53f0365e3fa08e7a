using System.Text.Json;
using System.Text.RegularExpressions;
using Shouldly;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Schema;
using Trailmap.Journeys.Tests.Schema;
using Trailmap.Journeys.Validation;
using Trailmap.Journeys.Writing;
using Xunit;

namespace Trailmap.Journeys.Tests.Structure;

/// <summary>
/// Flows: a document's arrow-joined paths ("Landing -> Signup -> Onboarding") as ordered steps, each optionally in a
/// stage or at a touchpoint, with the links checked, two lint rules, and every render.
/// </summary>
public sealed class FlowsTests
{
    private const string Yaml = """
        id: j
        title: J
        stages:
          - id: interest
            name: Interest
            touchpoints: [{ id: landing-page, name: Landing page }, { id: signup-form, name: Signup form }]
          - id: onboarding
            name: Onboarding
            touchpoints: [{ id: github-access, name: GitHub access }]
        flows:
          - id: first-week
            name: From landing to onboarding
            steps:
              - { name: Landing, touchpoint: landing-page }
              - { name: Signup, touchpoint: signup-form }
              - { name: Onboarding, stage: onboarding }
          - id: first-visit
            name: First visit
            touchpoint: github-access
            steps: "README.md → Module 05 folder ->Run first example=>  Feeling of progress"
        """;

    private static JourneyFile Load(string yaml) => JourneyFile.FromText(yaml);

    private static IEnumerable<Diagnostic> Flagged(JourneyFile file) => file.Diagnostics.Where(d => d.Code is not ("TM101" or "TM105"));

    [Fact]
    public void Steps_are_read_in_order_from_a_list_or_from_the_documents_arrow_line()
    {
        var file = Load(Yaml);
        Flagged(file).ShouldBeEmpty(string.Join("\n", file.Diagnostics));

        var flows = file.Journey!.Flows;
        flows.Select(f => f.Id).ShouldBe(["first-week", "first-visit"]);
        flows[0].Steps.Select(s => (s.Name, s.Stage, s.Touchpoint)).ShouldBe(
            [("Landing", (string?)null, (string?)"landing-page"), ("Signup", null, "signup-form"), ("Onboarding", "onboarding", null)]);
        // Four arrows of three spellings, with and without spaces around them.
        flows[1].Steps.Select(s => s.Name).ShouldBe(["README.md", "Module 05 folder", "Run first example", "Feeling of progress"]);
        flows[1].Touchpoint.ShouldBe("github-access");
    }

    [Theory]
    // Line 15, '      - { name: Signup, touchpoint: signup-form }': the id follows 36 characters.
    [InlineData("touchpoint: signup-form }", "touchpoint: signup-from }", 15, 37, "step 2 ('Signup') of flow 'first-week' refers to touchpoint 'signup-from'")]
    // Line 16, '      - { name: Onboarding, stage: onboarding }': the id follows 35 characters.
    [InlineData("stage: onboarding }", "stage: onbording }", 16, 36, "refers to stage 'onbording'")]
    // Line 19, '    touchpoint: github-access': the id follows 16 characters.
    [InlineData("touchpoint: github-access\n", "touchpoint: github\n", 19, 17, "flow 'first-visit' refers to touchpoint 'github'")]
    public void A_link_to_a_stage_or_touchpoint_that_does_not_exist_is_an_error_at_the_id(string good, string bad, int line, int column, string why)
    {
        var file = Load(Yaml.Replace(good, bad, StringComparison.Ordinal));

        var error = file.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldHaveSingleItem();
        (error.Code, error.Location.Line, error.Location.Column).ShouldBe(("TM007", line, column), error.ToString());
        error.Message.ShouldContain(why);
    }

    [Theory]
    // Line 20: the arrow line starts after '    steps: ' (11 characters).
    [InlineData("\"README.md → → Module 05\"", 20, 12, "step 2 of flow 'first-visit' is empty")]
    [InlineData("\"-> README.md\"", 20, 12, "step 1 of flow 'first-visit' is empty")]
    public void An_empty_step_between_arrows_is_an_error_at_the_line(string steps, int line, int column, string why)
    {
        var yaml = Regex.Replace(Yaml, "steps: \"README.md[^\"]*\"", "steps: " + steps);
        var error = Load(yaml).Diagnostics.Where(d => d.Severity == Severity.Error).ShouldHaveSingleItem();

        (error.Code, error.Location.Line, error.Location.Column).ShouldBe(("TM005", line, column));
        error.Message.ShouldContain(why);
    }

    [Fact]
    public void A_flow_needs_its_steps_and_at_most_100()
    {
        var missing = Load(Yaml.Replace("\n    steps: \"README.md → Module 05 folder ->Run first example=>  Feeling of progress\"", "", StringComparison.Ordinal));
        missing.Diagnostics.ShouldContain(d => d.Code == "TM003" && d.Message.Contains("flow 'first-visit' needs 'steps'", StringComparison.Ordinal));

        string Steps(int n) => "\"" + string.Join(" -> ", Enumerable.Range(1, n).Select(i => $"Step {i}")) + "\"";
        var hundred = Load(Regex.Replace(Yaml, "steps: \"README.md[^\"]*\"", "steps: " + Steps(100)));
        hundred.HasErrors.ShouldBeFalse();
        hundred.Journey!.Flows[1].Steps.Count.ShouldBe(100);

        var error = Load(Regex.Replace(Yaml, "steps: \"README.md[^\"]*\"", "steps: " + Steps(101))).Diagnostics.Single(d => d.Severity == Severity.Error);
        (error.Code, error.Location.Line).ShouldBe(("TM005", 20));
        error.Message.ShouldContain("has 101 steps; a flow may have at most 100");
    }

    [Fact]
    public void A_flow_of_one_step_and_a_flow_that_walks_back_a_stage_are_warned()
    {
        var one = Load(Regex.Replace(Yaml, "steps: \"README.md[^\"]*\"", "steps: \"README.md, Module 05 folder\""));
        var tooShort = one.Diagnostics.Single(d => d.Code == "TM111");
        (tooShort.Severity, tooShort.Location.Line).ShouldBe((Severity.Warning, 20));
        tooShort.Message.ShouldContain("has one step, 'README.md, Module 05 folder'");

        // Signup (the form, in Interest) after Onboarding: Interest is stage 1, Onboarding stage 2.
        var back = Load(Yaml.Replace("      - { name: Onboarding, stage: onboarding }\n", "", StringComparison.Ordinal)
            .Replace("      - { name: Landing, touchpoint: landing-page }\n", "      - { name: Onboarding, stage: onboarding }\n", StringComparison.Ordinal));
        var backwards = back.Diagnostics.Single(d => d.Code == "TM112");
        (backwards.Severity, backwards.Location.Line).ShouldBe((Severity.Warning, 15));
        backwards.Message.ShouldContain("step 2 ('Signup') of flow 'first-week' is in stage 'interest', before stage 'onboarding' where step 'Onboarding' already was");

        // The same stage twice in a row, or an unlinked step between, goes forward.
        Flagged(Load(Yaml)).ShouldNotContain(d => d.Code == "TM111" || d.Code == "TM112");
    }

    [Fact]
    public void Every_render_shows_the_flows_steps_in_order_escaped()
    {
        var j = Load(Yaml.Replace("name: Landing,", "name: \"<i>Landing</i> & more\",", StringComparison.Ordinal)).Journey!;

        // Each step with the touchpoint or stage it is linked to in brackets.
        const string Plain = "<i>Landing</i> & more (Landing page) → Signup (Signup form) → Onboarding (Onboarding)";
        HtmlRenderer.Render(j).ShouldContain("&lt;i&gt;Landing&lt;/i&gt; &amp; more (Landing page) → Signup (Signup form) → Onboarding (Onboarding)");
        HtmlRenderer.Render(j).ShouldContain("README.md → Module 05 folder → Run first example → Feeling of progress");
        var svg = SvgRenderer.Render(j);
        svg.ShouldNotContain("<i>");
        string.Join(" ", Regex.Matches(svg, "<text[^>]*>([^<]*)</text>").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))).ShouldContain(Plain);
        CsvRenderer.Render(j).ShouldContain(Plain);
        MarkdownRenderer.Render(j).ShouldContain("&lt;i&gt;Landing&lt;/i&gt; &amp; more (Landing page) → Signup (Signup form)");

        using var json = JsonDocument.Parse(JsonRenderer.Render(j));
        var flow = json.RootElement.GetProperty("flows")[0];
        flow.GetProperty("steps")[2].GetProperty("stage").GetString().ShouldBe("onboarding");
        flow.GetProperty("steps")[0].GetProperty("name").GetString().ShouldBe("<i>Landing</i> & more");
    }

    [Fact]
    public void Written_back_the_flows_read_the_same_and_the_schema_accepts_both()
    {
        var j = Load(Yaml).Journey!;
        var written = JourneyYamlWriter.Write(j);
        var again = Load(written).Journey!;

        again.Flows.Select(f => string.Join(" | ", f.Steps.Select(s => $"{s.Name}/{s.Stage}/{s.Touchpoint}")))
            .ShouldBe(j.Flows.Select(f => string.Join(" | ", f.Steps.Select(s => $"{s.Name}/{s.Stage}/{s.Touchpoint}"))));
        var schema = new SchemaChecker(JsonDocument.Parse(JourneySchema.Json).RootElement);
        schema.Check(YamlToJson.Convert(Yaml)).ShouldBeEmpty();
        schema.Check(YamlToJson.Convert(written)).ShouldBeEmpty();
        schema.Check(YamlToJson.Convert(Yaml.Replace("{ name: Signup, touchpoint: signup-form }", "{ name: Signup, page: signup-form }", StringComparison.Ordinal))).ShouldNotBeEmpty();
    }

    [Fact]
    public void The_worked_example_in_the_guide_reads_against_its_touchpoints()
    {
        var guide = File.ReadAllText(Tests.Parsing.TestPaths.Repo("docs", "journey-format.md")).ReplaceLineEndings("\n");
        var section = guide[guide.IndexOf("## Flows\n", StringComparison.Ordinal)..];
        var example = Regex.Match(section, "```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline).Groups["yaml"].Value;
        const string Stages = """
            stages:
              - { id: interest, name: Interest, touchpoints: [{ id: landing-page, name: Landing }, { id: email-signup-form, name: Signup }] }
              - { id: onboarding, name: Onboarding, touchpoints: [{ id: github-access, name: GitHub access }] }

            """;

        var file = Load("id: j\ntitle: J\n" + Stages + example);

        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        file.Journey!.Flows[0].Steps.Count.ShouldBe(5);
        file.Journey.Flows[0].Steps[2].Name.ShouldBe("Clear structure: README, code, exercises");
    }
}
