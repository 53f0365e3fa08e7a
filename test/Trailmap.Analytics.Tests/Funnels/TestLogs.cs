using Trailmap.Events;

namespace Trailmap.Analytics.Tests.Funnels;

internal static class TestLogs
{
    public const long Second = 1_000_000;

    /// <summary>Builds a log whose arrival sequence is the list order; timestamps are seconds.</summary>
    public static EventLog Build(IEnumerable<TestEvent> events)
    {
        var b = new EventLogBuilder();
        var seq = 0;
        foreach (var e in events)
        {
            b.Add(e.Customer, e.Name, e.Ts, seq++, e.P is { } p ? new Dictionary<string, object?> { ["p"] = p } : null);
        }

        return b.Build();
    }

    /// <summary>One customer's events from "name@second" tokens, e.g. "a@0 b@5 c@5".</summary>
    public static List<TestEvent> One(string text, string customer = "u") =>
        [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t =>
        {
            var parts = t.Split('@');
            return new TestEvent(customer, parts[0], long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * Second);
        })];
}
