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
/// Durations as journey documents write them ("15 seconds", "&lt; 2 minutes", "response &lt; 24h", "2-3 days"): one
/// value with an optional bound, on stages, touchpoints and actions, and in duration targets. Every number of seconds
/// below is worked out by hand: a minute is 60 s, an hour 3,600 s, a day 86,400 s, a week 604,800 s.
/// </summary>
public sealed class TimingTests
{
    [Theory]
    [InlineData("15 seconds", TimingBound.Exactly, 15.0, 15.0, false, null)]
    [InlineData("15s", TimingBound.Exactly, 15.0, 15.0, false, null)]
    [InlineData("1.5 hours", TimingBound.Exactly, 5400.0, 5400.0, false, null)]
    [InlineData("an hour", TimingBound.Exactly, 3600.0, 3600.0, false, null)]
    [InlineData("< 2 minutes", TimingBound.AtMost, null, 120.0, true, null)]
    [InlineData("<2m", TimingBound.AtMost, null, 120.0, true, null)]
    [InlineData("within 5 minutes", TimingBound.AtMost, null, 300.0, false, null)]
    [InlineData("Within  5   Minutes", TimingBound.AtMost, null, 300.0, false, null)]
    [InlineData("under 1 hour", TimingBound.AtMost, null, 3600.0, true, null)]
    [InlineData("at most 1h", TimingBound.AtMost, null, 3600.0, false, null)]
    [InlineData("≤ 2 weeks", TimingBound.AtMost, null, 1209600.0, false, null)]
    [InlineData("> 2m", TimingBound.AtLeast, 120.0, null, true, null)]
    [InlineData("at least 3 days", TimingBound.AtLeast, 259200.0, null, false, null)]
    [InlineData("90+ days", TimingBound.AtLeast, 7776000.0, null, false, null)]
    [InlineData("90 days+", TimingBound.AtLeast, 7776000.0, null, false, null)]
    [InlineData("2-3 days", TimingBound.Between, 172800.0, 259200.0, false, null)]
    [InlineData("2 – 3 days", TimingBound.Between, 172800.0, 259200.0, false, null)]
    [InlineData("2 to 3 days", TimingBound.Between, 172800.0, 259200.0, false, null)]
    [InlineData("between 2 and 3 days", TimingBound.Between, 172800.0, 259200.0, false, null)]
    [InlineData("30m-2h", TimingBound.Between, 1800.0, 7200.0, false, null)]
    [InlineData("response < 24h", TimingBound.AtMost, null, 86400.0, true, "response")]
    [InlineData("first reply within 2 hours", TimingBound.AtMost, null, 7200.0, false, "first reply")]
    public void A_timing_reads_its_bound_and_its_spans_and_keeps_the_text_as_written(
        string text, TimingBound bound, double? min, double? max, bool strict, string? subject)
    {
        Timing.TryParse(text, out var t, out var error).ShouldBeTrue(error);

        (t.Bound, t.Min?.TotalSeconds, t.Max?.TotalSeconds, t.Strict, t.Subject).ShouldBe((bound, min, max, strict, subject));
        t.Text.ShouldBe(text.Trim());
    }

    [Theory]
    [InlineData("", "the timing is empty")]
    [InlineData("15", "has no unit of time")]
    [InlineData("3 parsecs", "'parsecs' in '3 parsecs' is not a unit of time")]
    [InlineData("soon", "is not a timing")]
    [InlineData("-3 days", "is not a timing")]
    [InlineData("3-2 days", "runs backwards")]
    [InlineData("response 24h", "is not a timing")]
    [InlineData("36501 days", "longer than 36,500 days")]
    [InlineData("5300 weeks", "longer than 36,500 days")]
    [InlineData("999999999 weeks", "longer than 36,500 days")]
    [InlineData("1234567890123 days", "is not a timing")]
    public void A_timing_that_does_not_read_says_why_and_lists_the_accepted_forms(string text, string why)
    {
        Timing.TryParse(text, out _, out var error).ShouldBeFalse();

        error.ShouldContain(why);
        error.ShouldContain("within 5 minutes");
        error.ShouldContain("2-3 days");
    }

    [Fact]
    public void The_longest_accepted_span_is_100_years_and_the_longest_text_100_characters()
    {
        // 36,500 days × 86,400 s = 3,153,600,000 s.
        Timing.Parse("36500 days").Max!.Value.TotalSeconds.ShouldBe(3_153_600_000d);

        var longest = "a" + new string(' ', 88) + "< 2 minutes"; // 1 + 88 + 11 = 100 characters
        longest.Length.ShouldBe(100);
        Timing.TryParse(longest, out _, out _).ShouldBeTrue();
        Timing.TryParse(longest + " ", out _, out var error).ShouldBeFalse();
        error.ShouldContain("101 characters long; a timing is at most 100");
    }

    [Fact]
    public void A_duration_beyond_100_years_is_refused_rather_than_overflowing()
    {
        // TimeSpan ends near 29,227 years: without the limit this would throw instead of reporting.
        Duration.TryParse("99999999999999999999d", out _).ShouldBeFalse();
        Duration.TryParse("36500d", out var d).ShouldBeTrue();
        d.TotalSeconds.ShouldBe(3_153_600_000d);
    }

