using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys;

namespace Trailmap.Analytics.Tests.Journeys;

/// <summary>
/// The journey's <c>window</c> is a funnel window (docs/journey-format.md, SEMANTICS "Journey stages"): every stage must
/// be entered at most that long after the customer entered the first measured stage, not after the stage before.
/// </summary>
public sealed class JourneyWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_window_runs_from_the_first_measured_stage_not_between_consecutive_stages()
    {
        var journey = JourneyFile.FromText("""
            id: w
            title: W
            window: 10d
            stages:
              - { id: a, name: A, entry: A }
              - { id: b, name: B, entry: B }
              - { id: c, name: C, entry: C }
            """).Journey!;
        var log = new EventLogBuilder();
        // c1: B 6 days after A, C 6 days after B but 12 after A: C is outside the window.
        log.Add("c1", "A", T0);
        log.Add("c1", "B", T0.AddDays(6));
        log.Add("c1", "C", T0.AddDays(12));
        // c2: C exactly 10 days after A: inside, the window is inclusive.
        log.Add("c2", "A", T0);
        log.Add("c2", "B", T0.AddDays(9));
        log.Add("c2", "C", T0.AddDays(10));
        // c3: B 11 days after A: outside.
        log.Add("c3", "A", T0);
        log.Add("c3", "B", T0.AddDays(11));

        var stages = JourneyAnalyzer.Analyze(journey, log.Build()).Stages;

        // Measured between consecutive stages, C would count c1 and c2 (gaps of 6 and 1 days): 2, not 1.
        stages.Select(s => s.Reached).ShouldBe([3L, 2L, 1L]);
    }
}
