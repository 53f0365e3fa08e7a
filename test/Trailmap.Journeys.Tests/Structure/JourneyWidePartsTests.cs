using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Tests.Parsing;
using Trailmap.Journeys.Validation;
using Trailmap.Journeys.Writing;
using Xunit;

namespace Trailmap.Journeys.Tests.Structure;

/// <summary>
/// Touchpoints in detail, opportunity kinds, triggers, programs, activation paths, cohort targets and the roadmap:
/// read from samples/journey-wide.yaml, validated with located errors, linted, and shown by every render.
/// </summary>
public sealed partial class JourneyWidePartsTests
{
    private static readonly string SamplePath = TestPaths.Repo("samples", "journey-wide.yaml");

    private static Journey Sample()
    {
        var file = JourneyFile.Load(SamplePath);
        file.Diagnostics.ShouldBeEmpty(string.Join("\n", file.Diagnostics));
        return file.Journey!;
    }

    private const string OneStage = """
        id: j
        title: J
        stages:
          - id: a
            name: A
            entry: Signed Up
            opportunities:
              - { id: o, text: O }
            kpis:
              - { id: k, name: K, type: count, event: Signed Up, target: ">= 10" }

        """;

    private static IReadOnlyList<Diagnostic> Diagnostics(string tail) => JourneyFile.FromText(OneStage + tail).Diagnostics;

    /// <summary>Line and column (1-based) of the first occurrence of <paramref name="needle"/> in the text, counted in the text itself.</summary>
    private static (int Line, int Column) At(string tail, string needle)
    {
        var lines = (OneStage + tail).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var column = lines[i].IndexOf(needle, StringComparison.Ordinal);
            if (column >= 0)
            {
                return (i + 1, column + 1);
            }
        }

