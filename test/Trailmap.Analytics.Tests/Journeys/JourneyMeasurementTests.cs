using CsCheck;
using Trailmap.Analytics.Journeys;
using Trailmap.Analytics.Tests.Funnels;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Journeys;

/// <summary>
/// One measurement per (journey, data): the analysis, the stage entries and the automation's entry table read it, and
/// a measurement of a log that extends an earlier one measures only the customers with new events, with the same
/// figures as measuring everyone afresh.
/// </summary>
public sealed class JourneyMeasurementTests
{
    private static readonly Journey Journey = JourneyFile.FromText("""
        id: m
        title: M
        window: 6s
        stages:
          - { id: s1, name: One, entry: a }
          - { id: s2, name: Two, entry: b }
          - id: s3
            name: Three
            entry: { event: c, within: 3s }
        health:
          components:
            - { id: recency, name: Recency, type: recency, event: a, good: 2s, bad: 8s }
        """).Journey!;

    private static readonly string[] Names = ["a", "b", "c", "x"];

    private static readonly Gen<TestEvent> GenEvent =
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 3], Gen.Int[0, 12], (c, n, t) => new TestEvent($"c{c}", Names[n], t * TestLogs.Second));

    // The events arrive in list order: the first `split` are the stored log, the rest land later and extend it.
    [Fact]
    public void Measuring_an_extended_log_from_the_previous_measurement_equals_measuring_it_afresh()
    {
        Gen.Select(GenEvent.List[0, 14], GenEvent.List[0, 6]).Sample((before, after) =>
        {
            var old = TestLogs.Build(before);
            var delta = new EventLogBuilder();
            for (var i = 0; i < after.Count; i++)
            {
                delta.Add(after[i].Customer, after[i].Name, after[i].Ts, before.Count + i);
            }

            var extended = old.Extend(delta.Build(), null);
            var previous = JourneyMeasurement.Measure(Journey, old);
            var incremental = JourneyMeasurement.Measure(Journey, extended, previous);
            var fresh = JourneyMeasurement.Measure(Journey, TestLogs.Build([.. before, .. after]));
            var oneShot = JourneyMeasurement.Measure(Journey, fresh.Log, entryTimes: false);

            // Only the customers who have new events are measured again.
            incremental.Scanned.ShouldBe(after.Select(e => e.Customer).Distinct().Count());
            fresh.Scanned.ShouldBe(fresh.Log.CustomerCount);
            for (var c = 0; c < extended.CustomerCount; c++)
            {
                var f = fresh.Entries.IndexOf(extended.Customers[c]);
                incremental.Level(c).ShouldBe(fresh.Level(f), extended.Customers[c]);
                for (var k = 0; k < 3; k++)
                {
                    incremental.ChainTime(c, k).ShouldBe(fresh.ChainTime(f, k));
                    incremental.EntryTable.Entered(c, k).ShouldBe(fresh.EntryTable.Entered(f, k));

                    // A measurement that did not keep the entry times finds the same ones when asked.
                    oneShot.EntryTable.Entered(f, k).ShouldBe(fresh.EntryTable.Entered(f, k));
                }
            }

            JourneyAnalyzer.Analyze(incremental).Stages.Select(s => (s.Reached, s.MedianTimeToStageSeconds, s.P90TimeToStageSeconds))
                .ShouldBe(JourneyAnalyzer.Analyze(fresh).Stages.Select(s => (s.Reached, s.MedianTimeToStageSeconds, s.P90TimeToStageSeconds)));
        }, iter: 2000);
    }

    // Hand-computed: u enters One at 0 and Two at 2; v only enters One at 5. A later c at 4 for u (2 s after Two,
    // within its 3 s) takes u to Three; v's new x changes nothing, w is new. Scanned: u, v and w.
    [Fact]
    public void A_new_event_moves_only_its_customer_and_new_customers_are_measured()
    {
        var old = TestLogs.Build([new("u", "a", 0), new("u", "b", 2 * TestLogs.Second), new("v", "a", 5 * TestLogs.Second), new("z", "a", 1 * TestLogs.Second)]);
        var previous = JourneyMeasurement.Measure(Journey, old);
        previous.StageFunnel!.Steps.Select(s => s.Customers).ShouldBe([3L, 1L, 0L]);

        var delta = new EventLogBuilder()
            .Add("u", "c", 4 * TestLogs.Second, 10)
            .Add("v", "x", 6 * TestLogs.Second, 11)
            .Add("w", "a", 7 * TestLogs.Second, 12)
            .Build();
        var next = JourneyMeasurement.Measure(Journey, old.Extend(delta, null), previous);

        next.Scanned.ShouldBe(3);
        next.StageFunnel!.Steps.Select(s => s.Customers).ShouldBe([4L, 1L, 1L]);
        var u = next.Entries.IndexOf("u");
        next.Level(u).ShouldBe(3);
        next.EntryTable.Entered(u, 2).ShouldBe(4 * TestLogs.Second);
        next.Level(next.Entries.IndexOf("z")).ShouldBe(1);
    }

    [Fact]
    public void A_log_that_is_not_an_extension_is_measured_whole()
    {
        var events = new List<TestEvent> { new("u", "a", 0), new("v", "a", TestLogs.Second) };
        var previous = JourneyMeasurement.Measure(Journey, TestLogs.Build(events));

        // The same events loaded again (a full reload, e.g. after an identity merge) share no lineage with the old log.
        var reloaded = TestLogs.Build(events);
        reloaded.Extends(previous.Log).ShouldBeFalse();
        JourneyMeasurement.Measure(Journey, reloaded, previous).Scanned.ShouldBe(2);

        // A log missing a customer's events is no extension either.
        var smaller = TestLogs.Build([new("u", "a", 0)]);
        smaller.Extends(previous.Log).ShouldBeFalse();
    }

    // The health the measurement holds is the one CustomerHealth scores on its own, customer by customer.
    [Fact]
    public void The_measurement_holds_the_same_customer_health_as_scoring_it_alone()
    {
        GenEvent.List[1, 20].Sample(events =>
        {
            var log = TestLogs.Build(events);
            var measurement = JourneyMeasurement.Measure(Journey, log);
            measurement.CustomerHealth.ShouldBe(CustomerHealth.Score(Journey, log));
            JourneyAnalyzer.Analyze(measurement).Health!.Scored.ShouldBe(CustomerHealth.Score(Journey, log).Count);
        }, iter: 500);
    }
}