    [Theory]
    [InlineData("within 5 minutes", TargetComparison.AtMost, 300.0, null)]
    [InlineData("under 2 hours", TargetComparison.LessThan, 7200.0, null)]
    [InlineData("at least 3 days", TargetComparison.AtLeast, 259200.0, null)]
    [InlineData("90+ days", TargetComparison.AtLeast, 7776000.0, null)]
    [InlineData("more than 2 minutes", TargetComparison.MoreThan, 120.0, null)]
    [InlineData("2-3 days", TargetComparison.Between, 172800.0, 259200.0)]
    [InlineData("< 1h", TargetComparison.LessThan, 3600.0, null)]
    public void A_duration_target_accepts_the_bounded_timings(string text, TargetComparison comparison, double value, double? upper)
    {
        Target.TryParse(text, out var t, out var error).ShouldBeTrue(error);

        (t.Comparison, t.Value, t.UpperValue, t.Unit, t.Text).ShouldBe((comparison, value, upper, TargetUnit.Duration, text));
    }

    [Theory]
    [InlineData("5 minutes")] // no direction: a time can be a ceiling or a floor
    [InlineData("response < 24h")] // a target measures its KPI, so it names nothing else
    public void A_duration_target_needs_a_bound_and_no_subject(string text) =>
        Target.TryParse(text, out _, out _).ShouldBeFalse();

    [Fact]
    public void A_target_in_words_is_judged_like_the_same_target_in_signs()
    {
        // "within 5 minutes" is at most 300 s: 300 meets it, 301 is within 10% of it (at risk), 400 misses.
        var t = Target.Parse("within 5 minutes");
        (t.Evaluate(300), t.Evaluate(301), t.Evaluate(400)).ShouldBe((TargetStatus.Met, TargetStatus.AtRisk, TargetStatus.Missed));
        var range = Target.Parse("2-3 days");
        (range.Evaluate(2.5 * 86400), range.Evaluate(86400)).ShouldBe((TargetStatus.Met, TargetStatus.Missed));
    }

    private const string Yaml = """
        id: j
        title: J
        stages:
          - id: a
            name: A
            timing: "2-3 days"
            touchpoints:
              - { id: support, name: Support email, channel: email, timing: "response < 24h" }
            actions:
              - { name: Complete purchase, timing: "< 2 minutes" }
        activation_paths:
          - { id: first-win, name: First win, stage: a, time_to_value: "under 1 hour" }
        """;

    [Fact]
    public void Stages_touchpoints_actions_and_time_to_value_take_a_timing()
    {
        var file = JourneyFile.FromText(Yaml);
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        var stage = file.Journey!.Stages.Single();

        (stage.Timing!.Bound, stage.Timing.Min!.Value.TotalSeconds, stage.Timing.Max!.Value.TotalSeconds).ShouldBe((TimingBound.Between, 172800d, 259200d));
        (stage.Touchpoints[0].Timing!.Subject, stage.Touchpoints[0].Timing!.Max!.Value.TotalSeconds).ShouldBe(("response", 86400d));
        stage.Actions[0].Timing!.Max!.Value.TotalSeconds.ShouldBe(120);
        var ttv = file.Journey.ActivationPaths.Single().TimeToValue!;
        (ttv.Comparison, ttv.Value, ttv.Unit).ShouldBe((TargetComparison.LessThan, 3600d, TargetUnit.Duration));
    }

    [Theory]
    // Line 6 is '    timing: "2 - 3 fortnights"': the value's quote is at column 13.
    [InlineData("timing: \"2-3 days\"", "timing: \"2 - 3 fortnights\"", 6, 13, "'fortnights' in '2 - 3 fortnights' is not a unit of time")]
    // Line 8: '      - { id: support, name: Support email, channel: email, timing: ' is 68 characters.
    [InlineData("timing: \"response < 24h\"", "timing: \"response soon\"", 8, 69, "'response soon' is not a timing")]
    // Line 10: '      - { name: Complete purchase, timing: ' is 43 characters.
    [InlineData("timing: \"< 2 minutes\"", "timing: \"< 2000000 weeks\"", 10, 44, "longer than 36,500 days")]
    public void A_timing_that_does_not_read_is_an_error_at_its_value(string good, string bad, int line, int column, string why)
    {
        var file = JourneyFile.FromText(Yaml.Replace(good, bad, StringComparison.Ordinal));

        var error = file.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldHaveSingleItem();
        (error.Severity, error.Code, error.Location.Line, error.Location.Column).ShouldBe((Severity.Error, "TM009", line, column));
        error.Message.ShouldContain("'timing' in");
        error.Message.ShouldContain(why);
    }

    [Fact]
    public void A_time_to_value_in_words_that_does_not_read_is_an_error_at_its_value()
    {
        var file = JourneyFile.FromText(Yaml.Replace("\"under 1 hour\"", "\"under an aeon\"", StringComparison.Ordinal));

        var error = file.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldHaveSingleItem();
        // Line 12: '  - { id: first-win, name: First win, stage: a, time_to_value: ' is 63 characters.
        (error.Code, error.Location.Line, error.Location.Column).ShouldBe(("TM010", 12, 64));
        error.Message.ShouldContain("within 5 minutes");
    }

