using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Bugs;

/// <summary>
/// A JSONL line with an escaped lone surrogate ("\ud800") failed the whole import with an unexpected
/// InvalidOperationException (exit 70): System.Text.Json parses the escape and throws when the text is read.
/// Now the line is rejected with its number and the reason, and the other lines are imported.
/// </summary>
public sealed class LoneSurrogateLineTests
{
    [Theory]
    [InlineData("""{"type":"track","userId":"u2","event":"B\ud800","timestamp":"2024-05-01T10:00:00Z","messageId":"m2"}""", "\\ud800")]
    [InlineData("""{"type":"track","userId":"u2","event":"B","timestamp":"2024-05-01T10:00:00Z","m\udc00essageId":"m2"}""", "\\udc00")]
    [InlineData("""{"type":"track","userId":"u2","event":"B","timestamp":"2024-05-01T10:00:00Z","properties":{"k":"\uD83D"}}""", "\\uD83D")]
    [InlineData("""{"customer_id":"u2","event":"B","timestamp":"2024-05-01","note":"\ud800\ud800"}""", "\\ud800")]
    public void the_line_is_rejected_alone_with_its_number(string bad, string escape)
    {
        using var dir = new TempDir();
        var file = dir.Write("s.jsonl", string.Join('\n',
            """{"type":"track","userId":"u1","event":"A","timestamp":"2024-05-01T10:00:00Z","messageId":"m1"}""",
            bad,
            """{"type":"track","userId":"u3","event":"C \ud83d\ude00","timestamp":"2024-05-01T10:00:00Z","messageId":"m3"}""") + "\n");

        var summary = dir.Import(null, file);

        dir.Events().Select(e => e.Event).Order(StringComparer.Ordinal).ShouldBe(["A", "C \U0001F600"]);
        var reject = summary.Rejects.ShouldHaveSingleItem();
        reject.Line.ShouldBe(2);
        reject.Reason.ShouldBe($"the escape {escape} is half of a UTF-16 surrogate pair, not text; write valid Unicode");
    }
}
