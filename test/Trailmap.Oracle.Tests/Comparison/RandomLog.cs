using System.Globalization;
using System.Text;
using System.Text.Json;
using Trailmap.Events;
using Trailmap.Oracle.Tests.Oracle;

namespace Trailmap.Oracle.Tests.Comparison;

/// <summary>
/// A seeded random event log, handed to both PostgreSQL (<see cref="Events"/>) and the engine (<see cref="ToEventLog"/>)
/// with the same sequence numbers, so both see the same tie order.
/// </summary>
/// <remarks>
/// Timestamps sit on a coarse grid (a random unit of 1 s, 1 min, 1 h or 1 day, few slots) so many events of a customer
/// share a timestamp; sequence numbers are a random permutation, so arrival order disagrees with time order.
/// </remarks>
public sealed class RandomLog
{
    private static readonly DateTime Origin = new(2024, 1, 29, 22, 0, 0, DateTimeKind.Utc);

    private static readonly TimeSpan[] Units =
        [TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromDays(1)];

    private RandomLog(int seed, IReadOnlyList<string> names, TimeSpan unit, IReadOnlyList<OracleEvent> events)
    {
        Seed = seed;
        Names = names;
        Unit = unit;
        Events = events;
    }

    public int Seed { get; }

    /// <summary>The event names used: <c>e0</c>, <c>e1</c>, ... (1 to 5 of them).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The grid's step: 1 s, 1 min, 1 h or 1 day.</summary>
    public TimeSpan Unit { get; }

    public IReadOnlyList<OracleEvent> Events { get; }

    /// <summary>
    /// 50-300 customers with 1-12 events each, 1-5 names, on a grid of <paramref name="slots"/> slots (default: 4-40)
    /// of a random unit; <paramref name="unit"/> fixes the unit instead. <paramref name="props"/> makes the properties.
    /// </summary>
    public static RandomLog Generate(int seed, TimeSpan? unit = null, int? slots = null, Func<Random, string?>? props = null)
    {
        var random = new Random(seed);
        var names = Enumerable.Range(0, random.Next(1, 6)).Select(i => "e" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var step = unit ?? Units[random.Next(Units.Length)];
        var gridSize = slots ?? random.Next(4, 41);
        var customers = random.Next(50, 301);
        var drafts = new List<(string Customer, string Name, DateTime Ts, string? Props)>();
        for (var c = 0; c < customers; c++)
        {
            var id = "c" + c.ToString("D3", CultureInfo.InvariantCulture);
            var count = random.Next(1, 13);
            for (var i = 0; i < count; i++)
            {
                var ts = Origin + (step * random.Next(gridSize));
                drafts.Add((id, names[random.Next(names.Length)], ts, props?.Invoke(random)));
            }
        }

        // A random permutation of 1..n as arrival numbers: ties are broken in an order unrelated to generation.
        var seqs = Enumerable.Range(1, drafts.Count).Select(i => (long)i).ToArray();
        random.Shuffle(seqs);
        var events = drafts.Select((d, i) => new OracleEvent(d.Customer, d.Name, d.Ts, seqs[i], d.Props)).ToArray();
        return new RandomLog(seed, names, step, events);
    }

    public EventLog ToEventLog() => BuildEventLog(Events);

    /// <summary>The engine's log of <paramref name="events"/>: same customers, names, microsecond timestamps and seq.</summary>
    public static EventLog BuildEventLog(IEnumerable<OracleEvent> events)
    {
        var builder = new EventLogBuilder();
        foreach (var e in events)
        {
            builder.Add(e.CustomerId, e.Event, Micros(e.Timestamp), e.Seq, Properties(e.PropsJson));
        }

        return builder.Build();
    }

    /// <summary>One customer's events in (ts, seq) order, one per line, for failure messages.</summary>
    public string Describe(string customer)
    {
        var text = new StringBuilder();
        foreach (var e in Events.Where(e => e.CustomerId == customer).OrderBy(e => e.Timestamp).ThenBy(e => e.Seq))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {e.Event} @ {e.Timestamp:yyyy-MM-dd HH:mm:ss} seq {e.Seq} {e.PropsJson}\n");
        }

        return text.ToString();
    }

    private static long Micros(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    /// <summary>JSON numbers become doubles and strings stay strings, which is what the engine's readers accept.</summary>
    private static Dictionary<string, object?>? Properties(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.ValueKind switch
            {
                JsonValueKind.Number => (object?)p.Value.GetDouble(),
                JsonValueKind.String => p.Value.GetString(),
                _ => p.Value.GetRawText(),
            },
            StringComparer.Ordinal);
    }
}
