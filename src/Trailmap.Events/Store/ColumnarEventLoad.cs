using System.Globalization;
using DuckDB.NET.Data;

namespace Trailmap.Events;

/// <summary>
/// Loads a whole snapshot of the events a query asks for into an <see cref="EventLog"/> without a managed string per
/// row. One read transaction (one snapshot) runs three queries: the event names and their hashes, a count of the
/// wanted rows (so the columns are allocated once, at their final size), then the rows themselves as
/// hash(customer), hash(event), epoch microseconds and arrival sequence, keeping those with a wanted name. The rows are
/// read in the table's physical order, which imports keep as (customer, ts, seq): a customer's run starts where the
/// customer hash changes, and only there is the customer string read, checked to sort after the previous run's (so
/// every customer is one run, in customer order), and kept when the run holds a wanted row. The time order is checked
/// row by row; on the first mismatch the rows are read again with ORDER BY. There is no GROUP BY customer_id: its hash
/// table cost more time and memory than the rows. A 64-bit hash standing for a customer or a name could only mislead if
/// two of them collided exactly where one was expected in place of the other (two adjacent customers); the names' own
/// hashes are checked to be distinct.
/// </summary>
internal static class ColumnarEventLoad
{
    /// <summary>The log, or null when this path cannot serve the query (two event names share a hash) and the row reader must.</summary>
    public static EventLog? TryLoad(EventStore store, EventLogQuery query, IProgress<long>? progress)
    {
        LoadTrace.Mark("start");
        using var snapshot = store.Connection.BeginTransaction();
        var names = Names(store, query);
        LoadTrace.Mark($"{names.Names.Length} names");
        if (names.Hashes.Distinct().Count() != names.Hashes.Length)
        {
            return null;
        }

        var total = Count(store, query);
        LoadTrace.Mark($"{total} events");
        var columns = new Columns(total, query.IncludeSequences, query.Properties.Count > 0);
        var runs = new Runs();
        // Merged identities regroup rows under their person, which the table's physical order does not follow: sort.
        if (!Read(store, query, sorted: Groups.NeedsSort(store, query.Unit), names, runs, columns, progress))
        {
            // Rows in arrival order (imports and the ingestion pump append unsorted): sort them once. The unsorted
            // read stops at the first row out of order, so the failed attempt costs little.
            LoadTrace.Mark("rows out of order: reading them again sorted");
            columns = new Columns(total, query.IncludeSequences, query.Properties.Count > 0);
            runs = new Runs();
            if (!Read(store, query, sorted: true, names, runs, columns, progress))
            {
                throw new InvalidOperationException("the event store changed under a read transaction; this is a bug in the store");
            }
        }

        snapshot.Commit();
        LoadTrace.Mark($"rows, {runs.Customers.Count} customers");
        var traits = EventLogLoader.Traits(store, query);
        progress?.Report(total);
        return EventLog.FromColumns([.. runs.Customers], [.. runs.Offsets], names.Names, columns.NameIds, columns.Timestamps, columns.Sequences, columns.Properties, traits);
    }

    private sealed record NameCodes(string[] Names, ulong[] Hashes);

    private sealed class Columns(int total, bool sequences, bool properties)
    {
        public int Total { get; } = total;

        public int[] NameIds { get; } = new int[total];

        public long[] Timestamps { get; } = new long[total];

        public long[]? Sequences { get; } = sequences ? new long[total] : null;

        public IReadOnlyDictionary<string, object?>?[]? Properties { get; } = properties ? new IReadOnlyDictionary<string, object?>?[total] : null;
    }

    /// <summary>The customers with a wanted event, in customer order, and where each one's events end.</summary>
    private sealed class Runs
    {
        public List<string> Customers { get; } = [];

        public List<int> Offsets { get; } = [0];
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

    /// <summary>How many rows in the query's time range carry a wanted name: the size of every column.</summary>
    private static int Count(EventStore store, EventLogQuery query)
    {
        using var command = store.Connection.CreateCommand();
        // Accounts count an event once per account of its sender (and not at all for a sender in none).
        command.CommandText = "SELECT count(*) FROM " + (query.Unit == AnalysisUnit.Accounts ? Groups.EventSource(store, query.Unit) : "events")
            + EventLogLoader.RangeAndNames(command, query);
        var count = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        return count <= Array.MaxLength ? (int)count
            : throw new InvalidOperationException($"more than {Array.MaxLength:N0} events match; narrow the query with a time range or event names");
    }

