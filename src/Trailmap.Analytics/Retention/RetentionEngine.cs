using Trailmap.Events;

namespace Trailmap.Analytics.Retention;

/// <summary>
/// Retention by cohort. A customer's cohort is the period of their first start event. A return is a later event in the
/// log order (after the start event by timestamp, then arrival) that meets the return condition; the start event
/// itself never counts (Mixpanel), but another event at the same instant does.
/// </summary>
public static class RetentionEngine
{
    private const long Day = 86_400_000_000L;

    public static RetentionTable Run(EventLog log, RetentionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Periods < 0)
        {
            throw new ArgumentException("retention needs zero or more periods");
        }

        var n = spec.Periods;
        var startName = log.NameId(spec.StartEvent.Event);
        var returnName = spec.ReturnEvent is { } r ? log.NameId(r.Event) : -1;
        var cohorts = new SortedDictionary<DateOnly, (long Size, long[] Retained)>();
        var on = new bool[n + 1];
        for (var c = 0; c < log.CustomerCount; c++)
        {
            var begin = log.Offsets[c];
            var end = log.Offsets[c + 1];
            var start = -1;
            for (var i = begin; i < end && startName >= 0; i++)
            {
                if (log.NameIds[i] == startName && Matches(log, i, spec.StartEvent.Where))
                {
                    start = i;
                    break;
                }
            }

            if (start < 0)
            {
                continue;
            }

            var s = log.Timestamps[start];
            Array.Clear(on);
            var latest = -1L;
            for (var i = start + 1; i < end; i++)
            {
                if (spec.ReturnEvent is { } ret && (log.NameIds[i] != returnName || !Matches(log, i, ret.Where)))
                {
                    continue;
                }

                var k = PeriodIndex(spec, s, log.Timestamps[i]);
                if (k <= n)
                {
                    on[k] = true;
                }

                latest = Math.Max(latest, k);
            }

            var cohort = CohortStart(spec, s);
            if (!cohorts.TryGetValue(cohort, out var row))
            {
                row = (0, new long[n + 1]);
            }

            for (var k = 0; k <= n; k++)
            {
                if (spec.Bucket == RetentionBucket.On ? on[k] : latest >= k)
                {
                    row.Retained[k]++;
                }
            }

            cohorts[cohort] = (row.Size + 1, row.Retained);
        }

        var rows = cohorts
            .Select(kv => new RetentionCohort(kv.Key, kv.Value.Size, kv.Value.Retained, [.. kv.Value.Retained.Select(x => 100.0 * x / kv.Value.Size)]))
            .ToList();
        return new RetentionTable(rows, spec);
    }

    private static bool Matches(EventLog log, int i, Trailmap.Journeys.Model.Filter? where) =>
        where is null || where.Matches(p => log.Property(i, p));

    /// <summary>The period of a return at <paramref name="t"/> for a start at <paramref name="s"/> (t is not before s).</summary>
    internal static long PeriodIndex(RetentionSpec spec, long s, long t)
    {
        if (spec.Calendar)
        {
            return CalendarIndex(spec.Period, t) - CalendarIndex(spec.Period, s);
        }

        switch (spec.Period)
        {
            case RetentionPeriod.Day:
                return (t - s) / Day;
            case RetentionPeriod.Week:
                return (t - s) / (7 * Day);
            default:
                var start = EventLogBuilder.FromMicros(s);
                var at = EventLogBuilder.FromMicros(t);
                long k = ((at.Year - start.Year) * 12) + at.Month - start.Month;
                while (k > 0 && SaturatingCalendar.AddMonths(start, k) > at)
                {
                    k--;
                }

                // Saturating: next to the calendar's end, the next month's start does not exist and is never reached.
                while (SaturatingCalendar.AddMonths(start, k + 1) <= at && k + 1 <= 12L * 10_000)
                {
                    k++;
                }

                return k;
        }
    }

    private static long CalendarIndex(RetentionPeriod period, long t)
    {
        var date = DateOnly.FromDateTime(EventLogBuilder.FromMicros(t).UtcDateTime);
        return period switch
        {
            RetentionPeriod.Day => date.DayNumber,
            // DayNumber 0 is Monday 0001-01-01, so whole weeks from it are ISO weeks starting on Monday.
            RetentionPeriod.Week => date.DayNumber / 7,
            _ => (date.Year * 12L) + date.Month - 1,
        };
    }

    /// <summary>The first day of the calendar period holding the start event: the day, its ISO week's Monday, or the 1st.</summary>
    internal static DateOnly CohortStart(RetentionSpec spec, long s)
    {
        var date = DateOnly.FromDateTime(EventLogBuilder.FromMicros(s).UtcDateTime);
        return spec.Period switch
        {
            RetentionPeriod.Day => date,
            RetentionPeriod.Week => DateOnly.FromDayNumber(date.DayNumber - (date.DayNumber % 7)),
            _ => new DateOnly(date.Year, date.Month, 1),
        };
    }
}
