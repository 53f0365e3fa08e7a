using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Planning;

/// <summary>
/// Quiet hours as local times of day: a message due at a local time in [From, To) waits until the window ends. From
/// after To wraps midnight; From equal to To is an empty window. Local times come from the customer's time zone.
/// </summary>
public sealed class QuietWindow(TimeOnly from, TimeOnly to)
{
    public static QuietWindow From(QuietHours hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        return new QuietWindow(hours.From, hours.To);
    }

    public bool IsQuiet(DateTimeOffset instant, TimeZoneInfo zone) =>
        Contains(TimeOnly.FromTimeSpan(TimeZoneInfo.ConvertTime(instant, zone).TimeOfDay));

    /// <summary>The instant the message may go: <paramref name="due"/> itself outside quiet hours, else the window's end.</summary>
    public DateTimeOffset Release(DateTimeOffset due, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(due, zone);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        if (!Contains(time))
        {
            return due;
        }

        var date = DateOnly.FromDateTime(local.DateTime);
        if (from > to && time >= from)
        {
            date = date.AddDays(1);
        }

        // When clocks jump forward over the whole sending time (03:00 to 02:15 quiet, and 02:00 jumps to 03:00), the
        // window's end that night is quiet again: then the messages wait for the next night's end.
        while (true)
        {
            var release = AtOrAfter(date.ToDateTime(to), zone, due);
            if (!IsQuiet(release, zone))
            {
                return FirstOpening(due, release, zone);
            }

            date = date.AddDays(1);
        }
    }

    /// <summary>
    /// Clocks falling back inside the window can show a local time outside it for a while (quiet 02:15-06:45, and
    /// 03:00 falls back to 02:00): the message goes at that moment rather than at the window's end. Such an opening
    /// can only start at a change of the zone's offset, so only those instants between the two are checked.
    /// </summary>
    private DateTimeOffset FirstOpening(DateTimeOffset due, DateTimeOffset end, TimeZoneInfo zone)
    {
        var a = due;
        while (a < end)
        {
            var b = a.AddHours(1) < end ? a.AddHours(1) : end;
            var before = zone.GetUtcOffset(a);
            if (before != zone.GetUtcOffset(b))
            {
                var (lo, hi) = (a.UtcTicks, b.UtcTicks);
                while (hi - lo > 1)
                {
                    var mid = lo + ((hi - lo) / 2);
                    (lo, hi) = zone.GetUtcOffset(new DateTimeOffset(mid, TimeSpan.Zero)) == before ? (mid, hi) : (lo, mid);
                }

                var change = new DateTimeOffset(hi, TimeSpan.Zero);
                if (!IsQuiet(change, zone))
                {
                    return change;
                }
            }

            a = b;
        }

        return end;
    }

    private bool Contains(TimeOnly t) =>
        from < to ? t >= from && t < to
        : from > to && (t >= from || t < to);

    /// <summary>The instant a local wall time names, resolving daylight-saving gaps and overlaps forward in time.</summary>
    private static DateTimeOffset AtOrAfter(DateTime wall, TimeZoneInfo zone, DateTimeOffset notBefore)
    {
        // Clocks jumping forward skip the end of the window: it ends at the first wall time that exists.
        while (zone.IsInvalidTime(wall))
        {
            wall = wall.AddMinutes(1);
        }

        if (zone.IsAmbiguousTime(wall))
        {
            // Clocks falling back show this wall time twice: the first one that is not before the message.
            foreach (var instant in zone.GetAmbiguousTimeOffsets(wall).Select(o => new DateTimeOffset(wall, o)).OrderBy(i => i.UtcTicks))
            {
                if (instant >= notBefore)
                {
                    return instant.ToUniversalTime();
                }
            }
        }

        var result = new DateTimeOffset(wall, zone.GetUtcOffset(wall)).ToUniversalTime();
        return result >= notBefore ? result : notBefore;
    }
}
