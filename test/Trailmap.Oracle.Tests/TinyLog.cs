using System.Globalization;
using Trailmap.Oracle.Tests.Oracle;

namespace Trailmap.Oracle.Tests;

/// <summary>Hand-written event logs for the oracle's own tests: events get seq numbers in the order they are written.</summary>
internal sealed class TinyLog
{
    private readonly List<OracleEvent> events = [];

    public IReadOnlyList<OracleEvent> Events => events;

    /// <summary>Adds an event; <c>ts</c> is "yyyy-MM-dd HH:mm:ss" with an optional fraction, in UTC.</summary>
    public TinyLog Add(string customer, string eventName, string ts, string? propsJson = null)
    {
        var time = DateTime.Parse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        events.Add(new OracleEvent(customer, eventName, time, events.Count + 1, propsJson));
        return this;
    }
}