    /// <summary>
    /// Fills <paramref name="columns"/> and <paramref name="runs"/>; false when the rows do not arrive in
    /// (customer, ts, seq) order (or, which a snapshot rules out, not as many as counted).
    /// </summary>
    private static bool Read(
        EventStore store,
        EventLogQuery query,
        bool sorted,
        NameCodes names,
        Runs runs,
        Columns columns,
        IProgress<long>? progress)
    {
        if (columns.Total == 0)
        {
            return true;
        }

        var wanted = query.Properties.ToHashSet(StringComparer.Ordinal);
        using var command = store.Connection.CreateCommand();
        // Streamed, not materialised: DuckDB.NET otherwise holds the whole result (32 bytes a row) before the first read.
        command.UseStreamingMode = true;
        command.CommandText = "SELECT hash(customer_id), hash(event), epoch_us(ts), seq, customer_id"
            + (wanted.Count > 0 ? ", CAST(properties AS VARCHAR)" : "")
            // Every name, filtered here rather than in SQL: a filtered parallel scan does not keep the table's order,
            // an unfiltered one does, and the order is what spares the sort.
            + " FROM " + Groups.EventSource(store, query.Unit) + EventLogLoader.RangeAndNames(command, query with { Events = null })
            + (sorted ? " ORDER BY customer_id, ts, seq" : "");
        var nameHashes = names.Hashes;
        var lookup = nameHashes.Length > 8 ? nameHashes.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i) : null;
        var (nameIds, timestamps, sequences, properties) = (columns.NameIds, columns.Timestamps, columns.Sequences, columns.Properties);
        var (customers, offsets, total) = (runs.Customers, runs.Offsets, columns.Total);
        using var reader = command.ExecuteReader();
        string? customer = null;
        var customerHash = 0UL;
        var (lastTs, lastSeq) = (long.MinValue, long.MinValue);
        var (i, runStart) = (0, 0);
        while (reader.Read())
        {
            var hash = reader.GetFieldValue<ulong>(0);
            if (customer is null || hash != customerHash)
            {
                if (i > runStart)
                {
                    customers.Add(customer!);
                    offsets.Add(i);
                }

                var next = reader.GetString(4);
                // Under ORDER BY, DuckDB's order is the order; otherwise a customer that sorts at or before the previous
                // one means its rows are not one run in customer order.
                if (!sorted && customer is not null && CompareAsUtf8(customer, next) >= 0)
                {
                    return false;
                }

                (customer, customerHash, runStart) = (next, hash, i);
                (lastTs, lastSeq) = (long.MinValue, long.MinValue);
            }

            var ts = reader.GetInt64(2);
            var seq = reader.GetInt64(3);
            if (ts < lastTs || (ts == lastTs && seq < lastSeq))
            {
                return false;
            }

            (lastTs, lastSeq) = (ts, seq);
            var code = Code(reader.GetFieldValue<ulong>(1), nameHashes, lookup);
            if (code < 0)
            {
                continue;
            }

            if (i == total)
            {
                return false;
            }

            nameIds[i] = code;
            timestamps[i] = ts;
            if (sequences is not null)
            {
                sequences[i] = seq;
            }

            if (properties is not null && !reader.IsDBNull(5))
            {
                properties[i] = EventLogLoader.Pick(reader.GetString(5), wanted);
            }

            i++;
            if (progress is not null && (i & 0xFFFFF) == 0)
            {
                progress.Report(i);
            }
        }

        if (i > runStart)
        {
            customers.Add(customer!);
            offsets.Add(i);
        }

        return i == total;
    }

    /// <summary>
    /// Ordinal order of the strings' code points, which is DuckDB's VARCHAR order (the UTF-8 bytes): UTF-16 code units
    /// agree with it except that surrogates (code points above U+FFFF) sort after U+E000..U+FFFF.
    /// </summary>
    internal static int CompareAsUtf8(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var k = 0; k < n; k++)
        {
            if (a[k] != b[k])
            {
                return CodePointRank(a[k]) - CodePointRank(b[k]);
            }
        }

        return a.Length - b.Length;
    }

    private static int CodePointRank(char c) => c >= '\uE000' ? c - 0x800 : c >= '\uD800' ? c + 0x2000 : c;

    /// <summary>The code of a name the query wants, or -1 for a name it does not (read only to keep the rows in order).</summary>
    private static int Code(ulong hash, ulong[] hashes, Dictionary<ulong, int>? lookup)
    {
        if (lookup is not null)
        {
            return lookup.TryGetValue(hash, out var code) ? code : -1;
        }

        for (var k = 0; k < hashes.Length; k++)
        {
            if (hashes[k] == hash)
            {
                return k;
            }
        }

        return -1;
    }
}
