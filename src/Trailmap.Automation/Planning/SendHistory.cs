namespace Trailmap.Automation.Planning;

/// <summary>
/// Each customer's send times, for the frequency cap "at most Max messages in any window of length Per". A new send
/// fits when, with it added, every Max + 1 consecutive sends of the customer span at least Per: exactly the
/// condition that no half-open window of length Per holds more than Max. Checking only the groups around the new
/// send is enough, and it stays correct when quiet hours make sends arrive out of time order.
/// </summary>
internal sealed class SendHistory
{
    private readonly Dictionary<string, List<long>> _sent = new(StringComparer.Ordinal);

    public void Add(string customer, DateTimeOffset at)
    {
        if (!_sent.TryGetValue(customer, out var times))
        {
            _sent[customer] = times = [];
        }

        var ticks = at.UtcTicks;
        var i = times.BinarySearch(ticks);
        times.Insert(i < 0 ? ~i : i, ticks);
    }

    public bool Fits(string customer, DateTimeOffset at, int max, TimeSpan per)
    {
        if (!_sent.TryGetValue(customer, out var times) || times.Count < max)
        {
            return true;
        }

        var t = at.UtcTicks;
        var idx = times.BinarySearch(t);
        idx = idx < 0 ? ~idx : idx;

        // In the merged list (times with t inserted at idx), check each run of max + 1 that contains idx.
        long Merged(int k) => k < idx ? times[k] : k == idx ? t : times[k - 1];
        for (var start = Math.Max(0, idx - max); start <= idx && start + max <= times.Count; start++)
        {
            if (Merged(start + max) - Merged(start) < per.Ticks)
            {
                return false;
            }
        }

        return true;
    }
}
