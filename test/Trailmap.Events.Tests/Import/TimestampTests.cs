using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Import;

public class TimestampTests
{
    // Expected microseconds since the Unix epoch, worked out by hand:
    // 2020-01-01T00:00:00Z = 18262 days * 86400 = 1_577_836_800 s.
    [Theory]
    [InlineData("2020-01-01T10:00:00Z", 1_577_872_800_000_000L)]
    [InlineData("2020-01-01T10:00:00+02:00", 1_577_865_600_000_000L)]
    [InlineData("2020-01-01T10:00:00-05:30", 1_577_892_600_000_000L)]
    [InlineData("2020-01-01T10:00:00", 1_577_872_800_000_000L)]
    [InlineData("2020-01-01 10:00:00 UTC", 1_577_872_800_000_000L)]
    [InlineData("2020-01-01T10:00Z", 1_577_872_800_000_000L)]
    [InlineData("2020-01-01", 1_577_836_800_000_000L)]
    [InlineData("2020-01-01T10:00:00.123456Z", 1_577_872_800_123_456L)]
    [InlineData("2020-01-01T10:00:00.5Z", 1_577_872_800_500_000L)]
    [InlineData("2020-01-01T10:00:00.1234567Z", 1_577_872_800_123_456L)]
    [InlineData("1577872800", 1_577_872_800_000_000L)]
    [InlineData("1577872800.25", 1_577_872_800_250_000L)]
    [InlineData("1577872800123", 1_577_872_800_123_000L)]
    [InlineData("20200101", 1_577_836_800_000_000L)]
    public void each_timestamp_form_lands_on_the_hand_computed_microsecond(string text, long micros)
    {
        using var dir = new TempDir();
        var file = dir.Write("t.csv", $"user_id,event,timestamp\nu1,view,{text}\n");

        var summary = dir.Import(null, file);

        summary.Rejected.ShouldBe(0);
        var row = dir.Events().ShouldHaveSingleItem();
        var expected = DateTime.UnixEpoch.AddTicks(micros * 10);
        row.Timestamp.ShouldBe(expected);
        row.Timestamp.Kind.ShouldBe(DateTimeKind.Utc);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2020-13-01")]
    [InlineData("2020-02-30 10:00:00")]
    [InlineData("999999999999999999")]
    public void a_timestamp_that_parses_to_nothing_is_rejected_with_its_line(string text)
    {
        using var dir = new TempDir();
        var file = dir.Write("t.csv", $"user_id,event,timestamp\nu1,view,2020-01-01\nu1,view,{text}\n");

        var summary = dir.Import(null, file);

        summary.Imported.ShouldBe(1);
        summary.Rejected.ShouldBe(1);
        var reject = summary.Rejects.ShouldHaveSingleItem();
        reject.Line.ShouldBe(3);
        reject.Reason.ShouldContain("timestamp");
    }
}
