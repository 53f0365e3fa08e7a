using System.Text.Json;
using Shouldly;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Tests.Schema;
using Trailmap.Journeys.Writing;
using Xunit;

namespace Trailmap.Journeys.Tests.Model;

/// <summary>
/// KPI targets written as a change from a baseline ("reduce time-to-value from 14 days to 3", "+20% vs last quarter",
/// "cut churn by 30%"): the target each sets, its located errors, its renders and its comparison with an actual.
/// </summary>
public sealed class TargetChangeTests
{
    private static string Yaml(string kpi) => $$"""
        id: j
        title: T
        stages:
          - id: a
            name: A
            entry: Signed Up
            kpis:
              - { id: k, name: K, {{kpi}} }
        """;

    private static Metric Kpi(string kpi)
    {
        var file = JourneyFile.FromText(Yaml(kpi));
        file.Diagnostics.Where(d => d.Severity == Trailmap.Journeys.Validation.Severity.Error).ShouldBeEmpty(string.Join("\n", file.Diagnostics));
        return file.Journey!.Stages[0].Kpis[0];
    }

    [Theory]
    // 12% raised by 20% of itself: 12 × 1.2 = 14.4%, at least.
    [InlineData("type: rate, event: X, baseline: 12%, change: +20%", TargetComparison.AtLeast, 0.144, TargetUnit.Percent)]
    // Churn 5% cut by 30%: 5 × 0.7 = 3.5%, at most.
    [InlineData("type: rate, event: X, baseline: 5%, change: -30%", TargetComparison.AtMost, 0.035, TargetUnit.Percent)]
    // 14 days cut by 11 days: 3 days = 259,200 s, at most.
    [InlineData("type: time-between, from: { event: S }, to: { event: V }, baseline: 14d, change: -11d", TargetComparison.AtMost, 259200.0, TargetUnit.Duration)]
    // 40% plus 5 percentage points: 45%.
    [InlineData("type: rate, event: X, baseline: 40%, change: +5pp", TargetComparison.AtLeast, 0.45, TargetUnit.Percent)]
    // 8 reviews plus 2: 10.
    [InlineData("type: count, event: Review Posted, baseline: 8, change: +2", TargetComparison.AtLeast, 10.0, TargetUnit.Number)]
    public void A_change_from_a_baseline_sets_the_target(string kpi, TargetComparison comparison, double value, TargetUnit unit)
    {
        var m = Kpi(kpi);
        m.TargetFromChange.ShouldBeTrue();
        var t = m.Target.ShouldNotBeNull();
        (t.Comparison, t.Unit).ShouldBe((comparison, unit));
        t.Value.ShouldBe(value, 1e-9);
    }

    [Fact]
    public void A_baseline_beside_a_written_target_and_a_change_alone_are_kept_as_stated()
    {
        // "Reduce time-to-value from 14 days to 3": the target is written, the baseline is where it starts.
        var ttv = Kpi("type: time-between, from: { event: S }, to: { event: V }, target: \"<= 3d\", baseline: 14d");
        (ttv.Target!.Text, ttv.BaselineNote, ttv.TargetFromChange).ShouldBe(("<= 3d", "from 14d", false));
        // "Cut churn by 30%" with no number for today: no target can be computed, and none is invented.
        var churn = Kpi("type: rate, event: X, change: -30%");
        churn.Target.ShouldBeNull();
        churn.BaselineNote.ShouldBe("-30%, no baseline");
    }

    [Theory]
    [InlineData("baseline: 12%, change: 20%", "change: 20%", "with its sign")]
    [InlineData("baseline: lots, change: +20%", "baseline: lots", "not a baseline")]
    [InlineData("baseline: 14d, change: +5pp", "change: +5pp", "baseline's unit")]
    [InlineData("baseline: 5%, change: -100%", "change: -100%", "above -100%")]
    [InlineData("target: \">= 10%\", baseline: 5%, change: +20%", "change: +20%", "both 'target' and 'change'")]
    public void A_bad_baseline_or_change_is_reported_at_its_value(string keys, string at, string says)
    {
        var yaml = Yaml("type: rate, event: X, " + keys);
        var d = JourneyFile.FromText(yaml).Diagnostics.Where(x => x.Code == "TM005").ShouldHaveSingleItem();
        d.Message.ShouldContain(says);
        var lines = yaml.Split('\n');
        // The KPI is on line 8 (id, title, stages, - id, name, entry, kpis, then it); the value starts after the key and ": ".
        d.Location.Line.ShouldBe(8);
        d.Location.Column.ShouldBe(lines[7].IndexOf(at, StringComparison.Ordinal) + at.IndexOf(':', StringComparison.Ordinal) + 3);
    }

