using CsCheck;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Retention;
using Trailmap.Analytics.Tests.Funnels;
using Trailmap.Events;

namespace Trailmap.Analytics.Tests.Retention;

/// <summary>The retention engine against a naive loop over explicit period bounds.</summary>
public sealed class RetentionPropertyTests
{
    private static readonly DateTimeOffset Base = new(2024, 1, 27, 0, 0, 0, TimeSpan.Zero);

    private static readonly Gen<TestEvent> GenEvent =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 24 * 120], (c, n, h) =>
            new TestEvent($"c{c}", n switch { 0 => "signup", 1 => "use", _ => "other" }, EventLogBuilder.ToMicros(Base.AddHours(h * 3))));

    private static readonly Gen<RetentionSpec> GenSpec =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Bool, Gen.Bool, Gen.Int[0, 6], (p, r, onOrAfter, calendar, periods) => new RetentionSpec
        {
            StartEvent = new FunnelStep("signup"),
            ReturnEvent = r switch { 0 => null, 1 => new FunnelStep("use"), _ => new FunnelStep("signup") },
            Period = (RetentionPeriod)p,
            Periods = periods,
            Bucket = onOrAfter ? RetentionBucket.OnOrAfter : RetentionBucket.On,
            Calendar = calendar,
        });

    [Fact]
    public void Engine_equals_a_naive_loop_over_period_bounds()
    {
        Gen.Select(GenEvent.List[1, 25], GenSpec).Sample((events, spec) =>
        {
            var expected = Naive(events, spec);
            var actual = RetentionEngine.Run(TestLogs.Build(events), spec);
            var got = actual.Cohorts.Select(c => $"{c.Cohort:yyyy-MM-dd} {c.Size}: {string.Join(",", c.Retained)}").ToList();
            if (!got.SequenceEqual(expected))
            {
                throw new InvalidOperationException($"engine [{string.Join("; ", got)}] reference [{string.Join("; ", expected)}] for {spec}");
            }
        }, iter: 3000);
    }

    private static List<string> Naive(List<TestEvent> events, RetentionSpec spec)
    {
        var rows = new SortedDictionary<DateOnly, List<bool[]>>();
        foreach (var customer in events.Select(e => e.Customer).Distinct())
        {
            var mine = events.Select((e, i) => (e, i)).Where(x => x.e.Customer == customer).OrderBy(x => x.e.Ts).ThenBy(x => x.i).ToList();
            var startAt = mine.FindIndex(x => x.e.Name == spec.StartEvent.Event);
            if (startAt < 0)
            {
                continue;
            }

            var s = EventLogBuilder.FromMicros(mine[startAt].e.Ts);
            var returns = mine.Skip(startAt + 1)
                .Where(x => spec.ReturnEvent is null || x.e.Name == spec.ReturnEvent.Event)
                .Select(x => EventLogBuilder.FromMicros(x.e.Ts))
                .ToList();

            var origin = s;
            DateOnly cohort;
            var day = new DateTimeOffset(s.Year, s.Month, s.Day, 0, 0, 0, TimeSpan.Zero);
            switch (spec.Period)
            {
                case RetentionPeriod.Day:
                    cohort = DateOnly.FromDateTime(day.UtcDateTime);
                    origin = spec.Calendar ? day : s;
                    break;
                case RetentionPeriod.Week:
                    var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
                    cohort = DateOnly.FromDateTime(monday.UtcDateTime);
                    origin = spec.Calendar ? monday : s;
                    break;
                default:
                    var first = new DateTimeOffset(s.Year, s.Month, 1, 0, 0, 0, TimeSpan.Zero);
                    cohort = DateOnly.FromDateTime(first.UtcDateTime);
                    origin = spec.Calendar ? first : s;
                    break;
            }

            DateTimeOffset Bound(int k) => spec.Period switch
            {
                RetentionPeriod.Day => origin.AddDays(k),
                RetentionPeriod.Week => origin.AddDays(7 * k),
                _ => origin.AddMonths(k),
            };

            var flags = new bool[spec.Periods + 1];
            for (var k = 0; k <= spec.Periods; k++)
            {
                var lo = Bound(k);
                var hi = Bound(k + 1);
                flags[k] = spec.Bucket == RetentionBucket.On
                    ? returns.Any(r => r >= lo && r < hi)
                    : returns.Any(r => r >= lo);
            }

            if (!rows.TryGetValue(cohort, out var list))
            {
                rows[cohort] = list = [];
            }

            list.Add(flags);
        }

        return [.. rows.Select(kv => $"{kv.Key:yyyy-MM-dd} {kv.Value.Count}: {string.Join(",", Enumerable.Range(0, spec.Periods + 1).Select(k => kv.Value.Count(f => f[k])))}")];
    }
}
