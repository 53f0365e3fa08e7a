using System.Text;
using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Import;

public class CsvImportTests
{
    [Fact]
    public void columns_are_detected_case_insensitively_and_the_rest_become_typed_properties()
    {
        using var dir = new TempDir();
        var file = dir.Write("e.csv", "UserId,Event_Type,Event_Time,messageId,price,sku\nu1,view,2020-01-01,m1,12.5,00042\n");

        dir.Import(null, file);

        var row = dir.Events().ShouldHaveSingleItem();
        row.CustomerId.ShouldBe("u1");
        row.Event.ShouldBe("view");
        row.MessageId.ShouldBe("m1");
        row.Properties.ShouldBe("""{"price":12.5,"sku":"00042"}""");
    }

    [Fact]
    public void an_empty_cell_stores_no_property()
    {
        using var dir = new TempDir();
        var file = dir.Write("e.csv", "user_id,event,ts,plan,coupon\nu1,view,2020-01-01,,\nu2,view,2020-01-02,pro,\nu3,view,2020-01-03,,SPRING\n");

        dir.Import(null, file);

        dir.Events().Select(e => (e.CustomerId, e.Properties)).ShouldBe(
            [("u1", "{}"), ("u2", """{"plan":"pro"}"""), ("u3", """{"coupon":"SPRING"}""")]);
    }

    [Fact]
    public void map_and_constant_event_choose_columns_a_log_does_not_name_conventionally()
    {
        using var dir = new TempDir();
        var file = dir.Write("p.csv", "buyer,when,amount\nb1,1997-01-01,11.77\nb2,1997-01-12,12.00\n");
        var options = new ImportOptions { Map = ImportOptions.ParseMap("customer_id=buyer,timestamp=when"), ConstantEvent = "Purchased" };

        var summary = dir.Import(options, file);

        summary.Imported.ShouldBe(2);
        dir.Events().Select(e => (e.CustomerId, e.Event, e.Properties)).ShouldBe(
            [("b1", "Purchased", """{"amount":11.77}"""), ("b2", "Purchased", """{"amount":12.0}""")]);
    }

    [Fact]
    public void missing_columns_fail_with_the_columns_found_and_how_to_map_them()
    {
        using var dir = new TempDir();
        var file = dir.Write("x.csv", "who,what,when\na,b,2020-01-01\n");

        var ex = Should.Throw<ImportException>(() => dir.Import(null, file));

        ex.Message.ShouldContain("Columns found: who, what, when");
        ex.Message.ShouldContain("--map customer_id=COL");
        dir.Store.Summary().Events.ShouldBe(0);
    }

    [Fact]
    public void importing_the_same_file_twice_adds_nothing_even_without_message_ids()
    {
        using var dir = new TempDir();
        var file = dir.Write("e.csv", "user_id,event,ts\nu1,view,2020-01-01\nu1,cart,2020-01-02\n");

        dir.Import(null, file).Imported.ShouldBe(2);
        var second = dir.Import(null, file);

        second.Imported.ShouldBe(0);
        second.Duplicates.ShouldBe(2);
        dir.Store.Summary().Events.ShouldBe(2);
    }

    [Fact]
    public void a_message_id_seen_in_two_files_is_one_event()
    {
        using var dir = new TempDir();
        var a = dir.Write("a.csv", "user_id,event,ts,message_id\nu1,view,2020-01-01,m1\nu1,view,2020-01-01,m1\n");
        var b = dir.Write("b.csv", "user_id,event,ts,message_id\nu1,view,2020-01-05,m1\nu2,view,2020-01-05,m2\n");

        var summary = dir.Import(null, a, b);

        summary.Imported.ShouldBe(2);
        summary.Duplicates.ShouldBe(2);
        dir.Events().Select(e => e.MessageId).ShouldBe(["m1", "m2"]);
    }

