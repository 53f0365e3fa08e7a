using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Import;

/// <summary>
/// The accepted range of event times, 1900-01-01T00:00:00Z (inclusive) to 2200-01-01T00:00:00Z (exclusive): rows
/// outside it are rejected with their line and the reason, into the rejects file, and the rest are imported.
/// Before the range existed, 0001-01-01 and 9999-12-31 were stored, and later arithmetic on them overflowed.
/// </summary>
public class TimestampRangeTests
{
    // 1900-01-01T00:00:00Z is (70 * 365 + 17 leap days) * 86,400 = 2,208,988,800 s before the Unix epoch.
    [Theory]
    [InlineData("1900-01-01T00:00:00Z", true)]
    [InlineData("2199-12-31T23:59:59.999999Z", true)]
    [InlineData("-2208988800", true)]
    [InlineData("1899-12-31T23:59:59Z", false)]
    [InlineData("2200-01-01T00:00:00Z", false)]
    [InlineData("2200-01-01T01:00:00+02:00", true)] // 2199-12-31T23:00Z
    [InlineData("0001-01-01", false)]
    [InlineData("9999-12-31T23:59:59Z", false)]
    [InlineData("-2208988801", false)] // one second before 1900
    [InlineData("99999999999", false)] // under 1e11, so seconds: the year 5138
    public void each_time_is_accepted_only_inside_the_range(string text, bool accepted)
    {
        using var dir = new TempDir();
        var file = dir.Write("t.csv", $"user_id,event,timestamp\nu1,view,2024-05-01\nu1,view,{text}\n");

        var summary = dir.Import(null, file);

        summary.Imported.ShouldBe(accepted ? 2 : 1);
        summary.Rejected.ShouldBe(accepted ? 0 : 1);
        if (!accepted)
        {
            var reject = summary.Rejects.ShouldHaveSingleItem();
            reject.Line.ShouldBe(3);
            reject.Reason.ShouldBe($"timestamp \"{text}\" is outside the accepted range, 1900-01-01T00:00:00Z to 2200-01-01T00:00:00Z (exclusive); correct or drop the row");
        }
    }

    [Fact]
    public void rows_outside_the_range_go_to_the_rejects_file_with_their_lines_and_the_rest_is_imported()
    {
        using var dir = new TempDir();
        var file = dir.Write("t.csv", "user_id,event,timestamp\nu1,view,0001-01-01T00:00:00Z\nu2,view,2024-05-01T00:00:00Z\nu3,view,9999-12-31\nu4,view,2024-05-02\n");

        var summary = dir.Import(null, file);

        summary.Imported.ShouldBe(2);
        dir.Events().Select(e => e.CustomerId).ShouldBe(["u2", "u4"]);
        summary.Rejects.Select(r => r.Line).ShouldBe([2L, 4L]);
        var rejects = File.ReadAllText(Path.Combine(dir.Path, "rejects.csv"));
        rejects.ShouldContain("0001-01-01T00:00:00Z");
        rejects.ShouldContain("9999-12-31");
        rejects.ShouldContain("outside the accepted range");
    }

    [Fact]
    public void segment_messages_outside_the_range_are_rejected_by_line()
    {
        using var dir = new TempDir();
        var file = dir.Write("s.jsonl", string.Join('\n',
            """{"type":"track","userId":"u1","event":"A","timestamp":"2024-05-01T00:00:00Z","messageId":"m1"}""",
            """{"type":"track","userId":"u2","event":"A","timestamp":"0001-01-01T00:00:00Z","messageId":"m2"}""",
            """{"type":"track","userId":"u3","event":"A","originalTimestamp":"4049-06-01T00:00:00Z","messageId":"m3"}""") + "\n");

        var summary = dir.Import(null, file);

        summary.Imported.ShouldBe(1);
        summary.Rejects.Select(r => (r.Line, r.Reason.Contains("outside the accepted range", StringComparison.Ordinal))).ShouldBe([(2L, true), (3L, true)]);
    }
}
