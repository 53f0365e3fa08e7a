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
/// The customer's goal and motivations, customer states, journey-wide opportunities, message bodies, cadences and
/// steps finer than a day: read as written, validated with located errors, and shown by every render.
/// </summary>
public sealed partial class CustomerSidePartsTests
{
    private const string Journey = """
        id: j
        title: J
        customer_states:
          - { name: Stranger, description: Unaware, stages: [a] }
          - { id: fan, name: Advocate, description: Evangelist, stages: [a, b] }
        opportunities:
          - { text: Shorter checkout, kind: optimization, priority: high, addresses: [slow] }
          - { id: community, text: Stronger community }
        stages:
          - id: a
            name: A
            goal: Capture the email
            customer_goal: Find a good course
            motivations: [Learn faster, Lifetime updates]
            entry: Signed Up
            touchpoints:
              - id: news
                name: Newsletter
                channel: email
                cadence: weekly
                share: 40%
                content: |-
                  Subject: Tip of the week
                  Retry logic in three lines
            actions:
              - { name: Attends office hours, cadence: monthly }
              - { name: Reviews a module, cadence: every 2w }
            pain_points:
              - { id: slow, text: Checkout is slow }
            kpis:
              - { id: k, name: K, type: count, event: Signed Up, target: ">= 10" }
          - id: b
            name: B
            entry: Paid
            kpis:
              - { id: k2, name: K2, type: count, event: Paid, target: ">= 1" }
        interventions:
          - id: lapsed
            name: Lapsed
            when: { no_event: Logged In, for: 30d }
            then:
              channel: email
              subject: Miss you
              body: |-
                Hey,
                what would make you come back?
        sequences:
          - id: welcome
            name: Welcome
            trigger: { entered_stage: b }
            steps:
              - { after: 5m, then: { channel: email, subject: Welcome, body: Your key is inside } }
              - { after: 36h, then: { channel: email, subject: Check-in } }
              - { day: 3, then: { channel: email, subject: Day three } }
        """;

    private static Journey Parse(string yaml = Journey)
    {
        var file = JourneyFile.FromText(yaml);
        file.Diagnostics.ShouldBeEmpty(string.Join("\n", file.Diagnostics));
        return file.Journey!;
    }

