using Shouldly;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary>
/// Where serve and automate keep the workspace when the events are on ClickHouse (--workspace FILE), and the
/// combinations that cannot work: usage errors (exit 2) that say what to write, raised before anything is opened, so
/// these need no cluster (port 1 answers nothing).
/// </summary>
public sealed class WorkspaceOptionTests
{
    private const string ClickHouse = "clickhouse://127.0.0.1:1/trailmap";

    [Theory]
    [InlineData("serve")]
    [InlineData("automate")]
    public async Task A_clickhouse_db_without_a_workspace_file_is_a_usage_error(string command)
    {
        var run = await CliRun.RunAsync(command == "automate" ? [command, "--once", "--db", ClickHouse] : [command, "--db", ClickHouse]);
        run.ExitCode.ShouldBe(2, run.ToString());
        run.Err.ShouldContain("keeps only the events; name the DuckDB file for the workspace (members, keys, journeys) with --workspace FILE");
    }

    [Fact]
    public async Task A_workspace_beside_a_duckdb_db_is_a_usage_error()
    {
        var db = Path.Combine(Path.GetTempPath(), $"never-created-{Guid.NewGuid():N}.duckdb");
        var run = await CliRun.RunAsync("serve", "--db", db, "--workspace", db + ".w");
        run.ExitCode.ShouldBe(2, run.ToString());
        run.Err.ShouldContain("--workspace is for a clickhouse:// --db");
        File.Exists(db).ShouldBeFalse();
        File.Exists(db + ".w").ShouldBeFalse();
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("users")]
    public async Task A_clickhouse_workspace_is_a_usage_error(string command)
    {
        var run = await CliRun.RunAsync(command == "users"
            ? ["users", "list", "--workspace", ClickHouse]
            : ["serve", "--db", ClickHouse, "--workspace", ClickHouse]);
        run.ExitCode.ShouldBe(2, run.ToString());
        run.Err.ShouldContain("the workspace is a DuckDB file");
    }

    [Fact]
    public async Task Users_and_keys_take_the_workspace_file_by_the_name_serve_gives_it()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-ws-").FullName;
        try
        {
            var file = Path.Combine(dir, "workspace.duckdb");
            (await CliRun.RunAsync("keys", "create", "--kind", "ingest", "--name", "website", "--workspace", file)).ExitCode.ShouldBe(0);
            var list = await CliRun.RunAsync("keys", "list", "--db", file);
            list.ExitCode.ShouldBe(0, list.ToString());
            list.Out.ShouldContain("website");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
