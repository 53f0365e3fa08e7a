using Trailmap.Events;

namespace Trailmap.Discovery.Discover;

/// <summary>
/// For each customer, where in the log they first did each of a set of candidate events (an index into the log's
/// columns, so time and arrival order compare as one number), and how many customers reached every event name.
/// </summary>
internal sealed class FirstTimes
{
    private readonly int[] first; // customer * candidates + k -> event index, or -1

    private FirstTimes(EventLog log, string[] candidates, int[] first, long[] reach)
    {
        Log = log;
        Candidates = candidates;
        this.first = first;
        Reach = reach;
    }

    public EventLog Log { get; }

    /// <summary>The candidate event names, most reached first.</summary>
    public string[] Candidates { get; }

    /// <summary>Customers who reached each candidate.</summary>
    public long[] Reach { get; }

    public int Count => Candidates.Length;

    /// <summary>The log index of the customer's first event <paramref name="k"/>, or -1.</summary>
    public int First(int customer, int k) => first[(customer * Candidates.Length) + k];

    /// <summary>How many customers reached each event name of the log, most reached first.</summary>
    public static IReadOnlyList<(string Event, long Customers)> ReachOfEveryEvent(EventLog log)
    {
        var reach = new long[log.Names.Length];
        var seen = new int[log.Names.Length];
        Array.Fill(seen, -1);
        for (var c = 0; c < log.CustomerCount; c++)
        {
            for (var i = log.Offsets[c]; i < log.Offsets[c + 1]; i++)
            {
                var n = log.NameIds[i];
                if (seen[n] != c)
                {
                    seen[n] = c;
                    reach[n]++;
                }
            }
        }

        return [.. log.Names.Select((name, n) => (name, reach[n])).OrderByDescending(r => r.Item2).ThenBy(r => r.name, StringComparer.Ordinal)];
    }

    public static FirstTimes Measure(EventLog log, IReadOnlyList<(string Event, long Customers)> reach, DiscoveryOptions options)
    {
        var candidates = reach.Where(r => r.Customers >= options.MinCustomers).Take(options.MaxCandidates).ToArray();
        var k = candidates.Length;
        var index = new int[log.Names.Length];
        Array.Fill(index, -1);
        for (var j = 0; j < k; j++)
        {
            index[log.NameId(candidates[j].Event)] = j;
        }

        var first = new int[log.CustomerCount * k];
        Array.Fill(first, -1);
        for (var c = 0; c < log.CustomerCount; c++)
        {
            for (var i = log.Offsets[c]; i < log.Offsets[c + 1]; i++)
            {
                var j = index[log.NameIds[i]];
                if (j >= 0 && first[(c * k) + j] < 0)
                {
                    first[(c * k) + j] = i;
                }
            }
        }

        return new FirstTimes(log, [.. candidates.Select(c => c.Event)], first, [.. candidates.Select(c => c.Customers)]);
    }

    /// <summary>
    /// The customer's first event <paramref name="k"/> at or after log index <paramref name="from"/> (the customer's
    /// own events only), or -1: a step measured from where the previous one happened, as the analyzer measures it.
    /// </summary>
    public int FirstAtOrAfter(int customer, int k, int from)
    {
        var id = Log.NameId(Candidates[k]);
        var start = Math.Max(from, Log.Offsets[customer]);
        // "At or after" is in time: an event at the same instant counts even when it arrived just before.
        while (start > Log.Offsets[customer] && start < Log.Offsets[customer + 1] && Log.Timestamps[start - 1] == Log.Timestamps[start])
        {
            start--;
        }

        for (var i = start; i < Log.Offsets[customer + 1]; i++)
        {
            if (Log.NameIds[i] == id)
            {
                return i;
            }
        }

        return -1;
    }
}
