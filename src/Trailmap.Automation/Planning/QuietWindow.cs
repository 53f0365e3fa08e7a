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

        return AtOrAfter(date.ToDateTime(to), zone, due);
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
