using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Bugs;

/// <summary>
/// The format check reads only the first line. A JSONL file whose first line was mangled was refused whole, even
/// with --format jsonl, so one bad line lost every good one; an explicit text format now wins, and the bad line is
/// rejected alone. Without --format, a .jsonl file that starts like CSV is still refused with the hint.
/// </summary>
public sealed class ExplicitFormatTests
{
    private const string Lines = "ype\":\"track\",\"userId\":\"u0\"}\n"
        + """{"type":"track","userId":"u1","event":"A","timestamp":"2024-05-01T10:00:00Z","messageId":"m1"}""" + "\n";

    [Fact]
    public void an_explicit_jsonl_format_rejects_a_mangled_first_line_alone()
    {
        using var dir = new TempDir();
        var file = dir.Write("s.jsonl", Lines);

        var summary = dir.Import(new ImportOptions { Format = ImportFormat.Jsonl }, file);

        dir.Events().Select(e => e.MessageId).ShouldBe(["m1"]);
        summary.Rejects.ShouldHaveSingleItem().Line.ShouldBe(1);
    }

    [Fact]
    public void without_a_format_the_content_must_match_the_extension()
    {
        using var dir = new TempDir();
        var file = dir.Write("s.jsonl", Lines);

        Should.Throw<ImportException>(() => dir.Import(null, file)).Message
            .ShouldContain("expected jsonl but the content looks like text (CSV)");
    }
}
