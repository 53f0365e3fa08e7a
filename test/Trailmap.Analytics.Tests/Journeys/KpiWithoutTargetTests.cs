using System.Text.Json;
using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Analytics.Tests.Journeys;

/// <summary>A KPI measured without a target reads its actual and "no target", never "no data".</summary>
public sealed class KpiWithoutTargetTests
{
    private const string Yaml = """
        id: t
        title: Tiny
        stages:
          - id: visit
            name: Visit
            entry: Visited
            kpis:
              - { id: visits, name: Visits, type: count, event: Visited }
              - { id: signups, name: Signups, type: count, event: Signed Up }
              - { id: paid, name: Payments, type: count, event: Paid, target: ">= 1" }
        """;

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static JourneyAnalysis Analyze()
    {
        var journey = JourneyFile.FromText(Yaml).Journey!;
        var b = new EventLogBuilder();
        // Three Visited events (c1 twice, c2 once), no Signed Up, no Paid.
        b.Add("c1", "Visited", T0, null);
        b.Add("c1", "Visited", T0.AddHours(1), null);
        b.Add("c2", "Visited", T0.AddHours(2), null);
        return JourneyAnalyzer.Analyze(journey, b.Build());
    }

    [Fact]
    public void A_measured_kpi_without_a_target_reads_no_target_and_an_unmeasured_one_no_data()
    {
        var k = Analyze().Kpis.ToDictionary(x => x.Id);
        // 3 Visited events, nothing to compare with.
        k["visits"].Actual.ShouldBe(3);
        k["visits"].Display.ShouldBe("3");
        k["visits"].StatusWord.ShouldBe("no target");
        // No Signed Up events: a count of 0 is still a measured actual.
        k["signups"].Actual.ShouldBe(0);
        k["signups"].StatusWord.ShouldBe("no target");
        // 0 Paid events against >= 1: missed, the target decides.
        k["paid"].StatusWord.ShouldBe("missed");
    }

    [Fact]
    public void The_markdown_report_prints_the_actual_with_no_target()
    {
        var md = AnalysisMarkdown.Render(Analyze());
        // The Markdown escape writes the "-" of a missing target as "\-" and ">" as "&gt;".
        var rows = md.Split('\n');
        rows.Single(r => r.StartsWith("| Visits |", StringComparison.Ordinal)).ShouldBe("| Visits | visit | \\- | 3 | no target | 3 events |");
        rows.Single(r => r.StartsWith("| Payments |", StringComparison.Ordinal)).ShouldBe("| Payments | visit | &gt;= 1 | 0 | missed | 0 events |");
        md.ShouldNotContain("no data");
    }

    [Fact]
    public void The_json_status_of_a_measured_kpi_without_a_target_is_no_target_and_survives_the_actuals_file()
    {
        var analysis = Analyze();
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(analysis, TrailmapJson.Options));
        var kpis = json.RootElement.GetProperty("kpis").EnumerateArray().ToDictionary(k => k.GetProperty("id").GetString()!);
        // Visits was measured (3) with nothing to compare: no-target, not no-data.
        kpis["visits"].GetProperty("status").GetString().ShouldBe("no-target");
        kpis["visits"].GetProperty("actual").GetDouble().ShouldBe(3);
        kpis["paid"].GetProperty("status").GetString().ShouldBe("missed");

        var actuals = JourneyActuals.Read(JsonSerializer.Serialize(analysis.ToActuals(T0), TrailmapJson.Options));
        actuals.ForKpi("visits")!.Status.ShouldBe(Trailmap.Journeys.Model.TargetStatus.NoTarget);
        actuals.ForKpi("visits")!.Actual.ShouldBe(3);
    }
}