    [Fact]
    public void Every_render_shows_each_timing_as_written_and_escaped()
    {
        var j = JourneyFile.FromText(Yaml).Journey!;
        var html = HtmlRenderer.Render(j);
        html.ShouldContain("<span class=\"timeframe timing\" title=\"Time in the stage\">⏱ 2-3 days</span>");
        html.ShouldContain("<span class=\"chip timing\" title=\"Timing response &lt; 24h\">⏱ response &lt; 24h</span>");
        html.ShouldContain("⏱ &lt; 2 minutes</span>");

        var svgText = string.Join(" ", Regex.Matches(SvgRenderer.Render(j), "<text[^>]*>([^<]*)</text>").Select(m => m.Groups[1].Value));
        svgText.ShouldContain("⏱ 2-3 days");
        svgText.ShouldContain("⏱ response &lt; 24h");
        svgText.ShouldContain("⏱ &lt; 2 minutes");

        var csv = CsvRenderer.Render(j);
        csv.ShouldContain("time in stage: 2-3 days");
        csv.ShouldContain("Support email (email, timing response < 24h)");
        csv.ShouldContain("Complete purchase (takes < 2 minutes)");
        var markdown = MarkdownRenderer.Render(j);
        markdown.ShouldContain("time in stage: 2-3 days");
        markdown.ShouldContain("Support email (email, timing response &lt; 24h)");

        using var json = JsonDocument.Parse(JsonRenderer.Render(j));
        var stage = json.RootElement.GetProperty("stages")[0];
        stage.GetProperty("timing").GetString().ShouldBe("2-3 days");
        stage.GetProperty("touchpoints")[0].GetProperty("timing").GetString().ShouldBe("response < 24h");
        stage.GetProperty("actions")[0].GetProperty("timing").GetString().ShouldBe("< 2 minutes");

        // Written back, the file reads to the same timings.
        var again = JourneyFile.FromText(JourneyYamlWriter.Write(j)).Journey!.Stages.Single();
        (again.Timing!.Text, again.Touchpoints[0].Timing!.Text, again.Actions[0].Timing!.Text).ShouldBe(("2-3 days", "response < 24h", "< 2 minutes"));
    }

    [Theory]
    [InlineData("15 seconds", true)]
    [InlineData("< 2 minutes", true)]
    [InlineData("response < 24h", true)]
    [InlineData("first reply within 2 hours", true)]
    [InlineData("2-3 days", true)]
    [InlineData("between 2 and 3 days", true)]
    [InlineData("90+ days", true)]
    [InlineData("an hour", true)]
    [InlineData("soon", false)]
    [InlineData("15", false)]
    [InlineData("3 parsecs", false)]
    [InlineData("response 24h", false)]
    public void The_json_schema_accepts_the_timings_the_parser_reads(string timing, bool accepted)
    {
        var yaml = Yaml.Replace("\"response < 24h\"", $"\"{timing}\"", StringComparison.Ordinal);
        Timing.TryParse(timing, out _, out _).ShouldBe(accepted);

        var problems = new SchemaChecker(JsonDocument.Parse(JourneySchema.Json).RootElement).Check(YamlToJson.Convert(yaml));

        (problems.Count == 0).ShouldBe(accepted, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("within 5 minutes", true)]
    [InlineData("2-3 days", true)]
    [InlineData("90+ days", true)]
    [InlineData("5 minutes", false)]
    [InlineData("response < 24h", false)]
    public void The_json_schema_accepts_the_time_targets_the_parser_reads(string target, bool accepted)
    {
        var yaml = Yaml.Replace("\"under 1 hour\"", $"\"{target}\"", StringComparison.Ordinal);
        Target.TryParse(target, out _, out _).ShouldBe(accepted);

        var problems = new SchemaChecker(JsonDocument.Parse(JourneySchema.Json).RootElement).Check(YamlToJson.Convert(yaml));

        (problems.Count == 0).ShouldBe(accepted, string.Join("\n", problems));
    }

    [Fact]
    public void The_worked_example_in_the_guide_reads_with_no_error()
    {
        var guide = File.ReadAllText(Tests.Parsing.TestPaths.Repo("docs", "journey-format.md")).ReplaceLineEndings("\n");
        var section = guide[guide.IndexOf("## Timings: durations in words", StringComparison.Ordinal)..];
        var example = Regex.Match(section, "```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline).Groups["yaml"].Value;

        var file = JourneyFile.FromText("id: j\ntitle: J\n" + example);

        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        var purchase = file.Journey!.Stages.Single();
        purchase.Actions.Select(a => a.Timing!.Text).ShouldBe(["15 seconds", "< 2 minutes"]);
        purchase.Touchpoints.Select(t => t.Timing!.Bound).ShouldBe([TimingBound.AtMost, TimingBound.AtMost]);
    }
}

