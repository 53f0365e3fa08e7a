using System.Globalization;
using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Store;

/// <summary>
/// The whole-snapshot load (integer customers, coded names, no string per row) against an independent expectation:
/// the same rows filtered by hand and sorted by <see cref="EventLogBuilder"/> in memory.
/// </summary>
public sealed class ColumnarLoadTests
{
    private static readonly DateTime Start = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private sealed record Row(string Customer, string Event, DateTime Ts, long Seq, string? Plan);

    /// <summary>Random rows: 40 customers, names a..e, whole seconds in a 5-minute span (so many ties), a "plan" on some.</summary>
    private static List<Row> RandomRows(int seed, int count)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (var i = 0; i < count; i++)
        {
            var plan = random.Next(3) switch { 0 => null, 1 => "free", _ => "team" };
            rows.Add(new Row(
                "c" + random.Next(40).ToString("000", CultureInfo.InvariantCulture),
                ((char)('a' + random.Next(5))).ToString(),
                Start.AddSeconds(random.Next(300)),
                // Arrival sequence numbers are unique but not in time order, as after several imports.
                (i * 7919L) % 100_003,
                plan));
        }

        return rows;
    }

    /// <summary>Writes the rows into the events table, physically in (customer, ts, seq) order as imports keep it, or reversed.</summary>
    private static void Insert(EventStore store, List<Row> rows, bool sorted)
    {
        store.Execute("CREATE TEMP TABLE staged (customer_id VARCHAR, event VARCHAR, ts TIMESTAMP, seq BIGINT, plan VARCHAR)");
        using (var appender = store.Connection.CreateAppender("staged"))
        {
            foreach (var r in rows)
            {
                var row = appender.CreateRow().AppendValue(r.Customer).AppendValue(r.Event).AppendValue(r.Ts).AppendValue(r.Seq);
                (r.Plan is null ? row.AppendNullValue() : row.AppendValue(r.Plan)).EndRow();
            }
        }

        var order = sorted ? "customer_id, ts, seq" : "customer_id DESC, ts DESC, seq DESC";
        store.Execute($$"""
            INSERT INTO events
            SELECT customer_id, event, ts, 'm' || seq,
                CASE WHEN plan IS NULL THEN '{"n": 1}' ELSE json_object('plan', plan, 'n', 2) END, seq, 1
            FROM staged ORDER BY {{order}}
            """);
    }

    private static EventLog Expected(IEnumerable<Row> rows, bool withPlan)
    {
        var builder = new EventLogBuilder();
        foreach (var r in rows)
        {
            builder.Add(r.Customer, r.Event, EventLogBuilder.ToMicros(new DateTimeOffset(r.Ts)), r.Seq,
                withPlan && r.Plan is not null ? new Dictionary<string, object?> { ["plan"] = r.Plan } : null);
        }

        return builder.Build();
    }

    /// <summary>One line per event: customer, name, time, sequence (when loaded) and plan.</summary>
    private static List<string> Describe(EventLog log)
    {
        var lines = new List<string>();
        for (var c = 0; c < log.CustomerCount; c++)
        {
            for (var i = log.Offsets[c]; i < log.Offsets[c + 1]; i++)
            {
                var seq = log.HasSequences ? log.Sequences[i].ToString(CultureInfo.InvariantCulture) : "-";
                lines.Add($"{log.Customers[c]} {log.Names[log.NameIds[i]]} {log.Timestamps[i]} {seq} {log.Property(i, "plan")}");
            }
        }

        return lines;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_whole_load_equals_the_same_rows_sorted_in_memory_whether_the_table_is_in_order_or_not(bool sorted)
    {
        using var store = EventStore.Open(":memory:");
        var rows = RandomRows(seed: 12, count: 3000);
        Insert(store, rows, sorted);

        var log = store.LoadEventLog(new EventLogQuery { Properties = ["plan"], IncludeTraits = false });

        Describe(log).ShouldBe(Describe(Expected(rows, withPlan: true)));
        log.Customers.ShouldBe(rows.Select(r => r.Customer).Distinct().Order(StringComparer.Ordinal).ToArray());
        log.MaxSequence().ShouldBe(rows.Max(r => r.Seq));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Only_the_named_events_inside_the_range_are_loaded_and_customers_without_any_are_absent(bool sorted)
    {
        using var store = EventStore.Open(":memory:");
        var rows = RandomRows(seed: 34, count: 2000);
        Insert(store, rows, sorted);
        var (from, to) = (Start.AddSeconds(60), Start.AddSeconds(200));

        var log = store.LoadEventLog(new EventLogQuery
        {
            Events = ["b", "d", "never-seen"],
            From = new DateTimeOffset(from),
            To = new DateTimeOffset(to),
            IncludeTraits = false,
            IncludeSequences = false,
        });

        var kept = rows.Where(r => (r.Event == "b" || r.Event == "d") && r.Ts >= from && r.Ts < to).ToList();
        kept.Count.ShouldBeGreaterThan(100);
        log.HasSequences.ShouldBeFalse();
        // Without sequences the expectation's tie order (by sequence) still holds: the loader read them in that order.
        Describe(log).ShouldBe(Describe(Expected(kept, withPlan: false)).Select(l => Unsequenced(l)).ToList());
        log.NameId("never-seen").ShouldBeGreaterThanOrEqualTo(0);
        log.NameIds.ShouldNotContain(log.NameId("never-seen"));
    }

    private static string Unsequenced(string line)
    {
        var parts = line.Split(' ');
        parts[3] = "-";
        return string.Join(' ', parts);
    }

    [Fact]
    public void A_log_loaded_without_sequences_refuses_what_needs_them_instead_of_inventing_them()
    {
        using var store = EventStore.Open(":memory:");
        Insert(store, RandomRows(seed: 5, count: 50), sorted: true);

        var log = store.LoadEventLog(new EventLogQuery { IncludeSequences = false, IncludeTraits = false });

        Should.Throw<InvalidOperationException>(() => log.MaxSequence()).Message.ShouldContain("without arrival sequences");
        Should.Throw<InvalidOperationException>(() => log.Extend(log, null));
        log.Subset([0]).HasSequences.ShouldBeFalse();
    }

    [Fact]
    public void An_empty_name_list_loads_no_events_and_no_customers()
    {
        using var store = EventStore.Open(":memory:");
        Insert(store, RandomRows(seed: 6, count: 50), sorted: true);

        var log = store.LoadEventLog(new EventLogQuery { Events = [], IncludeTraits = false });

        (log.EventCount, log.CustomerCount).ShouldBe((0, 0));
    }

    [Fact]
    public void Named_traits_load_only_those_keys_and_no_traits_are_read_when_none_are_asked_for()
    {
        using var store = EventStore.Open(":memory:");
        Insert(store, RandomRows(seed: 7, count: 50), sorted: true);
        store.Execute("""
            INSERT INTO customers VALUES
              ('c001', '{"plan": "team", "seats": 5}', TIMESTAMP '2026-03-01 00:00:00'),
              ('c002', '{"seats": 2}', TIMESTAMP '2026-03-01 00:00:00')
            """);

        var named = store.LoadEventLog(new EventLogQuery { TraitNames = ["plan"] });
        var none = store.LoadEventLog(new EventLogQuery { IncludeTraits = false });
        var all = store.LoadEventLog(new EventLogQuery());

        named.Traits!.Keys.ShouldBe(["c001"]);
        named.Traits["c001"].ShouldBe(new Dictionary<string, object?> { ["plan"] = "team" });
        none.Traits.ShouldBeNull();
        all.Traits!.Keys.Order(StringComparer.Ordinal).ShouldBe(["c001", "c002"]);
        all.Traits["c001"]["seats"].ShouldBe(5.0);
    }

    // Named traits are extracted inside DuckDB (no merged ids): every key shape and JSON value reads as a parse of
    // the traits object would give it. Expected values by hand from the JSON below.
    [Fact]
    public void Named_traits_read_every_key_and_value_shape_as_the_json_says()
    {
        using var store = EventStore.Open(":memory:");
        Insert(store, RandomRows(seed: 8, count: 20), sorted: true);
        store.Execute("""
            INSERT INTO customers VALUES
              ('c001', '{"a/b": "slash", "t~1": 1.5, "q": "say \"hi\"", "n": null, "o": {"x": [1, 2]}, "b": true, "u": "\u00e9té", "big": 12345678901}', TIMESTAMP '2026-03-01 00:00:00'),
              ('c002', '{"other": 1}', TIMESTAMP '2026-03-01 00:00:00'),
              ('c003', '{"b": false, "q": "", "t~1": -2e3}', TIMESTAMP '2026-03-01 00:00:00')
            """);

        var log = store.LoadEventLog(new EventLogQuery { TraitNames = ["a/b", "t~1", "q", "n", "o", "b", "u", "big", "missing"] });

        log.Traits!.Keys.Order(StringComparer.Ordinal).ShouldBe(["c001", "c003"]);
        var c1 = log.Traits["c001"];
        c1["a/b"].ShouldBe("slash");
        c1["t~1"].ShouldBe(1.5);
        c1["q"].ShouldBe("say \"hi\"");
        c1.ContainsKey("n").ShouldBeTrue();
        c1["n"].ShouldBeNull();
        System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse((string)c1["o"]!), System.Text.Json.Nodes.JsonNode.Parse("""{"x": [1, 2]}""")).ShouldBeTrue();
        c1["b"].ShouldBe(true);
        c1["u"].ShouldBe("été");
        c1["big"].ShouldBe(12345678901.0);
        c1.ContainsKey("missing").ShouldBeFalse();
        var c3 = log.Traits["c003"];
        c3.Count.ShouldBe(3);
        c3["b"].ShouldBe(false);
        c3["q"].ShouldBe("");
        c3["t~1"].ShouldBe(-2000.0);
    }

    [Fact]
    public void Two_appended_blocks_each_in_order_still_load_each_customer_as_one_run()
    {
        // As after two spool appends: every block is in (customer, ts, seq) order, but a customer's rows sit in both
        // blocks, so the table as a whole is not. The hash changes alone would make two runs of one customer.
        using var store = EventStore.Open(":memory:");
        var rows = RandomRows(seed: 56, count: 1200);
        Insert(store, rows[..600], sorted: true);
        store.Execute("DROP TABLE staged");
        Insert(store, rows[600..], sorted: true);

        var log = store.LoadEventLog(new EventLogQuery { Properties = ["plan"], IncludeTraits = false });

        Describe(log).ShouldBe(Describe(Expected(rows, withPlan: true)));
        log.Customers.ShouldBe(rows.Select(r => r.Customer).Distinct().Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Customer_order_is_checked_in_duckdb_varchar_order_even_above_the_basic_plane()
    {
        // DuckDB orders VARCHAR by UTF-8 bytes; UTF-16 code units disagree for U+10000.. against U+E000..U+FFFF.
        using var store = EventStore.Open(":memory:");
        string[] ids = ["a", "b", "z\uFF21", "z\U0001F600", "z\uE000", "\u00E9", "Z", "z"];
        var rows = ids.SelectMany((id, k) => new[]
        {
            new Row(id, "a", Start.AddSeconds(k), k * 2, null),
            new Row(id, "b", Start.AddSeconds(k + 1), (k * 2) + 1, "team"),
        }).ToList();
        Insert(store, rows, sorted: true);
        var duckOrder = new List<string>();
        using (var command = store.Connection.CreateCommand())
        {
            command.CommandText = "SELECT DISTINCT customer_id FROM events ORDER BY customer_id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                duckOrder.Add(reader.GetString(0));
            }
        }

        for (var k = 1; k < duckOrder.Count; k++)
        {
            ColumnarEventLoad.CompareAsUtf8(duckOrder[k - 1], duckOrder[k]).ShouldBeLessThan(0, $"{duckOrder[k - 1]} < {duckOrder[k]}");
            ColumnarEventLoad.CompareAsUtf8(duckOrder[k], duckOrder[k - 1]).ShouldBeGreaterThan(0);
        }

        string.CompareOrdinal("z\U0001F600", "z\uFF21").ShouldBeLessThan(0, "the case UTF-16 order gets wrong");
        var log = store.LoadEventLog(new EventLogQuery { IncludeTraits = false });
        log.Customers.ShouldBe(duckOrder);
        log.EventCount.ShouldBe(rows.Count);
    }
}
