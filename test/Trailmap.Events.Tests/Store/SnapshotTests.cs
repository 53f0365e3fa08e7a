using System.Globalization;
using System.Text;
using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Store;

/// <summary>
/// The event snapshot beside a store file against an expectation built by hand: the same rows grouped by customer in
/// UTF-8 byte order (DuckDB's VARCHAR order), each customer's in (ts, seq) order, filtered here with LINQ.
/// </summary>
public sealed class SnapshotTests : IDisposable
{
    private static readonly DateTime Start = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    // Customer ids that sort differently in UTF-16 and UTF-8 (a surrogate pair, a private-use character) and a tab.
    private static readonly string[] Ids = ["a", "b", "c\t", "é", "z", "\uE000x", "😀", "😀a", "10", "9"];

    private readonly string folder = Path.Combine(Path.GetTempPath(), "trailmap-snapshot-" + Guid.NewGuid().ToString("N"));

    public SnapshotTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private sealed record Row(string Customer, string Event, DateTime Ts, long Seq);

    private string StorePath => Path.Combine(folder, "store.duckdb");

    private string SnapshotPath => StorePath + ".snapshot";

    /// <summary>Random rows: the ids above and c000..c049, names a..e, whole seconds in 5 minutes (many ties), sequences from <paramref name="firstSeq"/>.</summary>
    private static List<Row> RandomRows(int seed, int count, long firstSeq)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (var i = 0; i < count; i++)
        {
            var n = random.Next(Ids.Length + 50);
            var customer = n < Ids.Length ? Ids[n] : "c" + (n - Ids.Length).ToString("000", CultureInfo.InvariantCulture);
            rows.Add(new Row(customer, ((char)('a' + random.Next(5))).ToString(), Start.AddSeconds(random.Next(300)), firstSeq + i));
        }

