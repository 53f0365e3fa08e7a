using System.Text;
using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Import;

/// <summary>
/// Track lines take a reader that builds no JSON tree. Its oracle is the tree reader, which every other line
/// still takes: the same lines with type "Track" (types are case-insensitive, and only the exact "track" takes the
/// fast way) must import to exactly the same rows, properties text included.
/// </summary>
public class FastTrackTests
{
    private static readonly string[] Tricky =
    [
        """{"type":"track","userId":"u1","event":"Signed Up","timestamp":"2024-05-01T10:00:00Z","messageId":"m1","properties":{"plan":"team","seats":3}}""",
        """{"type":"track","userId":"u2","event":"Unicode","messageId":"m2","timestamp":"2024-05-01T10:00:00Z","properties":{"city":"São Paulo","note":"a<b & c>d","q":"it's \"quoted\"","e":"\u00e9"}}""",
        """{ "type" : "track", "userId" : "u3", "event" : "Spaced", "messageId" : "m3", "timestamp" : "2024-05-01T10:00:00Z", "properties" : { "a" : [1, 2, {"b": null}], "n": 1e+5 } }""",
        """{"type":"track","userId":"","anonymousId":"a4","event":"Anonymous","messageId":"m4","originalTimestamp":"2024-05-01T10:00:00+02:00"}""",
        """{"type":"track","userId":null,"anonymousId":"a5","event":"Null user","messageId":"m5","sentAt":"2024-05-01T10:00:00Z","properties":null}""",
        """{"type":"track","userId":"u6","event":"Context ignored","messageId":"m6","receivedAt":"2024-05-01T10:00:00Z","context":{"library":{"name":"x"}},"properties":{"k":"v w"}}""",
        """{"type":"track","userId":"u7","event":"Array properties","messageId":"m7","timestamp":"2024-05-01T10:00:00Z","properties":[1,2]}""",
        """{"type":"track","userId":7,"event":"Number user","messageId":"m8","timestamp":"2024-05-01T10:00:00Z"}""",
        """{"type":"track","userId":"u9","event":"No id","timestamp":"2024-05-01T10:00:00Z","properties":{"x":1}}""",
        """{"type":"track","userId":"u10","event":"Trailing","messageId":"m10","timestamp":"2024-05-01T10:00:00Z"} x""",
        """{"type":"track","userId":"u11","messageId":"m11","timestamp":"2024-05-01T10:00:00Z"}""",
        """{"type":"track","event":"Nobody","messageId":"m12","timestamp":"2024-05-01T10:00:00Z"}""",
        """{"type":"track","userId":"u13","event":"Dup key","event":"Second","messageId":"m13","timestamp":"2024-05-01T10:00:00Z"}""",
        """{"type":"track","userId":"u14","event":"Escaped \u0041","messageId":"m14","timestamp":"2024-05-01T10:00:00Z","properties":{"\u0062":"c\nd"}}""",
    ];

    [Fact]
    public void track_lines_import_exactly_as_the_tree_reader_imports_them()
    {
        using var fast = new TempDir();
        using var tree = new TempDir();
        var fastSummary = fast.Import(null, fast.Write("fast.jsonl", string.Join("\r\n", Tricky) + "\n"));
        var treeSummary = tree.Import(null, tree.Write("tree.jsonl",
            string.Join("\r\n", Tricky.Select(l => l.Replace("\"type\":\"track\"", "\"type\":\"Track\"", StringComparison.Ordinal)
                .Replace("\"type\" : \"track\"", "\"type\" : \"Track\"", StringComparison.Ordinal))) + "\n"));

        fast.Events().ShouldBe(tree.Events());
        fastSummary.Rejects.Select(r => (r.Line, r.Reason)).ShouldBe(treeSummary.Rejects.Select(r => (r.Line, r.Reason)));
        (fastSummary.Rows, fastSummary.Imported, fastSummary.Duplicates).ShouldBe((treeSummary.Rows, treeSummary.Imported, treeSummary.Duplicates));

        // And not vacuously: 14 lines; line 10 has trailing text (invalid JSON), line 11 has no event, line 12 no
        // customer (a plain object without a customer column), line 13 a duplicate key (invalid JSON), so 10 land.
        fastSummary.Imported.ShouldBe(10);
        fastSummary.Rejects.Select(r => r.Line).Order().ShouldBe([10L, 11L, 12L, 13L]);
        fastSummary.Rejects.Single(r => r.Line == 13).Reason.ShouldStartWith("invalid JSON");
    }

    [Fact]
    public void line_numbers_stay_right_across_the_readers_buffer_boundaries()
    {
        // 12,000 lines of ~200 bytes is ~2.4 MB: more than two of the reader's 1 MB buffers. Line 9,000 is broken.
        using var dir = new TempDir();
        var text = new StringBuilder();
        for (var i = 1; i <= 12_000; i++)
        {
            text.Append(i == 9_000
                ? "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"Broken\""
                : $$$"""{"type":"track","userId":"u{{{i % 50}}}","event":"E","messageId":"id-{{{i}}}","timestamp":"2024-05-01T10:00:00Z","properties":{"padding":"{{{new string('p', 80)}}}"}}""");
            text.Append('\n');
        }

        var summary = dir.Import(null, dir.Write("big.jsonl", text.ToString()));

        summary.Imported.ShouldBe(11_999);
        summary.Rejects.ShouldHaveSingleItem().Line.ShouldBe(9_000);
    }
}
