using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using DuckDB.NET.Data;

namespace Trailmap.Events;

/// <summary>
/// Writes an event snapshot of the whole events table: reads the rows once in the table's order (integers only: DuckDB's
/// hashes of the customer and the name, microseconds, sequence), orders them by customer with a counting sort and
/// within a customer by (ts, seq), and writes the file under a temporary name, flushed to disk, then renamed over the
/// old one. A crash at any point leaves either the old snapshot or the new one, never a half-written file under the
/// snapshot's name; a leftover temporary file is ignored and replaced by the next build.
/// </summary>
internal static class SnapshotWriter
{
    private const int Chunk = 1 << 16;

    /// <summary>Writes the snapshot of <paramref name="store"/> to <paramref name="path"/>; false when the store's names or customers cannot be coded (a hash collision, over 65,535 names).</summary>
    public static bool Write(EventStore store, string path)
    {
        using var snapshot = store.Connection.BeginTransaction();
        var version = EventSnapshot.StoreVersion(store);
        LoadTrace.Mark($"snapshot build: version {version.Rows} rows");
        if (version.Rows > Array.MaxLength)
        {
            return false;
        }

        var names = Names(store);
        if (names is null)
        {
            return false;
        }

        var customers = Customers(store);
        if (customers is null)
        {
            return false;
        }

        LoadTrace.Mark($"snapshot build: {names.Value.Names.Length} names, {customers.Value.Ids.Length} customers");
        var rows = (int)version.Rows;
        var customerOf = new int[rows];
        var codes = new ushort[rows];
        var timestamps = new long[rows];
        var sequences = new long[rows];
        var read = ReadRows(store, version, names.Value.Codes, customers.Value.Index, new RowColumns(customerOf, codes, timestamps, sequences));
        snapshot.Commit();
        if (read != rows)
        {
            throw new InvalidOperationException($"the events table changed during a read transaction ({read} rows read, {rows} counted); this is a bug in the store");
        }

        LoadTrace.Mark("snapshot build: rows read");
        var (order, offsets) = Order(customerOf, customers.Value.Ids.Length, timestamps, sequences);
        LoadTrace.Mark("snapshot build: ordered");
        WriteFile(path, version, names.Value.Names, names.Value.Counts, customers.Value.Ids, offsets, order, codes, timestamps, sequences);
        LoadTrace.Mark("snapshot build: written");
        return true;
    }

    private readonly record struct NameTable(string[] Names, long[] Counts, Dictionary<ulong, ushort> Codes);

    private readonly record struct CustomerTable(string[] Ids, HashIndex Index);

    private static NameTable? Names(EventStore store)
    {
        var list = new List<(string Name, ulong Hash, long Count)>();
        using (var command = store.Connection.CreateCommand())
        {
            command.CommandText = "SELECT event, hash(event), count(*) FROM events GROUP BY event";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add((reader.GetString(0), reader.GetFieldValue<ulong>(1), reader.GetInt64(2)));
            }
        }

        if (list.Count > ushort.MaxValue)
        {
            return null;
        }

