using System.Globalization;
using Trailmap.Events;
using Trailmap.Journeys.Generation;

namespace Trailmap.Discovery.Tests.Discover;

/// <summary>
/// Events as plain per-customer lists, for expectations computed without the code under test, and the same events
/// as an <see cref="EventLog"/> for the discoverer.
/// </summary>
internal sealed record NaiveEvent(string Customer, string Event, DateTimeOffset At, long Seq);

internal static class NaiveLog
{
    public static EventLog ToLog(IEnumerable<NaiveEvent> events, IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits = null)
    {
        var builder = new EventLogBuilder();
        foreach (var e in events)
        {
            builder.Add(e.Customer, e.Event, EventLogBuilder.ToMicros(e.At), e.Seq);
        }

        if (traits is not null)
        {
            builder.WithTraits(traits);
        }

        return builder.Build();
    }

    /// <summary>The REES46 sample read with a plain split (it has no quoted fields): event_time, event_type, ..., user_id.</summary>
    public static List<NaiveEvent> ReadRees46(string file) =>
        [.. File.ReadLines(file).Skip(1).Select((line, i) =>
        {
            var f = line.Split(',');
            var at = DateTimeOffset.ParseExact(f[0][..19], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            return new NaiveEvent(f[7], f[1], at, i);
        })];

    public static (List<NaiveEvent> Events, Dictionary<string, IReadOnlyDictionary<string, object?>> Traits) Generated(Trailmap.Journeys.Model.Journey journey, GeneratorOptions options)
    {
        var events = new List<NaiveEvent>();
        var traits = new Dictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.Ordinal);
        foreach (var m in EventGenerator.Generate(journey, options))
        {
            if (m.Type == MessageType.Identify)
            {
                traits[m.UserId] = m.Properties;
            }
            else
            {
                events.Add(new NaiveEvent(m.UserId, m.Event!, m.Timestamp, events.Count));
            }
        }

        return (events, traits);
    }

    /// <summary>
    /// Customers with an <paramref name="a"/> event, and those of them with a <paramref name="b"/> event no earlier and
    /// at most <paramref name="window"/> after some <paramref name="a"/>: a two-step funnel by its definition.
    /// </summary>
    public static (int Base, int Converted) Conversion(IEnumerable<NaiveEvent> events, string a, string b, TimeSpan window)
    {
        int total = 0, converted = 0;
        foreach (var customer in events.GroupBy(e => e.Customer))
        {
            var starts = customer.Where(e => e.Event == a).Select(e => e.At).ToList();
            if (starts.Count == 0)
            {
                continue;
            }

            total++;
            var ends = customer.Where(e => e.Event == b).Select(e => e.At).ToList();
            if (starts.Any(s => ends.Any(t => t >= s && t - s <= window)))
            {
                converted++;
            }
        }

        return (total, converted);
    }
}
