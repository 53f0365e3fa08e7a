namespace Trailmap.Events;

/// <summary>
/// Regroups a log loaded with the ids events were sent with under their persons (the store's <c>identities</c> map):
/// the same log, in the same order, as reading the <c>resolved_events</c> view <c>ORDER BY customer_id, ts, seq</c>,
/// without sorting the table. Customers whose id is their own person keep their place; only merged ids move, so the
/// cost is one pass over the log plus a sort of the merged persons' rows.
/// </summary>
internal static class IdentityMerge
{
    /// <param name="log">A log in (customer, ts, seq) order by the ids events were sent with, with sequences.</param>
    /// <param name="personOf">Each merged id's person; ids absent from it are their own person.</param>
    /// <param name="keepSequences">Whether the result keeps the sequence column (the query asked for it).</param>
    public static EventLog Apply(EventLog log, IReadOnlyDictionary<string, string> personOf, bool keepSequences)
    {
        var customers = log.Customers;
        var own = new Dictionary<string, int>(StringComparer.Ordinal);
        var movedInto = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var c = 0; c < customers.Length; c++)
        {
            if (personOf.TryGetValue(customers[c], out var person) && person != customers[c])
            {
                if (!movedInto.TryGetValue(person, out var members))
                {
                    movedInto[person] = members = [];
                }

                members.Add(c);
            }
        }

        if (movedInto.Count == 0)
        {
            return keepSequences ? log
                : EventLog.FromColumns(customers, log.Offsets, log.Names, log.NameIds, log.Timestamps, null, log.PropertyColumn, log.Traits);
        }

        // Persons in the order of their ids (UTF-8 bytes, as DuckDB orders VARCHAR): customers who stay are already in
        // it; persons that are nobody's own id (every id of theirs merged into a new one) are merged in.
        var staying = new List<(string Person, int[] Members)>(customers.Length);
        for (var c = 0; c < customers.Length; c++)
        {
            if (personOf.TryGetValue(customers[c], out var person) && person != customers[c])
            {
                continue;
            }

            own[customers[c]] = c;
            staying.Add((customers[c], movedInto.TryGetValue(customers[c], out var more) ? [c, .. more] : [c]));
        }

        var arriving = movedInto.Where(kv => !own.ContainsKey(kv.Key))
            .Select(kv => (Person: kv.Key, Members: kv.Value.ToArray()))
            .ToList();
        arriving.Sort((a, b) => ColumnarEventLoad.CompareAsUtf8(a.Person, b.Person));

        var persons = new List<string>(staying.Count + arriving.Count);
        var groups = new List<int[]>(staying.Count + arriving.Count);
        var (s, a) = (0, 0);
        while (s < staying.Count || a < arriving.Count)
        {
            var takeStaying = a == arriving.Count
                || (s < staying.Count && ColumnarEventLoad.CompareAsUtf8(staying[s].Person, arriving[a].Person) < 0);
            var (person, members) = takeStaying ? staying[s++] : arriving[a++];
            persons.Add(person);
            groups.Add(members);
        }

        return Rebuild(log, [.. persons], groups, keepSequences);
    }

    /// <summary>The log with person <c>p</c> owning the rows of customers <c>groups[p]</c>, in (ts, seq) order.</summary>
    private static EventLog Rebuild(EventLog log, string[] persons, List<int[]> groups, bool keepSequences)
    {
        var n = log.EventCount;
        var (names, times, seqs, props) = (log.NameIds, log.Timestamps, log.Sequences, log.PropertyColumn);
        var nameIds = new int[n];
        var timestamps = new long[n];
        var sequences = keepSequences ? new long[n] : null;
        var properties = props is null ? null : new IReadOnlyDictionary<string, object?>?[n];
        var offsets = new int[persons.Length + 1];
        var at = 0;
        var rows = new List<int>();
        for (var p = 0; p < persons.Length; p++)
        {
            rows.Clear();
            foreach (var c in groups[p])
            {
                for (var i = log.Offsets[c]; i < log.Offsets[c + 1]; i++)
                {
                    rows.Add(i);
                }
            }

            if (groups[p].Length > 1)
            {
                // Sequence numbers are unique, so (ts, seq) is a total order and the result does not depend on the sort.
                rows.Sort((x, y) => times[x] != times[y] ? times[x].CompareTo(times[y]) : seqs[x].CompareTo(seqs[y]));
            }

            foreach (var i in rows)
            {
                nameIds[at] = names[i];
                timestamps[at] = times[i];
                if (sequences is not null)
                {
                    sequences[at] = seqs[i];
                }

                if (properties is not null)
                {
                    properties[at] = props![i];
                }

                at++;
            }

            offsets[p + 1] = at;
        }

        return EventLog.FromColumns(persons, offsets, log.Names, nameIds, timestamps, sequences, properties, log.Traits);
    }
}