        list.Sort((a, b) => ColumnarEventLoad.CompareAsUtf8(a.Name, b.Name));
        var codes = new Dictionary<ulong, ushort>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (!codes.TryAdd(list[i].Hash, (ushort)i))
            {
                return null;
            }
        }

        return new NameTable([.. list.Select(n => n.Name)], [.. list.Select(n => n.Count)], codes);
    }

    private static CustomerTable? Customers(EventStore store)
    {
        var list = new List<(string Id, ulong Hash)>();
        using (var command = store.Connection.CreateCommand())
        {
            command.UseStreamingMode = true;
            // DuckDB sorts VARCHAR by its UTF-8 bytes, the snapshot's order, in parallel; sorting the million ids here
            // with a comparison took longer. The order is checked on the way, and sorted here only if it differs.
            command.CommandText = "SELECT customer_id, hash(customer_id) FROM events GROUP BY customer_id ORDER BY customer_id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add((reader.GetString(0), reader.GetFieldValue<ulong>(1)));
            }
        }

        for (var i = 1; i < list.Count; i++)
        {
            if (ColumnarEventLoad.CompareAsUtf8(list[i - 1].Id, list[i].Id) >= 0)
            {
                list.Sort((a, b) => ColumnarEventLoad.CompareAsUtf8(a.Id, b.Id));
                break;
            }
        }
        var index = new HashIndex(list.Count);
        var ids = new string[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            // Two customers with one hash would be read as one: no snapshot then (the row reader keeps the strings).
            if (!index.TryAdd(list[i].Hash, i))
            {
                return null;
            }

            ids[i] = list[i].Id;
        }

        return new CustomerTable(ids, index);
    }

    /// <summary>
    /// Reads the version's rows into the columns, in the table's order. A store of a million rows or more is read in
    /// rowid ranges at once, one per core (at most four), each range on a connection of its own: the per-row work
    /// here (a hash lookup, four values) is what a build waits for, and DuckDB serves each range without scanning the
    /// others. Ranges read outside this transaction keep to its rows by sequence number (events are only appended, with
    /// higher numbers); a range that does not count what this transaction counted sends the build to one sequential read.
    /// </summary>
    private static int ReadRows(
        EventStore store,
        StoreVersion version,
        Dictionary<ulong, ushort> nameCodes,
        HashIndex customerIndex,
        RowColumns columns)
    {
        var parts = version.Rows < ParallelRows || store.Path == StoreLocation.InMemory ? 1 : ParallelParts;
        if (parts > 1 && RowRanges(store, parts) is { } ranges)
        {
            var read = new long[ranges.Length];
            Parallel.For(0, ranges.Length, new ParallelOptions { MaxDegreeOfParallelism = ranges.Length }, k =>
            {
                var range = ranges[k];
                if (k == 0)
                {
                    read[k] = ReadRange(store.Connection, range, version.MaxSequence, nameCodes, customerIndex, columns);
                    return;
                }

                using var connection = new DuckDBConnection("DataSource=" + store.Path);
                connection.Open();
                read[k] = ReadRange(connection, range, version.MaxSequence, nameCodes, customerIndex, columns);
            });
            if (read.Select((n, k) => n == ranges[k].Rows).All(ok => ok))
            {
                return (int)read.Sum();
            }

            LoadTrace.Mark("snapshot build: a range read other rows than counted; reading the table in one pass");
        }

        return (int)ReadRange(store.Connection, new RowRange(long.MinValue, long.MaxValue, 0, columns.Length), version.MaxSequence, nameCodes, customerIndex, columns);
    }

    /// <summary>Stores of at least this many rows are read in ranges at once.</summary>
    internal static long ParallelRows { get; set; } = 1_000_000;

    /// <summary>How many ranges: one per core, at most four. Tests raise it to run more ranges than cores.</summary>
    internal static int ParallelParts { get; set; } = Math.Min(Environment.ProcessorCount, 4);

    /// <summary>Rowids [From, To) whose rows go to the columns from index At on (Rows of them).</summary>
    private readonly record struct RowRange(long From, long To, int At, long Rows);

    /// <summary>The columns a build fills, one entry per row.</summary>
    private sealed record RowColumns(int[] CustomerOf, ushort[] Codes, long[] Timestamps, long[] Sequences)
    {
        public int Length => CustomerOf.Length;
    }

    /// <summary>The table's rowids cut into <paramref name="parts"/> ranges with their row counts, in this transaction; null for an empty table.</summary>
    private static RowRange[]? RowRanges(EventStore store, int parts)
    {
        long lo, hi;
        using (var command = store.Connection.CreateCommand())
        {
            command.CommandText = "SELECT min(rowid), max(rowid) FROM events";
            using var reader = command.ExecuteReader();
            reader.Read();
            if (reader.IsDBNull(0))
            {
                return null;
            }

            (lo, hi) = (reader.GetInt64(0), reader.GetInt64(1) + 1);
        }

        var ranges = new RowRange[parts];
        var at = 0L;
        for (var k = 0; k < parts; k++)
        {
            var (from, to) = (lo + ((hi - lo) * k / parts), lo + ((hi - lo) * (k + 1) / parts));
            using var command = store.Connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM events WHERE rowid >= $from AND rowid < $to";
            command.Parameters.Add(new DuckDBParameter("from", from));
            command.Parameters.Add(new DuckDBParameter("to", to));
            var rows = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            ranges[k] = new RowRange(from, to, (int)at, rows);
            at += rows;
        }

        return ranges;
    }

    private static long ReadRange(
        DuckDBConnection connection,
        RowRange range,
        long maxSequence,
        Dictionary<ulong, ushort> nameCodes,
        HashIndex customerIndex,
        RowColumns columns)
    {
        using var command = connection.CreateCommand();
        command.UseStreamingMode = true;
        command.CommandText = "SELECT hash(customer_id), hash(event), epoch_us(ts), seq FROM events WHERE seq <= $max"
            + (range.From == long.MinValue ? "" : " AND rowid >= $from AND rowid < $to");
        command.Parameters.Add(new DuckDBParameter("max", maxSequence));
        if (range.From != long.MinValue)
        {
            command.Parameters.Add(new DuckDBParameter("from", range.From));
            command.Parameters.Add(new DuckDBParameter("to", range.To));
        }

        using var reader = command.ExecuteReader();
        var (customerOf, codes, timestamps, sequences) = (columns.CustomerOf, columns.Codes, columns.Timestamps, columns.Sequences);
        var (i, end, lastHash, lastCustomer) = (range.At, range.At + range.Rows, 0UL, -1);
        while (reader.Read())
        {
            if (i == end)
            {
                return i - range.At + 1;
            }

            // Look the customer up once per run of its rows (rows arrive in runs where a source was customer-ordered).
            var hash = reader.GetFieldValue<ulong>(0);
            if (lastCustomer < 0 || hash != lastHash)
            {
                (lastHash, lastCustomer) = (hash, customerIndex[hash]);
            }

            customerOf[i] = lastCustomer;
            codes[i] = nameCodes[reader.GetFieldValue<ulong>(1)];
            timestamps[i] = reader.GetInt64(2);
            sequences[i] = reader.GetInt64(3);
            i++;
        }

        return i - range.At;
    }

    /// <summary>A permutation of the rows into (customer, ts, seq) order, and each customer's start in it.</summary>
    private static (int[] Order, long[] Offsets) Order(int[] customerOf, int customers, long[] timestamps, long[] sequences)
    {
        var offsets = new long[customers + 1];
        foreach (var c in customerOf)
        {
            offsets[c + 1]++;
        }

        for (var c = 0; c < customers; c++)
        {
            offsets[c + 1] += offsets[c];
        }

        var next = new long[customers];
        Array.Copy(offsets, next, customers);
        var order = new int[customerOf.Length];
        for (var r = 0; r < customerOf.Length; r++)
        {
            order[next[customerOf[r]]++] = r;
        }

        // Within a customer the rows keep the table's order, which is usually (ts, seq) already; sort only where not.
        // Customers are independent, so the cores share them out in blocks.
        Comparison<int> byTime = (a, b) => timestamps[a] != timestamps[b] ? timestamps[a].CompareTo(timestamps[b]) : sequences[a].CompareTo(sequences[b]);
        const int Block = 1 << 14;
        Parallel.For(0, (customers + Block - 1) / Block, block =>
        {
            for (var c = block * Block; c < Math.Min(customers, (block + 1) * Block); c++)
            {
                var span = order.AsSpan((int)offsets[c], (int)(offsets[c + 1] - offsets[c]));
                if (!InOrder(span, timestamps, sequences))
                {
                    span.Sort(byTime);
                }
            }
        });

        return (order, offsets);
    }

    private static bool InOrder(ReadOnlySpan<int> rows, long[] timestamps, long[] sequences)
    {
        for (var k = 1; k < rows.Length; k++)
        {
            var (a, b) = (rows[k - 1], rows[k]);
            if (timestamps[a] > timestamps[b] || (timestamps[a] == timestamps[b] && sequences[a] > sequences[b]))
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteFile(
        string path,
        StoreVersion version,
        string[] names,
        long[] counts,
        string[] customers,
        long[] offsets,
        int[] order,
        ushort[] codes,
        long[] timestamps,
        long[] sequences)
    {
        RemoveAbandoned(path);
        var temp = path + ".tmp-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                file.Write(new byte[SnapshotFormat.HeaderSize]);
                var checksums = new ulong[SnapshotFormat.SectionCount];
                var scratch = new byte[8];

                var namesSection = Section(file, out var namesBytes, s =>
                {
                    for (var i = 0; i < names.Length; i++)
                    {
                        SnapshotFormat.WriteString(s, names[i], scratch);
                        BinaryPrimitives.WriteInt64LittleEndian(scratch, counts[i]);
                        s.Write(scratch);
                    }
                });
                checksums[0] = namesSection;
                checksums[1] = Section(file, out var customersBytes, s =>
                {
                    foreach (var id in customers)
                    {
                        SnapshotFormat.WriteString(s, id, scratch);
                    }
                });
                checksums[2] = Section(file, out _, s => s.Write(MemoryMarshal.AsBytes(offsets.AsSpan())));
                checksums[3] = Gathered<ushort>(file, order, codes);
                file.Write(new byte[SnapshotFormat.Pad8(codes.Length * 2L)]);
                checksums[4] = Gathered<long>(file, order, timestamps);
                checksums[5] = Gathered<long>(file, order, sequences);

                var header = new SnapshotHeader(
                    version.Rows, version.MaxSequence, version.StoreId, names.Length, customers.Length, namesBytes, customersBytes, checksums);
                if (file.Position != header.FileLength)
                {
                    throw new InvalidOperationException($"snapshot layout mismatch: wrote {file.Position} bytes, expected {header.FileLength}");
                }

                file.Position = 0;
                file.Write(header.ToBytes());
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Deletes the temporary files of builds whose process is gone (killed mid-write): nothing ever reads them.</summary>
    private static void RemoveAbandoned(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var prefix = Path.GetFileName(path) + ".tmp-";
        foreach (var file in Directory.EnumerateFiles(folder, prefix + "*"))
        {
            var pid = Path.GetFileName(file)[prefix.Length..].Split('-')[0];
            if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && !IsRunning(id))
            {
                try
                {
                    File.Delete(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Left for the next build; it is never read.
                }
            }
        }

        static bool IsRunning(int id)
        {
            try
            {
                using var process = Process.GetProcessById(id);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
    }

    /// <summary>Writes a variable-length section through a hashing stream; its checksum, and its length in <paramref name="length"/>.</summary>
    private static ulong Section(FileStream file, out long length, Action<Stream> write)
    {
        var start = file.Position;
        using var buffer = new MemoryStream();
        write(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        file.Write(bytes);
        length = file.Position - start;
        return SnapshotFormat.Checksum(bytes);
    }

    /// <summary>Writes <paramref name="column"/> in <paramref name="order"/>, a chunk at a time; the section's checksum.</summary>
    private static ulong Gathered<T>(FileStream file, int[] order, T[] column)
        where T : unmanaged
    {
        var hash = new XxHash3();
        var chunk = new T[Math.Min(Chunk, Math.Max(order.Length, 1))];
        for (var start = 0; start < order.Length; start += chunk.Length)
        {
            var n = Math.Min(chunk.Length, order.Length - start);
            for (var k = 0; k < n; k++)
            {
                chunk[k] = column[order[start + k]];
            }

            var bytes = MemoryMarshal.AsBytes(chunk.AsSpan(0, n));
            hash.Append(bytes);
            file.Write(bytes);
        }

        return hash.GetCurrentHashAsUInt64();
    }
}

/// <summary>The version of the events table that a snapshot was built from (see <see cref="SnapshotFormat"/>).</summary>
internal readonly record struct StoreVersion(long Rows, long MaxSequence, long StoreId);