    private static (int Line, int Column) At(string text, string needle)
    {
        var lines = text.Split('\n');
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
    public void Every_part_reads_as_written()
    {
        var j = Parse();

        j.CustomerStates.Select(c => (c.Id, c.Name, c.Description)).ShouldBe([("stranger", "Stranger", "Unaware"), ("fan", "Advocate", "Evangelist")]);
        j.CustomerStates[1].Stages.ShouldBe(["a", "b"]);
        j.Opportunities.Select(o => o.Id).ShouldBe(["journey-opportunity-1", "community"]);
        (j.Opportunities[0].Kind, j.Opportunities[0].Priority, j.Opportunities[0].Addresses.Single()).ShouldBe((OpportunityKind.Optimization, Level.High, "slow"));

        var a = j.Stages[0];
        (a.Goal, a.CustomerGoal).ShouldBe(("Capture the email", "Find a good course"));
        a.Motivations.ShouldBe(["Learn faster", "Lifetime updates"]);
        a.Touchpoints[0].Cadence.ShouldBe("weekly");
        a.Touchpoints[0].Share.ShouldBe(0.4);
        a.Touchpoints[0].Content.ShouldBe("Subject: Tip of the week\nRetry logic in three lines");
        a.Actions.Select(x => x.Cadence).ShouldBe(["monthly", "every 2w"]);

        j.Interventions[0].Then.Body.ShouldBe("Hey,\nwhat would make you come back?");
        var steps = j.Sequences[0].Steps;
        // 5 minutes and 36 hours (1.5 days, so whole day 1) are written with 'after'; day 3 is 72 hours.
        steps.Select(s => s.Offset).ShouldBe([TimeSpan.FromMinutes(5), TimeSpan.FromHours(36), TimeSpan.FromHours(72)]);
        steps.Select(s => s.Day).ShouldBe([0, 1, 3]);
        steps.Select(s => s.When).ShouldBe(["after 5m", "after 36h", "Day 3"]);
        steps[0].Then.Body.ShouldBe("Your key is inside");
    }

    [Fact]
    public void A_journey_wide_opportunity_answers_the_pain_points_it_addresses()
    {
        // Without the journey-wide opportunity the pain point 'slow' would have none (TM102).
        var file = JourneyFile.FromText(Journey);
        file.Diagnostics.ShouldNotContain(d => d.Code == "TM102");

        var without = JourneyFile.FromText(Journey.Replace(", addresses: [slow]", "", StringComparison.Ordinal));
        without.Diagnostics.Single(d => d.Code == "TM102").Message.ShouldContain("'slow'");
    }

    [Fact]
    public void Bad_values_are_reported_where_they_are_written()
    {
        var yaml = Journey
            .Replace("cadence: every 2w", "cadence: now and then", StringComparison.Ordinal)
            .Replace("stages: [a, b] }", "stages: [a, no-such-stage] }", StringComparison.Ordinal)
            .Replace("addresses: [slow] }", "addresses: [no-such-pain] }", StringComparison.Ordinal)
            .Replace("{ day: 3, then:", "{ day: 3, after: 2h, then:", StringComparison.Ordinal);
        var found = JourneyFile.FromText(yaml).Diagnostics.Where(d => d.Severity == Severity.Error).ToList();

        var cadence = found.Single(d => d.Message.Contains("not a cadence", StringComparison.Ordinal));
        (cadence.Code, cadence.Location.Line, cadence.Location.Column).ShouldBe(("TM005", At(yaml, "now and then").Line, At(yaml, "now and then").Column));
        var stage = found.Single(d => d.Message.Contains("'no-such-stage'", StringComparison.Ordinal));
        (stage.Code, stage.Location.Line, stage.Location.Column).ShouldBe(("TM007", At(yaml, "no-such-stage").Line, At(yaml, "no-such-stage").Column));
        stage.Message.ShouldContain("customer state 'fan'");
        var pain = found.Single(d => d.Message.Contains("'no-such-pain'", StringComparison.Ordinal));
        (pain.Code, pain.Location.Line, pain.Location.Column).ShouldBe(("TM007", At(yaml, "no-such-pain").Line, At(yaml, "no-such-pain").Column));
        var both = found.Single(d => d.Message.Contains("both 'day' and 'after'", StringComparison.Ordinal));
        (both.Code, both.Location.Line, both.Location.Column).ShouldBe(("TM005", At(yaml, "2h").Line, At(yaml, "2h").Column));
        found.Count.ShouldBe(4, string.Join("\n", found));
    }

    [Fact]
    public void A_step_needs_a_day_or_an_after_and_state_ids_are_unique()
    {
        var yaml = Journey
            .Replace("{ day: 3, then:", "{ then:", StringComparison.Ordinal)
            .Replace("{ id: fan, name: Advocate", "{ id: stranger, name: Advocate", StringComparison.Ordinal);
        var found = JourneyFile.FromText(yaml).Diagnostics;

        found.Single(d => d.Code == "TM003").Message.ShouldContain("step 3 of sequence 'welcome' needs 'day'");
        var duplicate = found.Single(d => d.Code == "TM006");
        duplicate.Message.ShouldContain("customer state");
        duplicate.Location.Line.ShouldBe(At(yaml, "{ id: stranger, name: Advocate").Line);
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
        var output = Render(format, Parse());
        string[] words =
        [
            "Find a good course", // customer goal
            "Learn faster", "Lifetime updates", // motivations
            "Stranger", "Unaware", "Evangelist", // customer states
            "Shorter checkout", "Stronger community", // journey-wide opportunities
            "weekly", "monthly", "every 2w", // cadences
            "Retry logic in three lines", // touchpoint content
            "what would make you come back?", "Your key is inside", // message bodies
            "5m", // a step finer than a day
        ];
        output.ShouldContain(format == "json" ? "\"share\": 0.4" : "40% of customers", customMessage: $"{format} lacks the share");
        foreach (var word in words)
        {
            output.ShouldContain(word, customMessage: $"{format} lacks '{word}'");
        }
    }

    [Fact]
    public void Html_puts_the_customer_goal_under_the_team_goal_and_keeps_a_bodys_lines()
    {
        var html = HtmlRenderer.Render(Parse());

        var head = html.IndexOf("data-stage=\"a\" data-lane=\"stage\"", StringComparison.Ordinal);
        var goal = html.IndexOf("<span class=\"k\">Goal</span> Capture the email", head, StringComparison.Ordinal);
        var customer = html.IndexOf("<p class=\"goal customer-goal\"><span class=\"k\">Customer goal</span> Find a good course</p>", head, StringComparison.Ordinal);
        (head < goal && goal < customer).ShouldBeTrue();
        html.ShouldContain("<div class=\"cell\" data-stage=\"a\" data-lane=\"motivations\">");
        html.ShouldContain("<span class=\"chip cadence\" title=\"Recurs weekly\">↻ weekly</span>");
        html.ShouldContain("<dt>Body</dt><dd>Hey,\nwhat would make you come back?</dd>");
        html.ShouldContain("<span class=\"day\">after 5m</span>");
        html.ShouldContain(".structure.messages dd, .structure.touchpoint-details dd { white-space: pre-line; }");
    }

    [Fact]
    public void Svg_draws_each_line_of_a_body_and_holds_every_card()
    {
        var svg = XDocument.Parse(SvgRenderer.Render(Parse()));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();

        texts.ShouldContain("Hey,");
        texts.ShouldContain("what would make you come back?");
        texts.ShouldContain("Customer: Find a good course");
        svg.Descendants(ns + "g").Count(g => g.Attribute("class")?.Value == "card messages").ShouldBe(2);
        svg.Descendants(ns + "g").Count(g => g.Attribute("class")?.Value == "card customer-states").ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Hostile_text_in_the_new_parts_stays_text(string format)
    {
        var payload = Rendering.RenderingFixtures.Payload;
        var yaml = Journey
            .Replace("Find a good course", $"'{payload}'", StringComparison.Ordinal)
            .Replace("[Learn faster, Lifetime updates]", $"['{payload}']", StringComparison.Ordinal)
            .Replace("description: Unaware", $"description: '{payload}'", StringComparison.Ordinal)
            .Replace("Stronger community", $"'{payload}'", StringComparison.Ordinal)
            .Replace("body: Your key is inside", $"body: '{payload}'", StringComparison.Ordinal);
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
            Regex.Matches(output, Regex.Escape("alert(1)</script>")).Count.ShouldBe(5);
        }
    }

    [Fact]
    public void Written_yaml_reads_back_to_the_same_journey()
    {
        foreach (var j in new[] { Parse(), JourneyFile.Load(TestPaths.Repo("samples", "seed-004-restate.yaml")).Journey! })
        {
            var again = JourneyFile.FromText(JourneyYamlWriter.Write(j));
            again.HasErrors.ShouldBeFalse(string.Join("\n", again.Diagnostics));
            JsonRenderer.Render(again.Journey!).ShouldBe(JsonRenderer.Render(j));
        }
    }

    [Fact]
    public void The_guides_examples_are_taken_from_the_seed_sample_so_they_validate()
    {
        var guide = File.ReadAllText(TestPaths.Repo("docs", "journey-format.md")).ReplaceLineEndings("\n");
        var start = guide.IndexOf("## The customer's side, messages and timing\n", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0);
        var section = guide[start..guide.IndexOf("\n## ", start + 5, StringComparison.Ordinal)];
        var sample = File.ReadAllText(TestPaths.Repo("samples", "seed-004-restate.yaml")).ReplaceLineEndings("\n");
        var blocks = YamlBlock().Matches(section).Select(m => m.Groups["yaml"].Value).ToList();
        blocks.Count.ShouldBe(8);
        foreach (var block in blocks)
        {
            sample.ShouldContain(block);
        }
    }

    [GeneratedRegex(@"```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
