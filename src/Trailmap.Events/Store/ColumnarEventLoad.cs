using System.Globalization;
using DuckDB.NET.Data;
using Trailmap.Analytics.Events;

namespace Trailmap.Events;

/// <summary>
/// Loads a whole snapshot of the events a query asks for into an <see cref="EventLog"/> without a managed string per
/// row. One read transaction (one snapshot) runs three queries: the event names and their hashes, then each customer
/// with its hash, its row count and how many of its rows carry a wanted name (GROUP BY, so one string per customer),
/// then the rows themselves as four numbers: hash(customer), hash(event), epoch microseconds and arrival sequence,
/// keeping those with a wanted name. The rows are read in the table's physical
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
        LoadTrace.Mark("start");
        using var snapshot = store.Connection.BeginTransaction();
        var names = Names(store, query);
        LoadTrace.Mark($"{names.Names.Length} names");
        if (names.Hashes.Distinct().Count() != names.Hashes.Length)
        {
            return null;
        }

        var runs = Customers(store, query);
        var total = runs.Offsets[^1];
        LoadTrace.Mark($"{runs.Customers.Count} customers, {total} events");
        var columns = new Columns(total, query.IncludeSequences, query.Properties.Count > 0);
        if (!Read(store, query, sorted: false, names, runs, columns, progress))
        {
            // Rows appended out of order (the ingestion spool appends, only imports sort): sort this once.
            LoadTrace.Mark("rows out of order: reading them again sorted");
            columns = new Columns(total, query.IncludeSequences, query.Properties.Count > 0);
            if (!Read(store, query, sorted: true, names, runs, columns, progress))
            {
                throw new InvalidOperationException("the event store changed under a read transaction; this is a bug in the store");
            }
        }

        snapshot.Commit();
        LoadTrace.Mark("rows");
        var traits = EventLogLoader.Traits(store, query);
        progress?.Report(total);
        return EventLog.FromColumns([.. runs.Customers], [.. runs.Offsets], names.Names, columns.NameIds, columns.Timestamps, columns.Sequences, columns.Properties, traits);
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

    /// <summary>
    /// Every customer with an event in the query's time range, in customer_id order, with hash(customer_id), the
    /// length of its run of rows (every name) and how many of those rows the query wants (its names only).
    /// </summary>
    private static Runs Customers(EventStore store, EventLogQuery query)
    {
        using var command = store.Connection.CreateCommand();
        var wanted = "count(*)";
        if (query.Events is { } names)
        {
            var placeholders = names.Distinct(StringComparer.Ordinal).Select((name, i) =>
            {
                var p = "w" + i.ToString(CultureInfo.InvariantCulture);
                command.Parameters.Add(new DuckDBParameter(p, name));
                return "$" + p;
            }).ToList();
            wanted = placeholders.Count == 0 ? "0" : "count(*) FILTER (WHERE event IN (" + string.Join(", ", placeholders) + "))";
        }

        command.CommandText = $"SELECT customer_id, hash(customer_id), count(*), {wanted} FROM events"
            + EventLogLoader.RangeAndNames(command, query with { Events = null }) + " GROUP BY customer_id ORDER BY customer_id";
        var runs = new Runs();
        using var reader = command.ExecuteReader();
        long rows = 0, kept = 0;
        while (reader.Read())
        {
            runs.Hashes.Add(reader.GetFieldValue<ulong>(1));
            rows += reader.GetInt64(2);
            runs.RunEnds.Add(Checked(rows));
            var keep = reader.GetInt64(3);
            runs.Wanted.Add((int)keep);
            if (keep > 0)
            {
                kept += keep;
                runs.Customers.Add(reader.GetString(0));
                runs.Offsets.Add(Checked(kept));
            }
        }

        return runs;
    }

    private static int Checked(long count) => count <= Array.MaxLength ? (int)count
        : throw new InvalidOperationException($"more than {Array.MaxLength:N0} events match; narrow the query with a time range or event names");

    /// <summary>
    /// Each customer's run of rows in the time range (every name, as the rows arrive) and, for the customers with an
    /// event the query wants, the log's customer list and offsets.
    /// </summary>
    private sealed class Runs
    {
        public List<ulong> Hashes { get; } = [];

        public List<int> RunEnds { get; } = [];

        public List<int> Wanted { get; } = [];

        public List<string> Customers { get; } = [];

        public List<int> Offsets { get; } = [0];
    }

    /// <summary>Fills <paramref name="columns"/>; false when the rows do not arrive in (customer, ts, seq) order.</summary>
    private static bool Read(
        EventStore store,
        EventLogQuery query,
        bool sorted,
        NameCodes names,
        Runs runs,
        Columns columns,
        IProgress<long>? progress)
    {
        if (runs.Offsets[^1] == 0)
        {
            return true;
        }

        var wanted = query.Properties.ToHashSet(StringComparer.Ordinal);
        using var command = store.Connection.CreateCommand();
        // Streamed, not materialised: DuckDB.NET otherwise holds the whole result (32 bytes a row) before the first read.
        command.UseStreamingMode = true;
        command.CommandText = "SELECT hash(customer_id), hash(event), epoch_us(ts), seq"
            + (wanted.Count > 0 ? ", CAST(properties AS VARCHAR)" : "")
            // Every name, filtered here rather than in SQL: a filtered parallel scan does not keep the table's order,
            // an unfiltered one does, and the order is what spares the sort.
            + " FROM events" + EventLogLoader.RangeAndNames(command, query with { Events = null })
            + (sorted ? " ORDER BY customer_id, ts, seq" : "");
        var nameHashes = names.Hashes;
        var lookup = nameHashes.Length > 8 ? nameHashes.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i) : null;
        var (nameIds, timestamps, sequences, properties) = (columns.NameIds, columns.Timestamps, columns.Sequences, columns.Properties);
        using var reader = command.ExecuteReader();
        var (hashes, runEnds, wantedCounts) = (runs.Hashes, runs.RunEnds, runs.Wanted);
        var totalRows = runEnds.Count == 0 ? 0 : runEnds[^1];
        var customer = -1;
        var nextStart = 0;
        var expected = 0UL;
        var (lastTs, lastSeq) = (long.MinValue, long.MinValue);
        var (row, i) = (0, 0);
        while (reader.Read())
        {
            if (row == totalRows)
            {
                return false;
            }

            if (row == nextStart)
            {
                customer++;
                nextStart = runEnds[customer];
                expected = hashes[customer];
                (lastTs, lastSeq) = (long.MinValue, long.MinValue);
            }

            row++;
            var ts = reader.GetInt64(2);
            var seq = reader.GetInt64(3);
            if (reader.GetFieldValue<ulong>(0) != expected || ts < lastTs || (ts == lastTs && seq < lastSeq))
            {
                return false;
            }

            (lastTs, lastSeq) = (ts, seq);
            var code = Code(reader.GetFieldValue<ulong>(1), nameHashes, lookup);
            if (code < 0 || wantedCounts[customer] == 0)
            {
                continue;
            }

            nameIds[i] = code;
            timestamps[i] = ts;
            if (sequences is not null)
            {
                sequences[i] = seq;
            }

            if (properties is not null && !reader.IsDBNull(4))
            {
                properties[i] = EventLogLoader.Pick(reader.GetString(4), wanted);
            }

            i++;
            if (progress is not null && (i & 0xFFFFF) == 0)
            {
                progress.Report(i);
            }
        }

        return row == totalRows && i == runs.Offsets[^1];
    }

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
