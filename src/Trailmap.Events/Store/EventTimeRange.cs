using System.Globalization;

namespace Trailmap.Events;

/// <summary>
/// The event times Trailmap accepts: from 1900-01-01T00:00:00Z (inclusive) to 2200-01-01T00:00:00Z (exclusive).
/// </summary>
/// <remarks>
/// Wide enough for any real customer history (and for the 1900-01-01 that spreadsheets write for "no date"), and
/// narrow enough that every sum the product computes on two accepted times stays representable: Segment's
/// clock-skew correction (timestamp + receivedAt - sentAt) lands between 1600 and 2500, and a retention table of
/// thousands of months or a funnel window of years added to an event time stays far below .NET's year 9999 and
/// DuckDB's and the microsecond clock's limits (about 290,000 years). The import rejects rows outside it, and the
/// ingestion API answers 400.
/// </remarks>
public static class EventTimeRange
{
    /// <summary>The earliest accepted time.</summary>
    public static readonly DateTimeOffset Min = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first time after the range (exclusive).</summary>
    public static readonly DateTimeOffset End = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The range as the docs and the error messages write it.</summary>
    public const string Description = "1900-01-01T00:00:00Z to 2200-01-01T00:00:00Z (exclusive)";

    /// <summary>Whether <paramref name="time"/> is an accepted event time.</summary>
    public static bool Contains(DateTimeOffset time) => time >= Min && time < End;

    /// <summary>The bounds as DuckDB TIMESTAMP literals (UTC), for set-based checks.</summary>
    internal static string SqlMin => "TIMESTAMP '" + Min.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "'";

    internal static string SqlEnd => "TIMESTAMP '" + End.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "'";
}
