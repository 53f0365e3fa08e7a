using System.Globalization;
using System.Text;
using Shouldly;
using Trailmap.Events;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary>
/// DuckDB's memory limit (<c>TRAILMAP_DUCKDB_MEMORY</c>, docs/import.md): an import far larger than the limit spills to
/// disk and keeps every guarantee (dedupe, rejects, counts); a value that is not a size is refused before anything is
/// opened.
/// </summary>
public sealed class ImportMemoryLimitTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "trailmap-memlimit-" + Guid.NewGuid().ToString("N"));

    public ImportMemoryLimitTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task An_import_larger_than_the_memory_limit_spills_and_stores_what_an_unlimited_one_stores()
    {
        // 1,500,000 rows (about 100 MB staged, so a 128 MB limit spills) of which every 100th repeats the row before
        // (a duplicate, id and content) and every 1000th has no customer: by hand, 15,000 duplicates and 1,500 rejects,
        // so 1,483,500 events.
        const int rows = 1_500_000;
        var random = new Random(3);
        var text = new StringBuilder("customer_id,event,timestamp,message_id,plan\n");
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        string previous = "";
        for (var i = 0; i < rows; i++)
        {
            if (i % 100 == 99)
            {
                text.Append(previous);
                continue;
            }

            var customer = i % 1000 == 500 ? "" : "customer-" + random.Next(50_000).ToString(CultureInfo.InvariantCulture);
            previous = string.Create(CultureInfo.InvariantCulture,
                $"{customer},event-{random.Next(8)},{start.AddSeconds(random.Next(30_000_000)):yyyy-MM-ddTHH:mm:ssZ},message-{i},plan-{random.Next(4)}\n");
            text.Append(previous);
        }

        var csv = Path.Combine(folder, "events.csv");
        await File.WriteAllTextAsync(csv, text.ToString(), TestContext.Current.CancellationToken);

        var limited = Path.Combine(folder, "limited.duckdb");
        var run = await CliRun.RunProcessAsync(new Dictionary<string, string> { ["TRAILMAP_DUCKDB_MEMORY"] = "128MB" }, "import", csv, "--db", limited);
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Err.ShouldContain("imported 1,483,500 events from 1,500,000 rows", customMessage: run.ToString());
        run.Err.ShouldContain("15,000 duplicates skipped", customMessage: run.ToString());
        run.Err.ShouldContain("1,500 rejected", customMessage: run.ToString());
        run.Err.ShouldContain("events.csv:502: missing customer id", customMessage: run.ToString());

        var unlimited = Path.Combine(folder, "unlimited.duckdb");
        (await CliRun.RunProcessAsync("import", csv, "--db", unlimited)).ExitCode.ShouldBe(0);
        using var a = EventStore.Open(limited);
        using var b = EventStore.Open(unlimited);
        Rows(a).ShouldBe(Rows(b));
        Rows(a).Count.ShouldBe(1_483_500);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("4 gigabytes")]
    [InlineData("-1GB")]
    public async Task A_memory_limit_that_is_not_a_size_is_refused_naming_the_variable(string value)
    {
        var store = Path.Combine(folder, "store.duckdb");
        var csv = Path.Combine(folder, "one.csv");
        await File.WriteAllTextAsync(csv, "customer_id,event,timestamp\nu1,signup,2026-01-01T00:00:00Z\n", TestContext.Current.CancellationToken);
        var run = await CliRun.RunProcessAsync(new Dictionary<string, string> { ["TRAILMAP_DUCKDB_MEMORY"] = value }, "import", csv, "--db", store);
        run.ExitCode.ShouldBe(2, run.ToString());
        File.Exists(store).ShouldBeFalse("nothing is created when the setting is refused");
        run.Err.ShouldContain("TRAILMAP_DUCKDB_MEMORY", customMessage: run.ToString());
        run.Err.ShouldContain("4GB", customMessage: run.ToString());
        run.Err.ShouldNotContain("   at ", customMessage: run.ToString());
    }

    [Theory]
    [InlineData("4GB", "4GB")]
    [InlineData(" 512MB ", "512MB")]
    [InlineData("1.5GiB", "1.5GiB")]
    [InlineData("100kb", "100kb")]
    [InlineData("4", null)]
    [InlineData("GB", null)]
    [InlineData("4GB; DROP TABLE events", null)]
    public void Sizes_parse_as_DuckDB_reads_them(string text, string? expected) =>
        DuckDbMemory.Parse(text).ShouldBe(expected);

    private static List<string> Rows(EventStore store)
    {
        var lines = new List<string>();
        foreach (var row in store.ReadSorted(null, null, null))
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{row.CustomerId}|{row.Event}|{row.Timestamp:O}|{row.MessageId}"));
        }

        return lines;
    }
}
