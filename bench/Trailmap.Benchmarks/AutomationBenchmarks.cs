using BenchmarkDotNet.Attributes;
using Trailmap.Automation.Rules;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;

namespace Trailmap.Benchmarks;

/// <summary>
/// The time-based conditions (no event for a duration, stuck in a stage, missed moment) over a synthetic history of
/// <see cref="Customers"/> customers with 6-12 events each over 90 days: what one evaluation pass costs.
/// </summary>
[MemoryDiagnoser]
public class AutomationBenchmarks
{
    private static readonly string[] Names = ["Logged In", "Board Shared", "Page Viewed", "Report Viewed", "Subscription Started"];

    private Journey _journey = null!;
    private EventLog _log = null!;
    private DateTimeOffset _asOf;

    [Params(100_000, 1_000_000)]
    public int Customers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _journey = JourneyFile.FromText("""
            id: bench
            title: Bench
            stages:
              - { id: signup, name: Sign up, entry: Signed Up }
              - { id: activate, name: Activate, entry: Board Shared }
              - { id: pay, name: Pay, entry: Subscription Started }
            moments_of_truth:
              - { id: first-board, name: First board, condition: Board Shared, deadline: within 3d of signup }
            interventions:
              - { id: no-login, name: N, when: { no_event: Logged In, for: 14d }, then: { channel: email, subject: Back? } }
              - { id: stuck, name: S, when: { stuck_in_stage: activate, for: 7d }, then: { channel: email, subject: Pay? } }
              - { id: missed, name: M, when: { missed_moment: first-board }, then: { channel: email, subject: Board? } }
            """).Journey!;
        var random = new Random(42);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var b = new EventLogBuilder();
        for (var c = 0; c < Customers; c++)
        {
            var id = "c" + c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var t = start.AddMinutes(random.Next(0, 60 * 24 * 60));
            b.Add(id, "Signed Up", t);
            for (var e = random.Next(5, 12); e > 0; e--)
            {
                t = t.AddMinutes(random.Next(10, 60 * 24 * 8));
                b.Add(id, Names[random.Next(Names.Length)], t);
            }
        }

        _log = b.Build();
        _asOf = start.AddDays(90);
    }

    [Benchmark]
    public int TimeBasedConditions() => new RuleEvaluator(_journey, _log).Evaluate(_asOf).Count;
}