    [Fact]
    public void read_sorted_orders_by_customer_then_time_then_arrival_and_filters()
    {
        using var dir = new TempDir();
        var a = dir.Write("a.csv", "user_id,event,ts,id\nu2,b,2020-01-02,1\nu1,x,2020-01-03,2\nu1,first,2020-01-01,3\nu1,second,2020-01-01,4\n");
        var b = dir.Write("b.csv", "user_id,event,ts,id\nu1,third,2020-01-01,5\nu0,z,2021-01-01,6\n");

        dir.Import(null, a);
        dir.Import(null, b);

        dir.Events().Select(e => e.Event).ShouldBe(["z", "first", "second", "third", "x", "b"]);
        var filtered = new List<string>();
        dir.Store.ReadSorted(["first", "x", "z"], new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2020, 1, 3, 0, 0, 0, TimeSpan.Zero), e => filtered.Add(e.Event));
        filtered.ShouldBe(["first"]);
        var summary = dir.Store.Summary();
        summary.Events.ShouldBe(6);
        summary.Customers.ShouldBe(3);
        summary.Imports.ShouldBe(2);
    }

    [Fact]
    public void malformed_rows_are_rejected_at_their_file_line_even_after_a_multiline_quoted_field()
    {
        using var dir = new TempDir();
        // line 1 header; 2-3 one record with a quoted newline; 4 too few fields; 5 too many;
        // 6 bad timestamp; 7 good; 8 missing customer; 9 unterminated quote (runs to the end).
        var file = dir.Write("m.csv",
            "user_id,event,ts\n" +
            "u1,\"multi\nline\",2020-01-01\n" +
            "u2,view\n" +
            "u3,view,2020-01-01,extra\n" +
            "u4,view,not-a-date\n" +
            "u5,view,2020-01-02\n" +
            ",view,2020-01-02\n" +
            "u6,\"open,2020-01-03\n");

        var summary = dir.Import(null, file);

        summary.Imported.ShouldBe(2);
        summary.Rejects.Select(r => r.Line).ShouldBe([4L, 5, 6, 8, 9]);
        summary.Rejects[0].Reason.ShouldContain("field count");
        summary.Rejects[2].Reason.ShouldContain("unparsable timestamp");
        summary.Rejects[3].Reason.ShouldContain("customer");
        summary.Rejects[4].Reason.ShouldContain("unterminated");
        var rejectsFile = File.ReadAllLines(Path.Combine(dir.Path, "rejects.csv"));
        rejectsFile[0].ShouldBe("file,line,reason,raw");
        rejectsFile[1].ShouldContain(",4,");
        rejectsFile[1].ShouldEndWith(",\"u2,view\"");
    }

    [Fact]
    public void rejects_in_the_second_file_of_one_import_keep_their_own_line_numbers()
    {
        // Rows are numbered by rowid inside the import's transaction; the second file's rows must still count
        // from its own first record. Line 1 header; b.csv line 3 has a bad timestamp, line 5 no event.
        using var dir = new TempDir();
        var a = dir.Write("a.csv", "user_id,event,ts\nu1,view,2020-01-01\nu1,cart,2020-01-02\n");
        var b = dir.Write("b.csv", "user_id,event,ts\nu2,view,2020-01-01\nu2,cart,soon\nu2,buy,2020-01-03\nu2,,2020-01-04\n");

        var summary = dir.Import(null, a, b);

        summary.Imported.ShouldBe(4);
        summary.Rejects.Select(r => (Path.GetFileName(r.File), r.Line)).ShouldBe([("b.csv", 3L), ("b.csv", 5L)]);
        dir.Events().Select(e => (e.CustomerId, e.Event)).ShouldBe([("u1", "view"), ("u1", "cart"), ("u2", "view"), ("u2", "buy")]);
    }

    [Fact]
    public void a_repeated_id_keeps_its_first_valid_occurrence_when_the_store_already_has_events()
    {
        using var dir = new TempDir();
        dir.Import(null, dir.Write("a.csv", "user_id,event,ts,id\nu0,view,2020-01-01,x\n"));
        // m1's first row has no timestamp (rejected), so the second m1 row is the one imported; m2's later copy is
        // a duplicate; x is already in the store.
        var b = dir.Write("b.csv", "user_id,event,ts,id\nu1,first,,m1\nu1,second,2020-01-02,m1\nu2,keep,2020-01-03,m2\nu2,drop,2020-01-01,m2\nu3,old,2020-01-05,x\n");

        var summary = dir.Import(null, b);

        summary.Imported.ShouldBe(2);
        summary.Duplicates.ShouldBe(2);
        summary.Rejects.ShouldHaveSingleItem().Line.ShouldBe(2);
        dir.Events().Select(e => e.Event).ShouldBe(["view", "second", "keep"]);
    }

    [Fact]
    public void invalid_utf8_and_a_10mb_line_are_rejected_at_their_lines()
    {
        using var dir = new TempDir();
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("user_id,event,ts\nu1,view,2020-01-01\nu2,"));
        bytes.AddRange([0xC3, 0x28]);
        bytes.AddRange(Encoding.UTF8.GetBytes(",2020-01-01\nu3,view,2020-01-01\nu4,view," + new string('x', 10 * 1024 * 1024) + "\nu5,view,2020-01-01\n"));
        var file = dir.WriteBytes("u.csv", [.. bytes]);

        var summary = dir.Import(null, file);

        summary.Imported.ShouldBe(3);
        summary.Rejects.Select(r => r.Line).ShouldBe([3L, 5]);
        summary.Rejects[0].Reason.ShouldContain("UTF-8");
        summary.Rejects[1].Reason.ShouldContain("too long");
    }

    [Theory]
    [InlineData("png", "PNG image")]
    [InlineData("json", "JSON")]
    [InlineData("empty", "empty")]
    [InlineData("missing", "not found")]
    [InlineData("csv-as-parquet", "expected parquet")]
    public void files_that_are_not_what_they_claim_fail_before_anything_is_written(string kind, string message)
    {
        using var dir = new TempDir();
        var file = kind switch
        {
            "png" => dir.WriteBytes("img.csv", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]),
            "json" => dir.Write("j.csv", "{\"userId\":\"u1\"}\n"),
            "empty" => dir.Write("e.csv", ""),
            "missing" => Path.Combine(dir.Path, "nope.csv"),
            _ => dir.Write("c.parquet", "user_id,event,ts\nu1,view,2020-01-01\n"),
        };
        var good = dir.Write("good.csv", "user_id,event,ts\nu1,view,2020-01-01\n");

        var ex = Should.Throw<ImportException>(() => dir.Import(null, good, file));

        ex.Message.ShouldContain(message);
        ex.Message.ShouldContain(Path.GetFileName(file));
        dir.Store.Summary().Events.ShouldBe(0);
    }

    [Fact]
    public void a_failure_on_the_second_file_leaves_the_store_exactly_as_it_was()
    {
        using var dir = new TempDir();
        var first = dir.Write("a.csv", "user_id,event,ts\nu1,view,2020-01-01\n");
        dir.Import(null, first);
        var second = dir.Write("b.csv", "user_id,event,ts\nu2,view,2020-01-01\n");
        var broken = dir.Write("c.csv", "who,what\nx,y\n");

        Should.Throw<ImportException>(() => dir.Import(null, second, broken));

        var summary = dir.Store.Summary();
        summary.Events.ShouldBe(1);
        summary.Imports.ShouldBe(1);
    }

    [Fact]
    public void cancelling_midway_leaves_the_store_exactly_as_it_was()
    {
        using var dir = new TempDir();
        dir.Import(null, dir.Write("a.csv", "user_id,event,ts\nu1,view,2020-01-01\n"));
        var b = dir.Write("b.csv", "user_id,event,ts\nu2,view,2020-01-01\n");
        var c = dir.Write("c.csv", "user_id,event,ts\nu3,view,2020-01-01\n");
        using var cts = new CancellationTokenSource();
        // Progress is reported synchronously at the end of each file: cancel after the first one.
        var progress = new SyncProgress(p => cts.Cancel());

        Should.Throw<OperationCanceledException>(() => EventImporter.Import(dir.Store, [b, c], null, progress, cts.Token));

        dir.Store.Summary().Events.ShouldBe(1);
        dir.Store.Summary().Imports.ShouldBe(1);
    }

    private sealed class SyncProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
