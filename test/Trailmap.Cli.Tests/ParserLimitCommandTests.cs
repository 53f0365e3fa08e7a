using Shouldly;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary>
/// The journey limits through the commands, as a user meets them: a located error and exit 1, where deep nesting
/// aborted the process (exit 134), a 50 MB file never finished and 31 measured stages failed in analysis (exit 70).
/// </summary>
public sealed class ParserLimitCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("render")]
    public async Task Nesting_100000_levels_deep_exits_1_with_TM016_instead_of_aborting(string command)
    {
        // 200 KB; run as a child process, since a stack overflow ends a process and cannot be caught.
        var path = Write("deep.yaml", "a: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        var run = await CliRun.RunProcessAsync(command, path);

        run.ExitCode.ShouldBe(1, run.ToString());
        // Level 1 is the root mapping, level 2 the '[' at column 4; level 65 is at column 4 + 63.
        (run.Out + run.Err).ShouldContain($"{path}:1:67: error TM016: ");
        run.Err.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task A_50_MB_file_exits_1_with_TM019_without_being_read()
    {
        var path = Path.Combine(_dir, "big.yaml");
        using (var f = File.Create(path))
        {
            f.SetLength(50L * 1024 * 1024);
        }

        var run = await CliRun.RunAsync("validate", path);

        run.ExitCode.ShouldBe(1, run.ToString());
        (run.Out + run.Err).ShouldContain($"{path}:1:1: error TM019: the file is 52,428,800 bytes");
    }

    [Fact]
    public async Task Analyzing_31_measured_stages_exits_1_with_TM018_instead_of_failing_in_analysis()
    {
        var csv = Write("events.csv", "user_id,event,timestamp\nu1,E1,2026-01-01T00:00:00Z\nu1,E2,2026-01-01T00:10:00Z\n");
        var db = Path.Combine(_dir, "store.duckdb");
        (await CliRun.RunAsync("import", csv, "--db", db)).ExitCode.ShouldBe(0);
        var journey = Write("wide.yaml", "version: 1\nid: wide\ntitle: Wide\nstages:\n" + string.Concat(Enumerable.Range(1, 31).Select(k =>
            $"  - {{ id: s{k}, name: S{k}, entry: E{k}, kpis: [{{ id: k{k}, name: K{k}, type: count, event: E{k}, target: \">= 1\" }}] }}\n")));

        var run = await CliRun.RunAsync("analyze", journey, "--db", db);

        run.ExitCode.ShouldBe(1, run.ToString());
        // Stage 31 is on line 4 + 31; its entry value at column 34 (6 + "id: s31, " + "name: S31, " + "entry: ").
        run.Err.ShouldContain($"{journey}:35:34: error TM018: ");
    }
}