        throw new InvalidOperationException($"'{needle}' is not in the text");
    }

    [Fact]
    public void Sample_reads_every_part_as_written()
    {
        var j = Sample();

        var setupCall = j.Stages[1].Touchpoints.Single();
        (setupCall.Id, setupCall.Goal, setupCall.Current, setupCall.Ideal, setupCall.Fix).ShouldBe((
            "setup-call",
            "The team's first project is live by the end of the call",
            "A 60-minute generic demo, booked a week out",
            "A 30-minute call that imports the team's own work",
            "Book from the signup page; import before the call"));
        setupCall.Stages.ShouldBe(["activate"]);

        j.Stages.SelectMany(s => s.Opportunities).Select(o => (o.Id, o.Kind)).ShouldBe(
            [("templates", OpportunityKind.Fix), ("welcome-video", OpportunityKind.Delight), ("faster-import", OpportunityKind.Optimization)]);

        j.Triggers.Select(t => (t.Id, t.Kind, string.Join(",", t.Stages))).ShouldBe(
            [("new-hire", TriggerKind.Natural, "discover"), ("usage-report", TriggerKind.Engineered, "onboard,activate")]);

        var referral = j.Programs.ShouldHaveSingleItem();
        referral.Kind.ShouldBe(ProgramKind.Referral);
        referral.Steps.Count.ShouldBe(3);
        referral.Rewards.Select(r => (r.To, r.Reward)).ShouldBe([("referrer", "One month free"), ("friend", "20% off the first year")]);
        referral.Kpis.ShouldBe(["invites"]);

        var path = j.ActivationPaths.ShouldHaveSingleItem();
        // "<= 7d" is at most seven days: 7 × 86400 seconds.
        (path.TimeToValue!.Unit, path.TimeToValue.Value).ShouldBe((TargetUnit.Duration, 7 * 86400d));
        (path.Rate!.Unit, path.Rate.Value).ShouldBe((TargetUnit.Percent, 0.60));
        path.ChokePoints.ShouldBe(["Import needs a CSV export", "Teammates never accept the invite"]);

        // Rows without an id are numbered from 1 in the order written.
        j.CohortTargets.Select(c => (c.Id, c.Cohort, c.Target!.Value, c.Kpi)).ShouldBe(
            [("cohort-1", "Week 1", 0.60, (string?)null), ("cohort-2", "Week 4", 0.35, "week4-return")]);

        j.Roadmap.Select(r => (r.Id, r.Due, r.Owner, r.Status)).ShouldBe(
            [("ship-templates", (string?)"2026-03-31", (string?)"Product", (OpportunityStatus?)OpportunityStatus.InProgress), ("referral-launch", "Week 6", "Growth", null),
             ("pilot", "next quarter", null, null), ("persona-review", null, null, null)]);
    }

    [Fact]
    public void Unknown_ids_in_every_new_reference_are_reported_where_they_are_written()
    {
        const string tail = """
            triggers:
              - { id: t, name: T, kind: natural, stages: [a, no-stage-1] }
            programs:
              - { id: p, name: P, stages: [no-stage-2], kpis: [no-kpi-1] }
            activation_paths:
              - { id: ap, name: AP, stage: no-stage-3, rate: ">= 50%", kpis: [no-kpi-2] }
            cohort_targets:
              - { cohort: Week 1, kpi: no-kpi-3 }
            roadmap:
              - { id: r, name: R, due: 2026-Q3, opportunities: [no-opportunity], kpis: [k] }
            """;
        var found = Diagnostics(tail);

        string[] missing = ["no-stage-1", "no-stage-2", "no-kpi-1", "no-stage-3", "no-kpi-2", "no-kpi-3", "no-opportunity"];
        found.Select(d => d.Code).ShouldAllBe(c => c == "TM007", string.Join("\n", found));
        found.Count.ShouldBe(missing.Length, string.Join("\n", found));
        foreach (var id in missing)
        {
            var d = found.Single(d => d.Message.Contains($"'{id}'", StringComparison.Ordinal));
            (d.Location.Line, d.Location.Column).ShouldBe(At(tail, id), d.ToString());
        }
    }

    [Fact]
    public void A_touchpoint_spanning_an_unknown_stage_is_reported_at_that_stage()
    {
        var text = """
            id: j
            title: J
            stages:
              - id: a
                name: A
                entry: Signed Up
                touchpoints:
                  - { id: call, name: Call, stages: [b, elsewhere] }
                kpis:
                  - { id: k, name: K, type: count, event: Signed Up, target: ">= 10" }
              - id: b
                name: B
                entry: Paid
                kpis:
                  - { id: k2, name: K2, type: count, event: Paid, target: ">= 1" }
            """;
        var d = JourneyFile.FromText(text).Diagnostics.ShouldHaveSingleItem();
        d.Code.ShouldBe("TM007");
        // Line 8; "      - { id: call, name: Call, stages: [b, " before "elsewhere" is 44 characters.
        (d.Location.Line, d.Location.Column).ShouldBe((8, 45));
    }

    [Fact]
    public void An_activation_rate_written_as_a_duration_is_a_unit_mismatch_at_the_value()
    {
        const string tail = """
            activation_paths:
              - { id: ap, name: AP, time_to_value: ">= 60%", rate: "<= 7d" }
            """;
        var found = Diagnostics(tail);
        found.Select(d => d.Code).ShouldBe(["TM106", "TM106"], string.Join("\n", found));
        found.Select(d => (d.Location.Line, d.Location.Column)).ShouldBe([At(tail, "\">= 60%\""), At(tail, "\"<= 7d\"")], ignoreOrder: true);
    }

    [Theory]
    [InlineData("2026-09-30", true)]
    [InlineData("2026-09", true)]
    [InlineData("2026-Q3", true)]
    [InlineData("Week 6", true)]
    [InlineData("Month 1-3", true)]
    [InlineData("Q3", true)]
    [InlineData("Q3 2026", true)]
    [InlineData("2026 Q4", true)]
    [InlineData("September 2026", true)]
    [InlineData("Sep", true)]
    [InlineData("next sprint", true)]
    [InlineData("Next quarter", true)]
    [InlineData("next spring", false)]
    [InlineData("soon", false)]
    [InlineData("Q5", false)]
    [InlineData("Septober", false)]
    [InlineData("2026-13", false)]
    [InlineData("2026-Q5", false)]
    public void A_due_is_a_date_a_quarter_a_month_a_time_from_the_start_or_the_next_period(string due, bool valid)
    {
        // The shipped schema accepts exactly what the parser does.
        var schemaErrors = new Trailmap.Journeys.Tests.Schema.SchemaChecker(System.Text.Json.JsonDocument.Parse(Trailmap.Journeys.Schema.JourneySchema.Json).RootElement)
            .Check(Trailmap.Journeys.Tests.Schema.YamlToJson.Convert(OneStage + $"roadmap:\n  - {{ id: r, name: R, due: \"{due}\", kpis: [k] }}\n"));
        (schemaErrors.Count == 0).ShouldBe(valid, string.Join("\n", schemaErrors));

        var tail = $"roadmap:\n  - {{ id: r, name: R, due: {due}, kpis: [k] }}\n";
        var found = Diagnostics(tail);
        if (valid)
        {
            found.ShouldBeEmpty(string.Join("\n", found));
        }
        else
        {
            var d = found.ShouldHaveSingleItem();
            (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM005", At(tail, due).Line, At(tail, due).Column));
            d.Message.ShouldContain("2026-Q3");
        }
    }

    [Fact]
    public void An_undated_roadmap_item_is_valid_and_every_render_says_it_is_not_dated()
    {
        // Seed 001's "Select 1-2 key optimization opportunities to pilot in the next quarter", and a step with no date.
        var file = JourneyFile.FromText(OneStage + """
            roadmap:
              - { id: pilot, name: Pilot two opportunities, due: next quarter, kpis: [k] }
              - { id: review, name: "Review <personas> & refine", kpis: [k] }
            """);
        file.Diagnostics.ShouldBeEmpty(string.Join("\n", file.Diagnostics));
        var j = file.Journey!;
        j.Roadmap.Select(r => r.Due).ShouldBe(["next quarter", null]);

        HtmlRenderer.Render(j).ShouldContain("Review &lt;personas&gt; &amp; refine");
        SvgRenderer.Render(j).ShouldContain("Review &lt;personas&gt; &amp; refine");
        foreach (var output in new[] { HtmlRenderer.Render(j), SvgRenderer.Render(j), MarkdownRenderer.Render(j), CsvRenderer.Render(j) })
        {
            output.ShouldContain("next quarter");
            output.ShouldContain("not dated");
        }

        // JSON keeps the absence: no due key, never an invented one; the YAML writer leaves it out too.
        var json = System.Text.Json.JsonDocument.Parse(JsonRenderer.Render(j)).RootElement.GetProperty("roadmap");
        json[0].GetProperty("due").GetString().ShouldBe("next quarter");
        json[1].TryGetProperty("due", out _).ShouldBeFalse();
        var again = JourneyFile.FromText(JourneyYamlWriter.Write(j)).Journey!;
        again.Roadmap.Select(r => r.Due).ShouldBe(["next quarter", null]);
    }

    [Fact]
    public void A_trigger_needs_its_kind_and_trigger_ids_are_unique()
    {
        const string tail = """
            triggers:
              - { id: x, name: X }
              - { id: t, name: T, kind: natural }
              - { id: t, name: U, kind: engineered }
            """;
        var found = Diagnostics(tail);
        found.Select(d => d.Code).ShouldBe(["TM003", "TM006"], ignoreOrder: true, string.Join("\n", found));
        found.Single(d => d.Code == "TM003").Message.ShouldContain("natural");
        var duplicate = found.Single(d => d.Code == "TM006");
        // At the second id's value: the "t" six characters after the "{" of the line with "name: U".
        (duplicate.Location.Line, duplicate.Location.Column).ShouldBe((At(tail, "name: U").Line, At(tail, "{ id: t, name: U").Column + 6));
    }

    [Fact]
    public void Lint_warns_on_an_unlinked_roadmap_item_and_a_target_free_activation_path()
    {
        const string tail = """
            activation_paths:
              - { id: ap, name: AP, definition: Three teammates }
            roadmap:
              - { id: r, name: R, due: Week 2 }
            """;
        var found = Diagnostics(tail);
        found.Select(d => (d.Code, d.Severity)).ShouldBe([("TM109", Severity.Warning), ("TM108", Severity.Warning)], ignoreOrder: true, string.Join("\n", found));
    }

    [Fact]
    public void The_guides_examples_are_taken_from_the_sample_so_they_validate()
    {
        var guide = File.ReadAllText(TestPaths.Repo("docs", "journey-format.md")).ReplaceLineEndings("\n");
        var start = guide.IndexOf("## Journey-wide parts\n", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0);
        var section = guide[start..guide.IndexOf("\n## ", start + 5, StringComparison.Ordinal)];
        var sample = File.ReadAllText(SamplePath).ReplaceLineEndings("\n");
        var blocks = YamlBlock().Matches(section).Select(m => m.Groups["yaml"].Value).ToList();
        blocks.Count.ShouldBe(8);
        foreach (var block in blocks)
        {
            sample.ShouldContain(block);
        }
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
    public void Every_render_shows_every_part(string format)
    {
        var output = Render(format, Sample());
        // Single words, so text wrapped over lines in the SVG still matches.
        string[] words =
        [
            "Book from the signup page", // touchpoint fix
            "30-minute call", // touchpoint ideal
            "delight", "optimization", // opportunity kinds
            "engineered", "Mondays", // trigger
            "referrer", "first year", // program rewards
            "referral report", // program tracking
            "accept the invite", // activation choke point
            "Day-2 checklist", // cohort action
            "referral program", "2026-03-31", // roadmap
        ];
        foreach (var word in words)
        {
            output.ShouldContain(word, customMessage: $"{format} lacks '{word}'");
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Hostile_text_in_the_new_parts_stays_text(string format)
    {
        var payload = Rendering.RenderingFixtures.Payload;
        var yaml = File.ReadAllText(SamplePath)
            .Replace("Book from the signup page; import before the call", $"'{payload}'", StringComparison.Ordinal)
            .Replace("Sent on Mondays with the team's progress", $"'{payload}'", StringComparison.Ordinal)
            .Replace("One month free", $"'{payload}'", StringComparison.Ordinal)
            .Replace("Launch the referral program", $"'{payload}'", StringComparison.Ordinal);
        var file = JourneyFile.FromText(yaml);
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        var output = Render(format, file.Journey!);

        if (format is "html" or "svg" or "markdown")
        {
            output.ShouldNotContain("<script>alert");
            output.ShouldNotContain("<img src=x");
        }

        if (format == "svg")
        {
            Should.NotThrow(() => XDocument.Parse(output));
        }

        if (format == "json")
        {
            // JSON carries the text as data; the payload comes back whole from every place it was written.
            Regex.Matches(output, Regex.Escape("alert(1)</script>")).Count.ShouldBe(4);
        }
    }

    [Fact]
    public void The_svg_canvas_holds_every_card()
    {
        var svg = XDocument.Parse(SvgRenderer.Render(Sample()));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var height = double.Parse(svg.Root!.Attribute("height")!.Value, CultureInfo.InvariantCulture);
        var width = double.Parse(svg.Root!.Attribute("width")!.Value, CultureInfo.InvariantCulture);
        var boxes = svg.Descendants(ns + "rect").Where(r => r.Attribute("class")?.Value == "card-box").ToList();

        // One setup-call card, two triggers, one program, one activation path, two cohorts, four roadmap items.
        boxes.Count.ShouldBe(11);
        foreach (var box in boxes)
        {
            double A(string name) => double.Parse(box.Attribute(name)!.Value, CultureInfo.InvariantCulture);
            (A("y") + A("height")).ShouldBeLessThanOrEqualTo(height);
            (A("x") + A("width")).ShouldBeLessThanOrEqualTo(width);
        }
    }

    [Fact]
    public void The_critical_touchpoints_rank_leads_its_detail_card()
    {
        var md = MarkdownRenderer.Render(Sample());
        md.ShouldContain("### Setup call\n\n- **Critical:** critical #1: Decides activation\n- **Stages:** Onboard; Activate\n");
    }

    [Fact]
    public void The_setup_call_spans_the_onboard_and_activate_columns_in_html_and_svg()
    {
        var j = Sample();

        // Stages: discover, onboard, activate. The setup call is written in onboard with stages: [activate].
        var html = HtmlRenderer.Render(j);
        html.ShouldContain("<div class=\"span-gap span-1\" aria-hidden=\"true\"></div><div class=\"item touchpoint spanning span-2 frontstage\" data-touchpoint=\"setup-call\" data-first=\"onboard\" data-last=\"activate\">");
        html.ShouldContain(".spans.cols-3 { grid-template-columns: repeat(3, minmax(0, 1fr)); }");
        Regex.Count(html, "<span class=\"item-title\">Setup call</span>").ShouldBe(1);

        // Printed two stages a page (blocks of 2 and 1): each block draws its part, one column each.
        var printed = HtmlRenderer.Render(j, null, 2);
        Regex.Count(printed, "data-touchpoint=\"setup-call\"").ShouldBe(2);
        printed.ShouldContain("<div class=\"span-gap span-1\" aria-hidden=\"true\"></div><div class=\"item touchpoint spanning span-1 frontstage\" data-touchpoint=\"setup-call\"");
        printed.ShouldContain("<div class=\"spans cols-1\"><div class=\"item touchpoint spanning span-1 frontstage\" data-touchpoint=\"setup-call\"");

        // SVG: margin 24 + labels 132 + one column of 232 + cell padding 10 = 398; two columns less both paddings = 444.
        var svg = XDocument.Parse(SvgRenderer.Render(j));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var span = svg.Descendants(ns + "g").Single(g => g.Attribute("data-touchpoint")?.Value == "setup-call");
        var box = span.Element(ns + "rect")!;
        (box.Attribute("x")!.Value, box.Attribute("width")!.Value).ShouldBe(("398", "444"));
        span.Elements(ns + "text").First().Value.ShouldBe("Setup call");
        // Its only other text is the title of its detail card.
        svg.Descendants(ns + "text").Count(t => t.Value == "Setup call" && t.Attribute("class")?.Value == "txt").ShouldBe(1);
    }

    [Fact]
    public void Written_yaml_reads_back_to_the_same_journey()
    {
        var j = Sample();
        var again = JourneyFile.FromText(JourneyYamlWriter.Write(j));
        again.Diagnostics.ShouldBeEmpty(string.Join("\n", again.Diagnostics));
        JsonRenderer.Render(again.Journey!).ShouldBe(JsonRenderer.Render(j));
    }

    [GeneratedRegex(@"```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