        return rows;
    }

    /// <summary>Appends rows to the events table in a shuffled physical order, as the ingestion pump can leave it.</summary>
    private static void Insert(EventStore store, IEnumerable<Row> rows, int seed)
    {
        var shuffled = rows.ToList();
        new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shuffled));
        store.Execute("CREATE OR REPLACE TEMP TABLE staged (customer_id VARCHAR, event VARCHAR, ts TIMESTAMP, seq BIGINT)");
        using (var appender = store.Connection.CreateAppender("staged"))
        {
            foreach (var r in shuffled)
            {
                appender.CreateRow().AppendValue(r.Customer).AppendValue(r.Event).AppendValue(r.Ts).AppendValue(r.Seq).EndRow();
            }
        }

        store.Execute("INSERT INTO events SELECT customer_id, event, ts, 'm' || seq, '{}', seq, 1 FROM staged");
    }

    /// <summary>One line per event as a hand-made expectation would list it.</summary>
    private static List<string> Expected(IEnumerable<Row> rows, bool sequences) =>
        rows.GroupBy(r => r.Customer)
            .OrderBy(g => Encoding.UTF8.GetBytes(g.Key), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y)))
            .SelectMany(g => g.OrderBy(r => r.Ts).ThenBy(r => r.Seq)
                .Select(r => Line(g.Key, r.Event, EventLogBuilder.ToMicros(new DateTimeOffset(r.Ts)), sequences ? r.Seq : null)))
            .ToList();

    private static List<string> Describe(EventLog log)
    {
        var lines = new List<string>();
        for (var c = 0; c < log.CustomerCount; c++)
        {
            for (var i = log.Offsets[c]; i < log.Offsets[c + 1]; i++)
            {
                lines.Add(Line(log.Customers[c], log.Names[log.NameIds[i]], log.Timestamps[i], log.HasSequences ? log.Sequences[i] : null));
            }
        }

        return lines;
    }

    private static string Line(string customer, string name, long micros, long? seq) =>
        string.Create(CultureInfo.InvariantCulture, $"{customer}|{name}|{micros}|{seq}");

    private static EventLog Load(EventStore store, EventLogQuery query) =>
        EventSnapshot.TryLoad(store, query with { IncludeTraits = false }, null)
        ?? throw new ShouldAssertException("the snapshot did not serve the load");

    private static SnapshotHeader Header(string path)
    {
        using var reader = SnapshotReader.Open(path) ?? throw new ShouldAssertException("no intact snapshot at " + path);
        return reader.Header;
    }

    [Fact]
    public void A_load_from_the_snapshot_equals_the_rows_grouped_and_sorted_by_hand()
    {
        using var store = EventStore.Open(StorePath);
        var rows = RandomRows(seed: 1, count: 4000, firstSeq: 1);
        Insert(store, rows, seed: 2);

        var all = Load(store, new EventLogQuery());

        File.Exists(SnapshotPath).ShouldBeTrue();
        Header(SnapshotPath).Rows.ShouldBe(4000);
        Describe(all).ShouldBe(Expected(rows, sequences: true));
        all.Names.ShouldBe(["a", "b", "c", "d", "e"]);

        var (from, to) = (Start.AddSeconds(50), Start.AddSeconds(250));
        var some = Load(store, new EventLogQuery
        {
            Events = ["d", "b", "never"],
            From = new DateTimeOffset(from),
            To = new DateTimeOffset(to),
            IncludeSequences = false,
        });
        var kept = rows.Where(r => (r.Event is "b" or "d") && r.Ts >= from && r.Ts < to).ToList();
        kept.Count.ShouldBeGreaterThan(500);
        Describe(some).ShouldBe(Expected(kept, sequences: false));
        some.Names.ShouldBe(["d", "b", "never"]);
    }

    [Fact]
    public void Merged_identities_regroup_the_snapshot_rows_under_their_persons_in_the_order_the_table_would_give()
    {
        using var store = EventStore.Open(StorePath);
        var rows = RandomRows(seed: 11, count: 4000, firstSeq: 1);
        Insert(store, rows, seed: 12);
        EventSnapshot.Refresh(store);
        var later = RandomRows(seed: 13, count: 300, firstSeq: 10_000);
        Insert(store, later, seed: 14);

        // By hand: "a" joins "z", who has events of their own; "b" and "c\t" join a person who sent none under
        // their own id (and sorts between others); "😀a" joins "é"; "c007" is mapped to itself.
        var personOf = new Dictionary<string, string>
        {
            ["a"] = "z",
            ["b"] = "c003x",
            ["c\t"] = "c003x",
            ["😀a"] = "é",
            ["c007"] = "c007",
        };
        foreach (var (id, person) in personOf)
        {
            store.Execute($"INSERT INTO identities VALUES ('{id.Replace("'", "''", StringComparison.Ordinal)}', '{person}')");
        }

        var resolved = rows.Concat(later).Select(r => r with { Customer = personOf.GetValueOrDefault(r.Customer, r.Customer) }).ToList();
        Describe(Load(store, new EventLogQuery())).ShouldBe(Expected(resolved, sequences: true));

        var some = Load(store, new EventLogQuery { Events = ["a", "c"], IncludeSequences = false });
        some.HasSequences.ShouldBeFalse();
        Describe(some).ShouldBe(Expected(resolved.Where(r => r.Event is "a" or "c"), sequences: false));
        some.Customers.ShouldContain("c003x");
        some.Customers.ShouldNotContain("a");
    }

    [Fact]
    public void Rows_stored_after_the_snapshot_are_merged_in_as_a_tail_without_rewriting_it()
    {
        using var store = EventStore.Open(StorePath);
        var first = RandomRows(seed: 3, count: 3000, firstSeq: 1);
        Insert(store, first, seed: 4);
        EventSnapshot.Refresh(store);
        var built = File.GetLastWriteTimeUtc(SnapshotPath);

        // Later arrivals at the same seconds as earlier ones (ties), and customers the snapshot does not have.
        var later = RandomRows(seed: 5, count: 400, firstSeq: 10_000)
            .Select((r, i) => i % 7 == 0 ? r with { Customer = "new" + (i % 3).ToString(CultureInfo.InvariantCulture) } : r)
            .ToList();
        Insert(store, later, seed: 6);

        var log = Load(store, new EventLogQuery());

        Describe(log).ShouldBe(Expected([.. first, .. later], sequences: true));
        Header(SnapshotPath).Rows.ShouldBe(3000);
        File.GetLastWriteTimeUtc(SnapshotPath).ShouldBe(built);

        var some = Load(store, new EventLogQuery { Events = ["a", "e"], IncludeSequences = false });
        Describe(some).ShouldBe(Expected(first.Concat(later).Where(r => r.Event is "a" or "e"), sequences: false));
    }

    [Fact]
    public void A_tail_larger_than_a_quarter_of_the_snapshot_rebuilds_it()
    {
        using var store = EventStore.Open(StorePath);
        var first = RandomRows(seed: 7, count: 200_000, firstSeq: 1);
        Insert(store, first, seed: 8);
        EventSnapshot.Refresh(store);
        var later = RandomRows(seed: 9, count: 60_000, firstSeq: 1_000_000);
        Insert(store, later, seed: 10);

        var log = Load(store, new EventLogQuery { Events = ["c"] });

        Header(SnapshotPath).Rows.ShouldBe(260_000);
        Describe(log).ShouldBe(Expected(first.Concat(later).Where(r => r.Event == "c"), sequences: true));
    }

    [Theory]
    [InlineData("header")]
    [InlineData("names")]
    [InlineData("customers")]
    [InlineData("offsets")]
    [InlineData("codes")]
    [InlineData("timestamps")]
    [InlineData("sequences")]
    [InlineData("truncated")]
    public void A_damaged_snapshot_is_never_trusted_and_is_rebuilt(string where) => DamagedSnapshotIsRebuilt(where);

    [Theory]
    [InlineData("codes")]
    [InlineData("timestamps")]
    [InlineData("sequences")]
    [InlineData("truncated")]
    public void A_damaged_snapshot_read_in_parts_is_never_trusted_and_is_rebuilt(string where)
    {
        using var parts = InParts(3);
        DamagedSnapshotIsRebuilt(where);
    }

    /// <summary>Loads and builds read in <paramref name="parts"/> parts from one row on, until disposed.</summary>
    private static Restore InParts(int parts)
    {
        var before = (EventSnapshot.Parallelism, SnapshotWriter.ParallelRows, SnapshotWriter.ParallelParts);
        EventSnapshot.Parallelism = (1, parts);
        (SnapshotWriter.ParallelRows, SnapshotWriter.ParallelParts) = (1, parts);
        return new Restore(() => (EventSnapshot.Parallelism, SnapshotWriter.ParallelRows, SnapshotWriter.ParallelParts) = before);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void A_load_read_in_parts_at_once_equals_the_rows_grouped_and_sorted_by_hand_tail_included(int parts)
    {
        using var inParts = InParts(parts);
        using var store = EventStore.Open(StorePath);
        // Two inserts, so the rowids the build cuts into ranges hold rows of both (the build reads them in parts too).
        var first = RandomRows(seed: 21, count: 5000, firstSeq: 1);
        Insert(store, first[..2000], seed: 22);
        Insert(store, first[2000..], seed: 25);
        EventSnapshot.Refresh(store);

        // A tail with ties at the snapshot's seconds, customers the snapshot has, and new ones that sort before all
        // ("0…"), between ("c025b") and after ("😀z") them, so every part's boundary has tail customers on both sides.
        string[] fresh = ["0new", "c025b", "c000", "😀z", "a0"];
        var later = RandomRows(seed: 23, count: 600, firstSeq: 100_000)
            .Select((r, i) => i % 5 == 0 ? r with { Customer = fresh[i / 5 % fresh.Length] } : r)
            .ToList();
        Insert(store, later, seed: 24);

        Describe(Load(store, new EventLogQuery())).ShouldBe(Expected([.. first, .. later], sequences: true));

        var (from, to) = (Start.AddSeconds(40), Start.AddSeconds(220));
        var some = Load(store, new EventLogQuery
        {
            Events = ["e", "b"],
            From = new DateTimeOffset(from),
            To = new DateTimeOffset(to),
            IncludeSequences = false,
        });
        Describe(some).ShouldBe(Expected(first.Concat(later).Where(r => r.Event is "b" or "e" && r.Ts >= from && r.Ts < to), sequences: false));
        Header(SnapshotPath).Rows.ShouldBe(5000);
    }

    private void DamagedSnapshotIsRebuilt(string where)
    {
        using var store = EventStore.Open(StorePath);
        var rows = RandomRows(seed: 11, count: 2000, firstSeq: 1);
        Insert(store, rows, seed: 12);
        EventSnapshot.Refresh(store);
        var header = Header(SnapshotPath);
        var bytes = File.ReadAllBytes(SnapshotPath);
        var at = where switch
        {
            "header" => 20,
            "names" => SnapshotFormat.HeaderSize + 5,
            "customers" => (int)(SnapshotFormat.HeaderSize + header.NamesBytes + 6),
            "offsets" => (int)header.OffsetsStart + 9,
            "codes" => (int)header.CodesStart + 101,
            "timestamps" => (int)header.TimestampsStart + 803,
            "sequences" => (int)header.SequencesStart + 1603,
            _ => -1,
        };
        if (at < 0)
        {
            bytes = bytes[..^100];
        }
        else
        {
            bytes[at] ^= 0x40;
        }

        File.WriteAllBytes(SnapshotPath, bytes);

        var log = Load(store, new EventLogQuery());

        Describe(log).ShouldBe(Expected(rows, sequences: true));
        File.ReadAllBytes(SnapshotPath).Length.ShouldBe((int)header.FileLength);
        Header(SnapshotPath).Rows.ShouldBe(2000);
    }

    [Fact]
    public void Another_stores_snapshot_with_the_same_counts_is_not_taken_for_this_ones()
    {
        var otherPath = Path.Combine(folder, "other.duckdb");
        using (var other = EventStore.Open(otherPath))
        {
            Insert(other, RandomRows(seed: 13, count: 1000, firstSeq: 1), seed: 14);
            EventSnapshot.Refresh(other);
        }

        using var store = EventStore.Open(StorePath);
        var rows = RandomRows(seed: 15, count: 1000, firstSeq: 1);
        Insert(store, rows, seed: 16);
        File.Copy(otherPath + ".snapshot", SnapshotPath);

        Describe(Load(store, new EventLogQuery())).ShouldBe(Expected(rows, sequences: true));
    }

    [Fact]
    public void An_import_writes_the_snapshot_and_leaves_no_temporary_file()
    {
        var csv = Path.Combine(folder, "events.csv");
        File.WriteAllText(csv, "customer_id,event,timestamp\nu2,b,2026-03-01T00:00:02Z\nu1,a,2026-03-01T00:00:01Z\nu2,a,2026-03-01T00:00:01Z\n");
        using var store = EventStore.Open(StorePath);

        store.Import([csv], cancel: TestContext.Current.CancellationToken);

        Header(SnapshotPath).Rows.ShouldBe(3);
        Directory.GetFiles(folder).ShouldNotContain(f => f.Contains(".tmp-", StringComparison.Ordinal));
        Describe(Load(store, new EventLogQuery { IncludeSequences = false }))
            .ShouldBe(["u1|a|1772323201000000|", "u2|a|1772323201000000|", "u2|b|1772323202000000|"]);
    }

    [Fact]
    public void A_small_import_into_a_store_keeps_its_snapshot_and_a_large_one_rebuilds_it()
    {
        var first = Path.Combine(folder, "first.csv");
        File.WriteAllText(first, "customer_id,event,timestamp\nu2,b,2026-03-01T00:00:02Z\nu1,a,2026-03-01T00:00:01Z\nu2,a,2026-03-01T00:00:01Z\n");
        var second = Path.Combine(folder, "second.csv");
        File.WriteAllText(second, "customer_id,event,timestamp\nu0,c,2026-03-01T00:00:03Z\nu2,c,2026-03-01T00:00:01Z\n");
        using var store = EventStore.Open(StorePath);
        store.Import([first], cancel: TestContext.Current.CancellationToken);
        var built = File.GetLastWriteTimeUtc(SnapshotPath);

        store.Import([second], cancel: TestContext.Current.CancellationToken);

        // Two rows are a tail the load merges: the snapshot is not rewritten, and the load still has all five.
        Header(SnapshotPath).Rows.ShouldBe(3);
        File.GetLastWriteTimeUtc(SnapshotPath).ShouldBe(built);
        Describe(Load(store, new EventLogQuery { IncludeSequences = false })).ShouldBe([
            "u0|c|1772323203000000|",
            "u1|a|1772323201000000|",
            "u2|a|1772323201000000|", "u2|c|1772323201000000|", "u2|b|1772323202000000|",
        ]);

        // 60,000 distinct rows (one a second) exceed the 50,000-row tail a small snapshot takes: the import rebuilds it.
        var large = Path.Combine(folder, "large.csv");
        File.WriteAllLines(large, ["customer_id,event,timestamp",
            .. Enumerable.Range(0, 60_000).Select(i => string.Create(CultureInfo.InvariantCulture, $"v{i % 997},d,2026-03-02T{i / 3600:00}:{i / 60 % 60:00}:{i % 60:00}Z"))]);
        store.Import([large], cancel: TestContext.Current.CancellationToken);

        Header(SnapshotPath).Rows.ShouldBe(60_005);
        var d = Load(store, new EventLogQuery { Events = ["d"] });
        d.Timestamps.Length.ShouldBe(60_000);
        d.CustomerCount.ShouldBe(997);
    }

    private static void InsertWithProperties(EventStore store, params (string Customer, string Event, int Second, long Seq, string? Json)[] rows)
    {
        foreach (var r in rows)
        {
            using var command = store.Connection.CreateCommand();
            command.CommandText = "INSERT INTO events VALUES ($c, $e, $ts, 'm' || $seq, CAST($p AS JSON), $seq, 1)";
            command.Parameters.Add(new DuckDB.NET.Data.DuckDBParameter("c", r.Customer));
            command.Parameters.Add(new DuckDB.NET.Data.DuckDBParameter("e", r.Event));
            command.Parameters.Add(new DuckDB.NET.Data.DuckDBParameter("ts", Start.AddSeconds(r.Second)));
            command.Parameters.Add(new DuckDB.NET.Data.DuckDBParameter("seq", r.Seq));
            command.Parameters.Add(new DuckDB.NET.Data.DuckDBParameter("p", r.Json));
            command.ExecuteNonQuery();
        }
    }

    private static List<string> DescribeProperties(EventLog log) =>
        Enumerable.Range(0, log.CustomerCount).SelectMany(c => Enumerable.Range(log.Offsets[c], log.Offsets[c + 1] - log.Offsets[c])
            .Select(i => log.Customers[c] + "|" + log.Names[log.NameIds[i]] + "|" + (log.PropertiesOf(i) is { } p
                ? string.Join(",", p.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + Convert.ToString(kv.Value, CultureInfo.InvariantCulture) + ":" + kv.Value?.GetType().Name))
                : "-")))
            .ToList();

    [Fact]
    public void A_load_that_names_properties_takes_the_rows_from_the_snapshot_and_the_values_from_the_table_tail_included()
    {
        using var store = EventStore.Open(StorePath);
        InsertWithProperties(store,
            ("a", "e", 1, 1, """{"score": 9, "plan": "pro"}"""),
            ("a", "f", 2, 2, "{}"),
            ("b", "e", 1, 3, """{"other": 1}"""),
            ("b", "e", 0, 4, """{"score": "7", "other": 2}"""),
            ("c", "f", 5, 5, "[1, 2]"),
            ("c", "e", 6, 6, null));
        EventSnapshot.Refresh(store);
        InsertWithProperties(store, ("a", "e", 3, 10, """{"plan": "free"}"""));

        var log = Load(store, new EventLogQuery { Events = ["e"], Properties = ["score", "plan"], IncludeSequences = false });

        Header(SnapshotPath).Rows.ShouldBe(6);
        log.HasSequences.ShouldBeFalse();
        DescribeProperties(log).ShouldBe([
            "a|e|plan=pro:String,score=9:Double",
            "a|e|plan=free:String",
            "b|e|score=7:String",
            "b|e|-",
            "c|e|-",
        ]);
    }

    [Fact]
    public void Sequence_numbers_too_sparse_to_index_send_a_property_load_to_the_table()
    {
        using var store = EventStore.Open(StorePath);
        InsertWithProperties(store, ("a", "e", 1, 1, """{"score": 1}"""), ("a", "e", 2, 5_000_000, """{"score": 2}"""));

        EventSnapshot.TryLoad(store, new EventLogQuery { Properties = ["score"], IncludeTraits = false }, null).ShouldBeNull();
        DescribeProperties(store.LoadEventLog(new EventLogQuery { Properties = ["score"], IncludeTraits = false }))
            .ShouldBe(["a|e|score=1:Double", "a|e|score=2:Double"]);
    }
}
