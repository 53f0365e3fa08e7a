using System.Diagnostics;
using System.Globalization;
using System.Text;
using Shouldly;
using Trailmap.Events;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary>
/// <c>kill -9</c> of <c>trailmap import</c> at points spread over its run (the DuckDB import, its commit, the snapshot
/// build and its rename): every event of the import acknowledged before stays, the killed one lands whole or not at
/// all, and the next load, through the snapshot, returns exactly what an ORDER BY over the table returns.
/// </summary>
public sealed class ImportKillTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "trailmap-kill-" + Guid.NewGuid().ToString("N"));

    public ImportKillTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string WriteCsv(string name, int rows, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("customer_id,event,timestamp,message_id\n");
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"u{random.Next(20_000)},e{random.Next(6)},{start.AddSeconds(random.Next(5_000_000)):yyyy-MM-ddTHH:mm:ssZ},{name}-{i}\n");
        }

        var path = Path.Combine(folder, name + ".csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trailmap.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    /// <summary>Every row of the table, read by SQL in (customer, ts, seq) order: the expectation, independent of the snapshot.</summary>
    private static List<string> Table(EventStore store)
    {
        var lines = new List<string>();
        foreach (var row in store.ReadSorted(null, null, null))
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{row.CustomerId}|{row.Event}|{new DateTimeOffset(row.Timestamp, TimeSpan.Zero).ToUnixTimeMilliseconds()}"));
        }

        return lines;
    }

    private static List<string> Describe(Trailmap.Analytics.Events.EventLog log)
    {
        var lines = new List<string>();
        for (var c = 0; c < log.CustomerCount; c++)
        {
            for (var i = log.Offsets[c]; i < log.Offsets[c + 1]; i++)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{log.Customers[c]}|{log.Names[log.NameIds[i]]}|{log.Timestamps[i] / 1000}"));
            }
        }

        return lines;
    }

    [Fact]
    public async Task A_killed_import_loses_no_acknowledged_event_and_leaves_nothing_a_later_load_trusts()
    {
        var store = Path.Combine(folder, "store.duckdb");
        var first = WriteCsv("first", 60_000, seed: 1);
        var cancel = TestContext.Current.CancellationToken;
        (await CliRun.RunProcessAsync("import", first, "--db", store)).ExitCode.ShouldBe(0);

        // Each round imports a new file and kills the process after a growing delay; the last round lets it finish.
        var acknowledged = 60_000L;
        long[] delays = [150, 400, 800, 1200, 1800, 2600, 3600, -1];
        for (var round = 0; round < delays.Length; round++)
        {
            var file = WriteCsv("round" + round.ToString(CultureInfo.InvariantCulture), 150_000, seed: 10 + round);
            using var import = Start("import", file, "--db", store);
            var stdout = import.StandardOutput.ReadToEndAsync(cancel);
            var stderr = import.StandardError.ReadToEndAsync(cancel);
            if (delays[round] >= 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(delays[round]), cancel);
                import.Kill(entireProcessTree: true);
            }

            await import.WaitForExitAsync(cancel);
            await Task.WhenAll(stdout, stderr);
            var finished = import.ExitCode == 0;

            using var opened = EventStore.Open(store);
            var rows = opened.Summary().Events;
            // Whole or nothing: the killed import's 150,000 rows are all there or none is.
            (rows == acknowledged || rows == acknowledged + 150_000).ShouldBeTrue($"round {round}: {rows} rows after {acknowledged} acknowledged");
            if (finished)
            {
                rows.ShouldBe(acknowledged + 150_000, $"round {round}: the import said it finished");
            }

            acknowledged = rows;
            Describe(opened.LoadEventLog(new EventLogQuery { IncludeTraits = false })).ShouldBe(Table(opened), $"round {round}");
            File.Exists(store + ".snapshot").ShouldBeTrue();
        }

        // The last round finished, and its snapshot build removed what killed builds left.
        Directory.GetFiles(folder).ShouldNotContain(f => f.Contains(".tmp-", StringComparison.Ordinal));
    }
}
