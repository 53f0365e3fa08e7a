using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using DuckDB.NET.Data;

namespace Trailmap.Events;

/// <summary>
/// A derived, disposable copy of the events table beside the store file (<c>STORE.snapshot</c>): customer-ordered,
/// integer-coded, checksummed (layout in <see cref="SnapshotFormat"/>). A whole-log load reads it instead of the
/// table: no sorting SQL scan, no string per row, only the wanted names' rows kept. Event properties, when a load names
/// some, are read from the table afterwards, unsorted, and placed by sequence number.
/// <para>
/// The durable store stays the DuckDB file; the snapshot is only trusted when its header matches the store. Rows that
/// landed after it (ingestion, a later import) are read from the table and merged in, customer by customer, as a
/// second sorted run. When that tail grows past a quarter of the snapshot, or the snapshot is missing, damaged or
/// belongs to another store, it is rebuilt from the table (compaction), written atomically. Set
/// <c>TRAILMAP_SNAPSHOT=0</c> to read the table directly.
/// </para>
/// </summary>
internal static class EventSnapshot
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("TRAILMAP_SNAPSHOT") != "0";

    private const int Chunk = 1 << 16;

    /// <summary>
    /// Snapshots of at least <c>Rows</c> rows are read in up to <c>Parts</c> parts at once (one per core, at most four).
    /// Tests lower both to run the parallel read on small stores; either way a load gives the same log.
    /// </summary>
    internal static (long Rows, int Parts) Parallelism { get; set; } = (1_000_000, Math.Min(Environment.ProcessorCount, 4));

    /// <summary>Tails up to this many rows are merged even into a small snapshot, rather than rebuilding it.</summary>
    private const long SmallTail = 50_000;

    /// <summary>Where the snapshot of <paramref name="store"/> lives, or null for a store without a file.</summary>
    public static string? PathFor(EventStore store) =>
        store.Path == StoreLocation.InMemory ? null : store.Path + ".snapshot";

    /// <summary>The version of the events table (call inside a read transaction).</summary>
    public static StoreVersion StoreVersion(EventStore store)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = """
            SELECT count(*), coalesce(max(seq), 0), (SELECT min(id) FROM store_identity) FROM events
            """;
        using var reader = command.ExecuteReader();
        reader.Read();
        return new StoreVersion(reader.GetInt64(0), reader.GetInt64(1), (long)SnapshotFormat.Checksum(System.Text.Encoding.UTF8.GetBytes(reader.GetString(2))));
    }

    /// <summary>
    /// Brings the snapshot up to date after an import: rebuilt only when it is missing, foreign, damaged or the
    /// rows since it exceed what a load merges as a tail, so a small import into a big store costs what it imports,
    /// not a pass over the whole store. A failure to write it only costs speed, never the import.
    /// </summary>
    public static void Refresh(EventStore store)
    {
        if (!Enabled || PathFor(store) is not { } path)
        {
            return;
        }

        try
        {
            if (StillServes(store, path))
            {
                LoadTrace.Mark("snapshot kept: the new rows are a tail a load merges");
                return;
            }

            SnapshotWriter.Write(store, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LoadTrace.Mark("snapshot not written: " + ex.Message);
        }
    }

    /// <summary>The log from the snapshot (rebuilding it when needed), or null when this query or store cannot use one.</summary>
    public static EventLog? TryLoad(EventStore store, EventLogQuery query, IProgress<long>? progress)
    {
        if (!Enabled || query.AfterSequence is not null || query.ChangedAfterSequence is not null
            || PathFor(store) is not { } path)
        {
            return null;
        }

        // Properties are not in the snapshot: they are read from the table by sequence number afterwards. Merged
        // identities regroup the rows under their persons, ordered by (ts, seq) within a person: both need sequences.
        var withProperties = query.Properties.Count > 0;
        var personOf = Identities.PersonMap(store);
        var rowsQuery = withProperties || personOf is not null ? query with { IncludeSequences = true } : query;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                if (TryLoadFresh(store, rowsQuery, path, progress) is { } log)
                {
                    if (withProperties)
                    {
                        if (WithProperties(store, personOf is null ? query : rowsQuery, log) is not { } placed)
                        {
                            return null;
                        }

                        log = placed;
                    }

                    return personOf is null ? log : IdentityMerge.Apply(log, personOf, query.IncludeSequences);
                }
            }
            catch (SnapshotDamagedException ex)
            {
                LoadTrace.Mark(ex.Message + "; rebuilding it");
                TryDelete(path);
            }

            try
            {
                if (!SnapshotWriter.Write(store, path))
                {
                    return null;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A read-only folder: read the table instead.
                LoadTrace.Mark("snapshot not written: " + ex.Message);
                return null;
            }
        }

        return null;
    }

    /// <summary>The log, or null when the snapshot is missing, belongs to another store, or trails the table by too much.</summary>
    private static EventLog? TryLoadFresh(EventStore store, EventLogQuery query, string path, IProgress<long>? progress)
    {
        using var snapshot = SnapshotReader.Open(path);
        if (snapshot is null)
        {
            return null;
        }

        var header = snapshot.Header;
        Tail tail;
        using (var transaction = store.Connection.BeginTransaction())
        {
            if (TailRows(store, header) is not { } tailRows)
            {
                return null;
            }

            tail = tailRows == 0 ? Tail.Empty : ReadTail(store, query, header.MaxSequence);
            transaction.Commit();
        }

        LoadTrace.Mark($"snapshot: {header.Rows} rows, tail of {tail.Rows}");
        var log = Load(snapshot, query, tail, EventLogLoader.Traits(store, query), progress);
        LoadTrace.Mark($"snapshot rows read, {log.CustomerCount} customers");
        return log;
    }

    /// <summary>
    /// The log with the query's properties of each event, read from the table without sorting: only rows that have
    /// one of the wanted keys, placed by their sequence number. Null when the log's sequence numbers are too sparse
    /// for a direct index (more than twice its events plus a million), so the caller reads the table instead.
    /// </summary>
    private static EventLog? WithProperties(EventStore store, EventLogQuery query, EventLog log)
    {
        var n = log.EventCount;
        var sequences = log.Sequences;
        var properties = new IReadOnlyDictionary<string, object?>?[n];
        if (n > 0)
        {
            var (lo, hi) = (long.MaxValue, long.MinValue);
            foreach (var seq in sequences)
            {
                (lo, hi) = (Math.Min(lo, seq), Math.Max(hi, seq));
            }

            var span = hi - lo + 1;
            if (span > 2L * n + 1_000_000 || span > Array.MaxLength)
            {
                LoadTrace.Mark($"snapshot: {span} sequence numbers for {n} events are too sparse to place properties; reading the table");
                return null;
            }

            var at = new int[span];
            Array.Fill(at, -1);
            for (var i = 0; i < n; i++)
            {
                at[sequences[i] - lo] = i;
            }

            var wanted = query.Properties.ToHashSet(StringComparer.Ordinal);
            using var command = store.Connection.CreateCommand();
            var where = EventLogLoader.RangeAndNames(command, query);
            var keys = new List<string>();
            foreach (var key in wanted)
            {
                var name = "p" + keys.Count.ToString(CultureInfo.InvariantCulture);
                keys.Add("$" + name);
                command.Parameters.Add(new DuckDBParameter(name, key));
            }

            command.Parameters.Add(new DuckDBParameter("lo", lo));
            command.Parameters.Add(new DuckDBParameter("hi", hi));
            command.CommandText = "SELECT seq, CAST(properties AS VARCHAR) FROM events" + where
                + (where.Length > 0 ? " AND" : " WHERE") + " seq BETWEEN $lo AND $hi AND json_type(properties) = 'OBJECT'"
                + " AND list_has_any(json_keys(properties), [" + string.Join(", ", keys) + "])";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (at[reader.GetInt64(0) - lo] is var i and >= 0)
                {
                    properties[i] = EventLogLoader.Pick(reader.GetString(1), wanted);
                }
            }
        }

        LoadTrace.Mark("snapshot: properties placed");
        return EventLog.FromColumns(log.Customers, log.Offsets, log.Names, log.NameIds, log.Timestamps,
            query.IncludeSequences ? sequences : null, properties, log.Traits);
    }

    /// <summary>Whether the snapshot at <paramref name="path"/> is whole and serves the table with at most a mergeable tail.</summary>
    private static bool StillServes(EventStore store, string path)
    {
        try
        {
            using var snapshot = SnapshotReader.Open(path);
            if (snapshot is null)
            {
                return false;
            }

            using var transaction = store.Connection.BeginTransaction();
            var serves = TailRows(store, snapshot.Header) is not null;
            transaction.Commit();
            return serves;
        }
        catch (SnapshotDamagedException)
        {
            return false;
        }
    }

    /// <summary>
    /// The rows stored after the snapshot when it is this store's and they are few enough to merge at load time
    /// (at most a quarter of the snapshot, or <see cref="SmallTail"/>); null when it must be rebuilt: another store's,
    /// rows missing below its sequence (the table was rewritten), or too far behind. Call inside a read transaction.
    /// </summary>
    private static long? TailRows(EventStore store, SnapshotHeader header)
    {
        var version = StoreVersion(store);
        var tailRows = version.Rows - header.Rows;
        if (version.StoreId != header.StoreId || tailRows < 0 || version.MaxSequence < header.MaxSequence
            || tailRows > Math.Max(SmallTail, header.Rows / 4)
            || (tailRows > 0 && CountUpTo(store, header.MaxSequence) != header.Rows)
            || (tailRows == 0 && version.MaxSequence != header.MaxSequence))
        {
            return null;
        }

        return tailRows;
    }

    private static long CountUpTo(EventStore store, long maxSequence)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM events WHERE seq <= $max";
        command.Parameters.Add(new DuckDBParameter("max", maxSequence));
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The rows stored after the snapshot, by customer in UTF-8 order, each customer's in (ts, seq) order.</summary>
    private sealed record Tail(List<TailCustomer> Customers, int Rows)
    {
        public static readonly Tail Empty = new([], 0);
    }

    private sealed record TailCustomer(string Id, byte[] Utf8, List<(string Name, long Ts, long Seq)> Rows);

    private static Tail ReadTail(EventStore store, EventLogQuery query, long after)
    {
        var byCustomer = new Dictionary<string, TailCustomer>(StringComparer.Ordinal);
        var rows = 0;
        using (var command = store.Connection.CreateCommand())
        {
            var where = EventLogLoader.RangeAndNames(command, query);
            command.CommandText = "SELECT customer_id, event, epoch_us(ts), seq FROM events" + where
                + (where.Length > 0 ? " AND" : " WHERE") + " seq > $after ORDER BY customer_id, ts, seq";
            command.Parameters.Add(new DuckDBParameter("after", after));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetString(0);
                if (!byCustomer.TryGetValue(id, out var customer))
                {
                    byCustomer[id] = customer = new TailCustomer(id, Encoding.UTF8.GetBytes(id), []);
                }

                customer.Rows.Add((reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
                rows++;
            }
        }

        var list = byCustomer.Values.ToList();
        list.Sort((a, b) => a.Utf8.AsSpan().SequenceCompareTo(b.Utf8));
        return new Tail(list, rows);
    }

    private static EventLog Load(
        SnapshotReader snapshot,
        EventLogQuery query,
        Tail tail,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits,
        IProgress<long>? progress)
    {
        var header = snapshot.Header;
        var (storedNames, counts) = snapshot.ReadNames();

        // The log's names: the query's, in its order, or every stored name and tail name in UTF-8 order.
        string[] names;
        if (query.Events is { } wanted)
        {
            names = wanted.Distinct(StringComparer.Ordinal).ToArray();
        }
        else
        {
            var all = new SortedSet<string>(storedNames, Comparer<string>.Create(ColumnarEventLoad.CompareAsUtf8));
            foreach (var c in tail.Customers)
            {
                foreach (var (name, _, _) in c.Rows)
                {
                    all.Add(name);
                }
            }

            names = [.. all];
        }

        var outCode = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        var map = storedNames.Select(n => outCode.TryGetValue(n, out var c) ? c : -1).ToArray();
        var bound = tail.Rows + storedNames.Select((_, i) => map[i] >= 0 ? counts[i] : 0).Sum();
        if (bound > Array.MaxLength)
        {
            throw new InvalidOperationException($"more than {Array.MaxLength:N0} events match; narrow the query with a time range or event names");
        }

        var (fromUs, toUs) = (Micros(query.From, long.MinValue), Micros(query.To, long.MaxValue));
        var (customerBytes, customerStarts) = snapshot.ReadCustomers();
        var offsets = snapshot.ReadOffsets();
        var load = new PartLoad(snapshot, offsets, customerBytes, customerStarts, tail, map, outCode, fromUs, toUs, query.IncludeSequences, progress);
        var parts = Parts(header, offsets, load, tail);
        var nameIds = new int[bound];
        var timestamps = new long[bound];
        var sequences = query.IncludeSequences ? new long[bound] : null;
        Output[] outputs;
        if (parts.Length == 1)
        {
            outputs = [new Output(nameIds, timestamps, sequences, 0, (int)bound)];
            load.Fill(parts[0], outputs[0], verify: true);
        }
        else
        {
            // Each part writes its own region of the columns, sized by the rows it can keep (its wanted names, counted
            // while the codes' checksum is checked); the timestamps' and sequences' checksums are checked beside.
            var regions = WantedRows(snapshot, offsets, parts, map);
            outputs = new Output[parts.Length];
            var at = 0;
            for (var k = 0; k < parts.Length; k++)
            {
                var size = regions[k] + parts[k].TailRows(tail);
                outputs[k] = new Output(nameIds, timestamps, sequences, at, (int)Math.Min(bound, at + size));
                at = (int)Math.Min(bound, at + size);
            }

            Run(parts.Length + 1, k =>
            {
                if (k < parts.Length)
                {
                    load.Fill(parts[k], outputs[k], verify: false);
                }
                else
                {
                    snapshot.Verify<long>(4);
                    if (query.IncludeSequences)
                    {
                        snapshot.Verify<long>(5);
                    }
                }
            });
        }

        return Output.Build(outputs, nameIds, timestamps, sequences, names, traits);
    }

    /// <summary>
    /// Splits the snapshot's customers into runs of about equal rows, one per core (at most four), for a load that
    /// reads them at once; one run for small snapshots. Each run also takes the tail customers that sort before its
    /// last customer's successor, so the tail merges in order within every run.
    /// </summary>
    private static Part[] Parts(SnapshotHeader header, long[] offsets, PartLoad load, Tail tail)
    {
        var count = header.Rows < Parallelism.Rows ? 1 : (int)Math.Min(Parallelism.Parts, header.CustomerCount);
        if (count <= 1)
        {
            return [new Part(0, (int)header.CustomerCount, 0, tail.Customers.Count)];
        }

        var parts = new List<Part>();
        var (c0, t0) = (0, 0);
        for (var k = 1; k <= count; k++)
        {
            int c1;
            if (k == count)
            {
                c1 = (int)header.CustomerCount;
            }
            else
            {
                // The first customer whose rows start at or after this part's share of the rows.
                var target = header.Rows * k / count;
                c1 = Array.BinarySearch(offsets, target);
                c1 = c1 < 0 ? ~c1 : c1;
                c1 = Math.Clamp(c1, c0 + 1, (int)header.CustomerCount);
            }

            if (c1 <= c0)
            {
                continue;
            }

            var t1 = tail.Customers.Count;
            if (c1 < header.CustomerCount)
            {
                var next = load.CustomerUtf8(c1);
                t1 = t0;
                while (t1 < tail.Customers.Count && tail.Customers[t1].Utf8.AsSpan().SequenceCompareTo(next) < 0)
                {
                    t1++;
                }
            }

            parts.Add(new Part(c0, c1, t0, t1));
            (c0, t0) = (c1, t1);
        }

        return [.. parts];
    }

    /// <summary>Per part, the snapshot rows whose name the load keeps; checks the codes' checksum on the way.</summary>
    private static long[] WantedRows(SnapshotReader snapshot, long[] offsets, Part[] parts, int[] map)
    {
        var wanted = new long[parts.Length];
        var codes = snapshot.Column<ushort>(3);
        var chunk = new ushort[Chunk];
        var (row, k) = (0L, 0);
        while (row < snapshot.Header.Rows)
        {
            var n = codes.Next(chunk);
            for (var i = 0; i < n; i++, row++)
            {
                while (row >= offsets[parts[k].LastCustomer])
                {
                    k++;
                }

                var raw = chunk[i];
                if (raw < map.Length && map[raw] >= 0)
                {
                    wanted[k]++;
                }
            }
        }

        codes.Finish();
        return wanted;
    }

    /// <summary>
    /// Runs <paramref name="work"/> for 0..count-1 at once. A failure surfaces as itself, not wrapped, a damaged snapshot
    /// first: the caller rebuilds a damaged one, as after a sequential read.
    /// </summary>
    private static void Run(int count, Action<int> work)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, work);
        }
        catch (AggregateException ex)
        {
            var first = ex.InnerExceptions.FirstOrDefault(e => e is SnapshotDamagedException) ?? ex.InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
    }

    /// <summary>A run of snapshot customers [First, LastCustomer) and of tail customers [FirstTail, EndTail).</summary>
    private readonly record struct Part(int First, int LastCustomer, int FirstTail, int EndTail)
    {
        public int TailRows(Tail tail)
        {
            var rows = 0;
            for (var t = FirstTail; t < EndTail; t++)
            {
                rows += tail.Customers[t].Rows.Count;
            }

            return rows;
        }
    }

    /// <summary>What every part of one load reads from: the snapshot, its customers, the tail and the query's codes and range.</summary>
    private sealed class PartLoad(
        SnapshotReader snapshot,
        long[] offsets,
        byte[] customerBytes,
        int[] customerStarts,
        Tail tail,
        int[] map,
        Dictionary<string, int> outCode,
        long fromUs,
        long toUs,
        bool withSequences,
        IProgress<long>? progress)
    {
        private readonly Lock progressGate = new();
        private long reported;

        public ReadOnlySpan<byte> CustomerUtf8(int c) => customerBytes.AsSpan(customerStarts[c], customerStarts[c + 1] - 4 - customerStarts[c]);

        /// <summary>Reads a part's rows into its output, merging the tail's rows of its customers in place.</summary>
        public void Fill(Part part, Output output, bool verify)
        {
            var (first, end) = (offsets[part.First], offsets[part.LastCustomer]);
            var codes = verify ? snapshot.Column<ushort>(3) : snapshot.Column<ushort>(3, first, end - first);
            var times = verify ? snapshot.Column<long>(4) : snapshot.Column<long>(4, first, end - first);
            var sequences = !withSequences ? null : verify ? snapshot.Column<long>(5) : snapshot.Column<long>(5, first, end - first);
            var codeChunk = new ushort[Chunk];
            var timeChunk = new long[Chunk];
            var seqChunk = sequences is null ? null : new long[Chunk];

            var t = part.FirstTail;
            var customer = part.First - 1;
            TailCustomer? matching = null;
            var row = first;
            while (row < end)
            {
                var n = codes.Next(codeChunk);
                times.Next(timeChunk.AsSpan(0, n));
                sequences?.Next(seqChunk.AsSpan(0, n));
                var before = output.Count;
                for (var k = 0; k < n; k++, row++)
                {
                    if (customer < part.First || row == offsets[customer + 1])
                    {
                        if (customer >= part.First)
                        {
                            Finish(customer);
                        }

                        customer++;
                        var bytes = CustomerUtf8(customer);
                        while (t < part.EndTail && tail.Customers[t].Utf8.AsSpan().SequenceCompareTo(bytes) < 0)
                        {
                            output.AppendTailOnly(tail.Customers[t++], outCode);
                        }

                        matching = t < part.EndTail && tail.Customers[t].Utf8.AsSpan().SequenceEqual(bytes) ? tail.Customers[t++] : null;
                    }

                    // A code or a count that does not fit is damage the column's checksum would report only at its end.
                    var raw = codeChunk[k];
                    var code = raw < map.Length ? map[raw] : throw SnapshotReader.Damaged("codes");
                    var ts = timeChunk[k];
                    if (code >= 0 && ts >= fromUs && ts < toUs)
                    {
                        output.Append(code, ts, seqChunk is null ? 0 : seqChunk[k]);
                    }
                }

                Report(output.Count - before);
            }

            if (customer >= part.First)
            {
                Finish(customer);
            }

            while (t < part.EndTail)
            {
                output.AppendTailOnly(tail.Customers[t++], outCode);
            }

            codes.Finish();
            times.Finish();
            sequences?.Finish();

            void Finish(int c)
            {
                if (matching is not null)
                {
                    output.MergeTail(matching, outCode);
                    matching = null;
                }

                output.EndCustomer(customerBytes, customerStarts[c], customerStarts[c + 1] - 4 - customerStarts[c]);
            }
        }

        private void Report(int rows)
        {
            if (progress is null)
            {
                return;
            }

            lock (progressGate)
            {
                reported += rows;
                progress.Report(reported);
            }
        }
    }

    private static long Micros(DateTimeOffset? at, long otherwise) =>
        at is { } value ? (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : otherwise;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LoadTrace.Mark("damaged snapshot not deleted: " + ex.Message);
        }
    }

    /// <summary>
    /// One part's region [start, end) of the log's columns as it fills, customer by customer. The columns are shared by
    /// every part of a load; <see cref="Build"/> closes the gaps between the regions.
    /// </summary>
    private sealed class Output(int[] nameIds, long[] timestamps, long[]? sequences, int start, int end)
    {
        private readonly List<string> customers = [];
        private readonly List<int> ends = [];
        private int customerStart = start;

        public int Start { get; } = start;

        public int Count { get; private set; } = start;

        // Called once per wanted row (8M in a 10M-event funnel): inlined into the read loop rather than called.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Append(int code, long ts, long seq)
        {
            if (Count == end)
            {
                throw SnapshotReader.Damaged("name counts");
            }

            nameIds[Count] = code;
            timestamps[Count] = ts;
            if (sequences is not null)
            {
                sequences[Count] = seq;
            }

            Count++;
        }

        /// <summary>Ends the current customer; the id is decoded only when the customer kept a row.</summary>
        public void EndCustomer(byte[] utf8, int at, int length)
        {
            if (Count > customerStart)
            {
                EndCustomer(Encoding.UTF8.GetString(utf8, at, length));
            }
        }

        public void AppendTailOnly(TailCustomer tail, Dictionary<string, int> outCode)
        {
            MergeTail(tail, outCode);
            if (Count > customerStart)
            {
                EndCustomer(tail.Id);
            }
        }

        /// <summary>
        /// Appends the tail's rows of the current customer and merges them into place by time. Every tail row arrived
        /// after every snapshot row, so at equal times the snapshot's row stays first.
        /// </summary>
        public void MergeTail(TailCustomer tail, Dictionary<string, int> outCode)
        {
            var firstTail = Count;
            foreach (var (name, ts, seq) in tail.Rows)
            {
                if (outCode.TryGetValue(name, out var code))
                {
                    Append(code, ts, seq);
                }
            }

            if (firstTail == customerStart || Count == firstTail || timestamps[firstTail - 1] <= timestamps[firstTail])
            {
                return;
            }

            var segment = Enumerable.Range(customerStart, Count - customerStart)
                .Select(i => (Ts: timestamps[i], Tail: i >= firstTail, Code: nameIds[i], Seq: sequences?[i] ?? 0, At: i))
                .OrderBy(r => r.Ts).ThenBy(r => r.Tail).ThenBy(r => r.At)
                .ToList();
            for (var k = 0; k < segment.Count; k++)
            {
                var at = customerStart + k;
                (timestamps[at], nameIds[at]) = (segment[k].Ts, segment[k].Code);
                if (sequences is not null)
                {
                    sequences[at] = segment[k].Seq;
                }
            }
        }

        /// <summary>The log of every part's region in order, the regions moved together where a part kept fewer rows than it had room for.</summary>
        public static EventLog Build(
            Output[] parts,
            int[] nameIds,
            long[] timestamps,
            long[]? sequences,
            string[] names,
            IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits)
        {
            var customers = new string[parts.Sum(p => p.customers.Count)];
            var offsets = new int[customers.Length + 1];
            var (count, c) = (0, 0);
            foreach (var part in parts)
            {
                var (from, rows) = (part.Start, part.Count - part.Start);
                if (from != count && rows > 0)
                {
                    Array.Copy(nameIds, from, nameIds, count, rows);
                    Array.Copy(timestamps, from, timestamps, count, rows);
                    if (sequences is not null)
                    {
                        Array.Copy(sequences, from, sequences, count, rows);
                    }
                }

                for (var i = 0; i < part.customers.Count; i++, c++)
                {
                    customers[c] = part.customers[i];
                    offsets[c + 1] = part.ends[i] - from + count;
                }

                count += rows;
            }

            if (count < nameIds.Length)
            {
                Array.Resize(ref nameIds, count);
                Array.Resize(ref timestamps, count);
                if (sequences is not null)
                {
                    Array.Resize(ref sequences, count);
                }
            }

            return EventLog.FromColumns(customers, offsets, names, nameIds, timestamps, sequences, null, traits);
        }

        private void EndCustomer(string id)
        {
            customers.Add(id);
            ends.Add(Count);
            customerStart = Count;
        }
    }
}
