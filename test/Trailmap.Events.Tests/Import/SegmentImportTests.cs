using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Import;

public class SegmentImportTests
{
    [Fact]
    public void every_segment_message_type_and_a_batch_envelope_are_imported()
    {
        using var dir = new TempDir();
        var file = dir.Write("s.jsonl", string.Join("\n",
            """{"type":"track","userId":"u1","event":"Signed Up","properties":{"plan":"pro","seats":3},"messageId":"m1","timestamp":"2020-01-01T10:00:00Z"}""",
            """{"type":"identify","userId":"u1","traits":{"email":"a@b.c","plan":"free"},"timestamp":"2020-01-01T10:00:00Z"}""",
            """{"type":"identify","userId":"u1","traits":{"plan":"pro"}}""",
            """{"type":"group","userId":"u1","groupId":"g1","traits":{"name":"Acme"}}""",
            """{"type":"page","anonymousId":"a1","name":"Home","messageId":"m2","originalTimestamp":"2020-01-01T11:00:00Z"}""",
            """{"type":"screen","userId":"u2","messageId":"m3","sentAt":"2020-01-01T12:00:00Z"}""",
            """{"batch":[{"type":"track","userId":"u2","event":"A","messageId":"m4","receivedAt":"2020-01-02T00:00:00Z"},{"type":"track","userId":"u2","event":"B","messageId":"m1","timestamp":"2020-01-03"}]}""",
            """{"type":"track","userId":"u3","event":"Late","messageId":"m5"}""",
            "not json",
            ""));

        var summary = dir.Import(null, file);

        dir.Events().Select(e => (e.CustomerId, e.Event, e.MessageId)).ShouldBe([
            ("a1", "Viewed Home Page", "m2"),
            ("u1", "Signed Up", "m1"),
            ("u2", "Loaded a Screen", "m3"),
            ("u2", "A", "m4"),
        ]);
        dir.Events()[1].Properties.ShouldBe("""{"plan":"pro","seats":3}""");
        summary.Duplicates.ShouldBe(1);
        summary.Rejects.Select(r => (r.Line, r.Reason.Split(' ')[0])).ShouldBe([(9L, "invalid"), (8L, "missing")], ignoreOrder: true);
        var traits = dir.Store.ReadTraits().ShouldHaveSingleItem();
        traits.CustomerId.ShouldBe("u1");
        traits.Traits.ShouldBe("""{"email":"a@b.c","plan":"pro","group":{"name":"Acme","groupId":"g1"}}""");
        traits.UpdatedAt.ShouldBe(new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void plain_json_objects_use_the_same_column_detection_as_csv()
    {
        using var dir = new TempDir();
        var file = dir.Write("p.jsonl", """
            {"distinct_id":"d1","name":"Clicked","time":1577872800,"button":"buy"}
            {"distinct_id":"d1","name":"Clicked","time":1577872800123,"button":"buy"}
            """);

        dir.Import(null, file);

        dir.Events().Select(e => (e.Timestamp, e.Properties)).ShouldBe([
            (new DateTime(2020, 1, 1, 10, 0, 0, DateTimeKind.Utc), """{"button":"buy"}"""),
            (new DateTime(2020, 1, 1, 10, 0, 0, DateTimeKind.Utc).AddMilliseconds(123), """{"button":"buy"}"""),
        ]);
    }

    [Fact]
    public void invalid_utf8_in_a_json_line_is_rejected_at_that_line()
    {
        using var dir = new TempDir();
        var good = """{"userId":"u1","event":"A","timestamp":"2020-01-01"}"""u8.ToArray();
        byte[] bytes = [.. good, (byte)'\n', .. "{\"userId\":\"u"u8, 0xFF, .. "\",\"event\":\"A\",\"timestamp\":\"2020-01-01\"}\n"u8];
        var file = dir.WriteBytes("u.jsonl", bytes);

        var summary = dir.Import(null, file);

        summary.Imported.ShouldBe(1);
        var reject = summary.Rejects.ShouldHaveSingleItem();
        reject.Line.ShouldBe(2);
        reject.Reason.ShouldContain("UTF-8");
    }
}
