using System.Globalization;
using DuckDB.NET.Data;
using Trailmap.Analytics.Events;

namespace Trailmap.Events;

/// <summary>
/// Loads a whole snapshot of the events a query asks for into an <see cref="EventLog"/> without a managed string per
/// row. One read transaction (one snapshot) runs three queries: the event names and their hashes, then each customer
/// with its hash and event count (GROUP BY, so one string per customer), then the rows themselves as four numbers:
/// hash(customer), hash(event), epoch microseconds and arrival sequence. The rows are read in the table's physical
/// order, which imports keep as (customer, ts, seq); every row is checked against the customer the counts say comes
/// next and against the time order, and on the first mismatch the rows are read again with ORDER BY. A 64-bit hash
/// standing for a customer or a name could only mislead if two of them collided exactly where one was expected in
/// place of the other; the names' own hashes are checked to be distinct.
/// </summary>
internal static class ColumnarEventLoad
{
    /// <summary>The log, or null when this path cannot serve the query (two event names share a hash) and the row reader must.</summary>
    public static EventLog? TryLoad(EventStore store, EventLogQuery query, IProgress<long>? progress)
    {
        using var snapshot = store.Connection.BeginTransaction();
        var names = Names(store, query);
        if (names.Hashes.Distinct().Count() != names.Hashes.Length)
        {
            return null;
        }

        var (customers, customerHashes, offsets) = Customers(store, query);
        var total = offsets[^1];
        var columns = new Columns(total, query.IncludeSequences, query.Properties.Count > 0);
        if (!Read(store, query, sorted: false, names, customerHashes, offsets, columns, progress))
        {
            // Rows appended out of order (the ingestion spool appends, only imports sort): sort this once.
            columns = new Columns(total, query.IncludeSequences, query.Properties.Count > 0);
            if (!Read(store, query, sorted: true, names, customerHashes, offsets, columns, progress))
            {
                throw new InvalidOperationException("the event store changed under a read transaction; this is a bug in the store");
            }
        }

        snapshot.Commit();
        var traits = EventLogLoader.Traits(store, query);
        progress?.Report(total);
        return EventLog.FromColumns(customers, offsets, names.Names, columns.NameIds, columns.Timestamps, columns.Sequences, columns.Properties, traits);
    }

    private sealed record NameCodes(string[] Names, ulong[] Hashes);

    private sealed class Columns(int total, bool sequences, bool properties)
    {
        public int[] NameIds { get; } = new int[total];

        public long[] Timestamps { get; } = new long[total];

        public long[]? Sequences { get; } = sequences ? new long[total] : null;

        public IReadOnlyDictionary<string, object?>?[]? Properties { get; } = properties ? new IReadOnlyDictionary<string, object?>?[total] : null;
    }

