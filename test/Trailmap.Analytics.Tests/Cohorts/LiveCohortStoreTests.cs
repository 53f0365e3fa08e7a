using Trailmap.Analytics.Cohorts;
using Trailmap.Events;

namespace Trailmap.Analytics.Tests.Cohorts;

/// <summary>
/// A live cohort over a real DuckDB store: after an append it judges only the customers who changed, and its members
/// equal the cohort judged afresh over every event; an identity merge makes it judge everyone again.
/// </summary>
public sealed class LiveCohortStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-live-cohort-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_append_is_judged_for_the_changed_customers_only()
    {
        var cohort = CohortMembershipTests.Parse("- id: active\n  did: [{ event: used, at_least: 2 }]\n  did_not: [churned]")[0];
        using var store = EventStore.Open(":memory:");

        // u00..u19 signed up; u00..u09 used the product twice: 10 members of 20 customers.
        var first = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            first.Add(Row($"u{i:00}", "signed_up", "2024-01-01T00:00:00Z"));
            if (i < 10)
            {
                first.Add(Row($"u{i:00}", "used", "2024-01-02T00:00:00Z"));
                first.Add(Row($"u{i:00}", "used", "2024-01-03T00:00:00Z"));
            }
        }

        Import(store, "first.jsonl", first);
        var live = new LiveCohort(cohort);
        live.Refresh(store);
        live.Members.Count.ShouldBe(10);
        live.CustomersJudged.ShouldBe(20);

        // u10 uses it twice (joins), u00 churns (leaves): two customers changed, so two more judged, not 20.
        Import(store, "second.jsonl", [
            Row("u10", "used", "2024-01-04T00:00:00Z"), Row("u10", "used", "2024-01-05T00:00:00Z"),
            Row("u00", "churned", "2024-01-05T00:00:00Z")]);
        live.Refresh(store);
        live.CustomersJudged.ShouldBe(22);
        live.FullJudgements.ShouldBe(1);
        live.Members.Order(StringComparer.Ordinal).ShouldBe([.. Enumerable.Range(1, 10).Select(i => $"u{i:00}")]);
        live.Members.ShouldBe(CohortAnalysis.Members(store.LoadEventLog(), cohort), ignoreOrder: true);

        // Nothing new: nothing judged.
        live.Refresh(store);
        live.CustomersJudged.ShouldBe(22);

        // u11 is aliased to u10: the two are one customer now, 19 in all, all judged again; u11's id leaves the log.
        Import(store, "alias.jsonl", ["""{"type":"alias","previousId":"u11","userId":"u10","messageId":"m1","timestamp":"2024-01-06T00:00:00Z"}"""]);
        live.Refresh(store);
        live.FullJudgements.ShouldBe(2);
        live.CustomersJudged.ShouldBe(22 + 19);
        live.Members.ShouldBe(CohortAnalysis.Members(store.LoadEventLog(), cohort), ignoreOrder: true);
        live.Members.Count.ShouldBe(10);
    }

    private static string Row(string customer, string name, string time) =>
        $$"""{"user_id":"{{customer}}","event":"{{name}}","timestamp":"{{time}}"}""";

    private void Import(EventStore store, string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, lines);
        EventImporter.Import(store, [path], cancel: Cancel);
    }
}
