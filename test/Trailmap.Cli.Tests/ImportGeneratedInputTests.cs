using System.Text;
using CsCheck;
using Shouldly;
using Trailmap.Events;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary>
/// Generated bad files at <c>trailmap import</c>: CSV and Segment JSONL with mutated rows. The command never ends
/// in an unexpected failure (exit 70 or more), and every row that was not touched is imported. A fixed number of
/// iterations keeps the run to seconds.
/// </summary>
public sealed class ImportGeneratedInputTests : IDisposable
{
    private const int Iterations = 40;

    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-import-gen-").FullName;

    private int runs;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // Text a careless export holds: quotes, separators, escapes, extreme and broken times, bytes that are not UTF-8.
    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "\"", ",", ";", "\t", "\\", "\\ud800", "{", "}", "[", "]", ":", "null", "0001-01-01", "9999-12-31T23:59:59Z",
            "1899-12-31", "2200-01-01", "-99999999999", "1e400", "NaN", "", "\r", "=cmd|' /C calc'!A0", new string('x', 5000),
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0x00], [0xEF, 0xBB, 0xBF],
    ];

    private static readonly Gen<(int Kind, int At, int Token)> GenEdit = Gen.Select(Gen.Int[0, 3], Gen.Int[0, int.MaxValue], Gen.Int[0, Tokens.Length - 1]);

    /// <summary>Lines of a file: each good (false) or mutated (true), with the mutations of a mutated one.</summary>
    private static readonly Gen<(bool Bad, (int Kind, int At, int Token)[] Edits)[]> GenLines =
        Gen.Select(Gen.Int[0, 3].Select(n => n == 0), GenEdit.Array[1, 4]).Array[1, 30];

    [Fact]
    public async Task Mutated_segment_lines_are_rejected_alone_and_every_untouched_line_is_imported()
    {
        await GenLines.SampleAsync(async lines =>
        {
            var text = new List<byte>();
            var good = new List<string>();
            for (var i = 0; i < lines.Length; i++)
            {
                var id = $"m{i}";
                var line = Encoding.UTF8.GetBytes($$$"""{"type":"track","userId":"u{{{i % 7}}}","event":"E{{{i % 3}}}","timestamp":"2024-05-{{{1 + (i % 28):00}}}T10:00:00Z","messageId":"{{{id}}}","properties":{"n":{{{i}}}}}""");
                if (lines[i].Bad)
                {
                    // A line stays a line: a mutation that inserts a newline would make two lines of one. And no
                    // NUL: the importer refuses a file with one in its first 8 KB as binary data, by design.
                    line = [.. Mutate(line, lines[i].Edits).Where(b => b is not ((byte)'\n' or 0))];
                }
                else
                {
                    good.Add(id);
                }

                text.AddRange(line);
                text.Add((byte)'\n');
            }

            // --format: detection reads the first line, and a file whose first line is mangled is refused whole.
            var (code, err, ids) = await ImportAsync("events.jsonl", [.. text], "--format", "jsonl");
            code.ShouldBeLessThan(70, err);
            good.Except(ids).ShouldBeEmpty(err);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public async Task Bad_csv_rows_are_rejected_alone_and_every_good_row_is_imported()
    {
        // Bad rows stay inside their line and their quotes: bad times, missing fields, extra or missing columns.
        string[] badRows =
        [
            "u9,E,0001-01-01T00:00:00Z,{0}", "u9,E,9999-12-31,{0}", "u9,E,1899-12-31T23:59:59Z,{0}", "u9,E,2200-01-01,{0}",
            "u9,E,yesterday,{0}", "u9,E,-99999999999999999,{0}", ",E,2024-05-01,{0}", "u9,,2024-05-01,{0}", "u9,E,,{0}",
            "u9,E,2024-05-01,{0},extra", "u9,E", "\"u9\",\"E\",\"2024-13-45\",\"{0}\"",
        ];
        var gen = Gen.Select(Gen.Int[0, 3].Select(n => n == 0), Gen.Int[0, badRows.Length - 1]).Array[1, 30];
        await gen.SampleAsync(async rows =>
        {
            var text = new StringBuilder("customer_id,event,timestamp,message_id\n");
            var good = new List<string>();
            for (var i = 0; i < rows.Length; i++)
            {
                var id = $"m{i}";
                if (rows[i].Item1)
                {
                    text.Append(string.Format(System.Globalization.CultureInfo.InvariantCulture, badRows[rows[i].Item2], id)).Append('\n');
                }
                else
                {
                    text.Append($"u{i % 7},E{i % 3},2024-05-{1 + (i % 28):00}T10:00:00Z,{id}\n");
                    good.Add(id);
                }
            }

            var (code, err, ids) = await ImportAsync("events.csv", Encoding.UTF8.GetBytes(text.ToString()));
            code.ShouldBeLessThan(70, err);
            ids.Order(StringComparer.Ordinal).ShouldBe(good.Order(StringComparer.Ordinal), err);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public async Task Freely_mutated_csv_never_ends_in_an_unexpected_failure()
    {
        const string csv = "customer_id,event,timestamp,plan\nu1,Signed Up,2024-05-01T10:00:00Z,pro\n\"u2\",\"Viewed, twice\",1714557600,\"a \"\"b\"\"\"\nu3,Bought,2024-05-02,\n";
        await GenEdit.Array[1, 8].SampleAsync(async edits =>
        {
            var (code, err, _) = await ImportAsync("events.csv", Mutate(Encoding.UTF8.GetBytes(csv), edits));
            code.ShouldBeLessThan(70, err);
            err.ShouldNotContain("unexpected");
        }, iter: Iterations, threads: 1);
    }

    /// <summary>Runs <c>trailmap import</c> on the bytes into a new store and returns the exit code, stderr and the stored message ids.</summary>
    private async Task<(int Code, string Err, List<string> Ids)> ImportAsync(string name, byte[] bytes, params string[] options)
    {
        var run = Directory.CreateDirectory(Path.Combine(dir, (runs++).ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        var file = Path.Combine(run, name);
        await File.WriteAllBytesAsync(file, bytes, TestContext.Current.CancellationToken);
        var db = Path.Combine(run, "store.duckdb");
        var result = await CliRun.RunAsync(["import", file, "--db", db, .. options]);
        var err = $"{result}\n--- input (base64)\n{Convert.ToBase64String(bytes)}";
        if (!File.Exists(db))
        {
            return (result.ExitCode, err, []);
        }

        using var store = EventStore.Open(db);
        return (result.ExitCode, err, [.. store.ReadSorted(null, null, null).Select(e => e.MessageId)]);
    }

    private static byte[] Mutate(byte[] input, (int Kind, int At, int Token)[] edits)
    {
        var bytes = new List<byte>(input);
        foreach (var (kind, at0, token) in edits)
        {
            var at = at0 % (bytes.Count + 1);
            switch (kind)
            {
                case 0 when at < bytes.Count:
                    bytes[at] = Tokens[token].Length > 0 ? Tokens[token][0] : (byte)'?';
                    break;
                case 1:
                    bytes.InsertRange(at, Tokens[token]);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(1 + (token % 8), bytes.Count - at));
                    break;
                default:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(1 + token, bytes.Count - at)));
                    break;
            }
        }

        return [.. bytes];
    }
}