    [Fact]
    public void Renders_print_the_target_with_its_baseline_and_the_actual_is_compared_with_the_computed_target()
    {
        var file = JourneyFile.FromText(Yaml("type: rate, event: X, baseline: 5%, change: -30%"));
        var j = file.Journey!;
        // Computed: at most 3.5%. A measured 4% misses it by 0.5 points, more than 10% of 3.5 (0.35): missed.
        var kpi = j.Stages[0].Kpis[0];
        kpi.Target!.Evaluate(0.04).ShouldBe(TargetStatus.Missed);
        // As the analyzer stores it (its status from the KPI's target); HTML and SVG compare again, CSV and Markdown print it.
        var actuals = new JourneyActuals { Journey = "j", Kpis = [new KpiActual { Id = "k", Actual = 0.04, Status = kpi.Target.Evaluate(0.04) }] };
        foreach (var (format, output) in new[] { ("html", HtmlRenderer.Render(j, actuals)), ("svg", SvgRenderer.Render(j, actuals)), ("markdown", MarkdownRenderer.Render(j, actuals)), ("csv", CsvRenderer.Render(j, actuals)) })
        {
            foreach (var expected in new[] { "3.5%", "-30% from 5%", "missed" })
            {
                output.ShouldContain(expected, customMessage: $"{format} lacks '{expected}'");
            }
        }

        var json = JsonDocument.Parse(JsonRenderer.Render(j)).RootElement.GetProperty("stages")[0].GetProperty("kpis")[0];
        (json.GetProperty("baseline").GetString(), json.GetProperty("change").GetString(), json.GetProperty("target").GetString()).ShouldBe(("5%", "-30%", "<= 3.5%"));

        // Written back as the document wrote it: baseline and change, no target beside them (which would be an error).
        var again = JourneyFile.FromText(JourneyYamlWriter.Write(j));
        again.HasErrors.ShouldBeFalse(string.Join("\n", again.Diagnostics));
        again.Journey!.Stages[0].Kpis[0].Target!.Value.ShouldBe(0.035, 1e-9);

        var schema = new SchemaChecker(JsonDocument.Parse(Trailmap.Journeys.Schema.JourneySchema.Json).RootElement);
        schema.Check(YamlToJson.Convert(Yaml("type: rate, event: X, baseline: 5%, change: -30%"))).ShouldBeEmpty();
        schema.Check(YamlToJson.Convert(Yaml("type: rate, event: X, baseline: 5%, change: 30%"))).ShouldNotBeEmpty();
    }

    [Fact]
    public void The_guides_example_reads_with_the_targets_it_explains()
    {
        var guide = File.ReadAllText(Trailmap.Journeys.Tests.Parsing.TestPaths.Repo("docs", "journey-format.md")).ReplaceLineEndings("\n");
        var start = guide.IndexOf("### Targets as a change from a baseline\n", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0);
        var blockStart = guide.IndexOf("```yaml\n", start, StringComparison.Ordinal) + 8;
        var block = guide[blockStart..guide.IndexOf("```", blockStart, StringComparison.Ordinal)];
        var yaml = "id: j\ntitle: T\nstages:\n  - id: a\n    name: A\n" + string.Join("\n", block.Split('\n').Select(l => "    " + l));
        var file = JourneyFile.FromText(yaml);
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        // The comments' arithmetic: <= 3d as written, >= 14.4%, <= 3.5%, >= 45%.
        file.Journey!.Stages[0].Kpis.Select(k => k.Target!.Text).ShouldBe(["<= 3d", ">= 14.4%", "<= 3.5%", ">= 45%"]);
    }
}