    /// <summary>The event names the query can see (the ones it names, or every stored name in order) with DuckDB's hash of each.</summary>
    private static NameCodes Names(EventStore store, EventLogQuery query)
    {
        using var command = store.Connection.CreateCommand();
        if (query.Events is { } wanted)
        {
            var names = wanted.Distinct(StringComparer.Ordinal).ToArray();
            if (names.Length == 0)
            {
                return new NameCodes([], []);
            }

            var selects = new List<string>();
            for (var i = 0; i < names.Length; i++)
            {
                var p = "n" + i.ToString(CultureInfo.InvariantCulture);
                selects.Add($"hash(${p})");
                command.Parameters.Add(new DuckDBParameter(p, names[i]));
            }

            command.CommandText = "SELECT " + string.Join(", ", selects);
            using var reader = command.ExecuteReader();
            reader.Read();
            return new NameCodes(names, [.. Enumerable.Range(0, names.Length).Select(reader.GetFieldValue<ulong>)]);
        }

        command.CommandText = "SELECT event, hash(event) FROM events" + EventLogLoader.RangeAndNames(command, query) + " GROUP BY event ORDER BY event";
        var all = new List<string>();
        var hashes = new List<ulong>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                all.Add(reader.GetString(0));
                hashes.Add(reader.GetFieldValue<ulong>(1));
            }
        }

        return new NameCodes([.. all], [.. hashes]);
    }

    /// <summary>Every customer with an event the query sees, in customer_id order, with hash(customer_id) and where its events start.</summary>
    private static (string[] Customers, ulong[] Hashes, int[] Offsets) Customers(EventStore store, EventLogQuery query)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT customer_id, hash(customer_id), count(*) FROM events"
            + EventLogLoader.RangeAndNames(command, query) + " GROUP BY customer_id ORDER BY customer_id";
        var customers = new List<string>();
        var hashes = new List<ulong>();
        var offsets = new List<int> { 0 };
        using var reader = command.ExecuteReader();
        long at = 0;
        while (reader.Read())
        {
            customers.Add(reader.GetString(0));
            hashes.Add(reader.GetFieldValue<ulong>(1));
            at += reader.GetInt64(2);
            if (at > Array.MaxLength)
            {
                throw new InvalidOperationException($"more than {Array.MaxLength:N0} events match; narrow the query with a time range or event names");
            }

            offsets.Add((int)at);
        }

        return ([.. customers], [.. hashes], [.. offsets]);
    }

    /// <summary>Fills <paramref name="columns"/>; false when the rows do not arrive in (customer, ts, seq) order.</summary>
    private static bool Read(
        EventStore store,
        EventLogQuery query,
        bool sorted,
        NameCodes names,
        ulong[] customerHashes,
        int[] offsets,
        Columns columns,
        IProgress<long>? progress)
    {
        var total = offsets[^1];
        if (total == 0)
        {
            return true;
        }

        var wanted = query.Properties.ToHashSet(StringComparer.Ordinal);
        using var command = store.Connection.CreateCommand();
        // Streamed, not materialised: DuckDB.NET otherwise holds the whole result (32 bytes a row) before the first read.
        command.UseStreamingMode = true;
        command.CommandText = "SELECT hash(customer_id), hash(event), epoch_us(ts), seq"
            + (wanted.Count > 0 ? ", CAST(properties AS VARCHAR)" : "")
            + " FROM events" + EventLogLoader.RangeAndNames(command, query)
            + (sorted ? " ORDER BY customer_id, ts, seq" : "");
        var nameHashes = names.Hashes;
        var lookup = nameHashes.Length > 8 ? nameHashes.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i) : null;
        var (nameIds, timestamps, sequences, properties) = (columns.NameIds, columns.Timestamps, columns.Sequences, columns.Properties);
        using var reader = command.ExecuteReader();
        var customer = -1;
        var nextStart = 0;
        var expected = 0UL;
        var (lastTs, lastSeq) = (long.MinValue, long.MinValue);
        var i = 0;
        while (reader.Read())
        {
            if (i == total)
            {
                return false;
            }

            if (i == nextStart)
            {
                customer++;
                nextStart = offsets[customer + 1];
                expected = customerHashes[customer];
                (lastTs, lastSeq) = (long.MinValue, long.MinValue);
            }

            var ts = reader.GetInt64(2);
            var seq = reader.GetInt64(3);
            if (reader.GetFieldValue<ulong>(0) != expected || ts < lastTs || (ts == lastTs && seq < lastSeq))
            {
                return false;
            }

            nameIds[i] = Code(reader.GetFieldValue<ulong>(1), nameHashes, lookup);
            timestamps[i] = ts;
            if (sequences is not null)
            {
                sequences[i] = seq;
            }

            if (properties is not null && !reader.IsDBNull(4))
            {
                properties[i] = EventLogLoader.Pick(reader.GetString(4), wanted);
            }

            (lastTs, lastSeq) = (ts, seq);
            i++;
            if (progress is not null && (i & 0xFFFFF) == 0)
            {
                progress.Report(i);
            }
        }

        return i == total;
    }

    private static int Code(ulong hash, ulong[] hashes, Dictionary<ulong, int>? lookup)
    {
        if (lookup is not null)
        {
            return lookup.TryGetValue(hash, out var code) ? code : Unknown();
        }

        for (var k = 0; k < hashes.Length; k++)
        {
            if (hashes[k] == hash)
            {
                return k;
            }
        }

        return Unknown();
    }

    // The rows and the names come from one snapshot with one filter, so a row's name is always among them.
    private static int Unknown() => throw new InvalidOperationException("an event's name is missing from the snapshot's names; this is a bug in the loader");
}
