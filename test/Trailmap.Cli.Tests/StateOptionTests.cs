using Shouldly;
using Trailmap.Delivery.Tests.Infrastructure;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>--state postgres://...</c> on <c>automate</c> and <c>serve</c>: the outbox in PostgreSQL (docs/postgres-state.md).</summary>
public sealed class StateOptionTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-state-test").FullName;
    private readonly PostgresState postgres = new();

    private string P(string name) => Path.Combine(dir, name);

    [Theory]
    [InlineData("automate")]
    [InlineData("serve")]
    public async Task A_malformed_state_address_is_a_usage_error_that_says_what_to_write(string command)
    {
        var run = await CliRun.RunAsync(command, "--once", "--db", P("s.duckdb"), "--state", "postgres://db.internal/trailmap");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Err.ShouldContain("--state: 'postgres://db.internal/trailmap' names no user; write postgres://USER@HOST:PORT/DATABASE");
        File.Exists(P("s.duckdb")).ShouldBeFalse();
    }

    [Fact]
    public async Task An_unreachable_state_database_is_a_clear_error()
    {
        await File.WriteAllTextAsync(P("j.yaml"), Journey, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(P("e.csv"), "customer_id,event,timestamp\na,Signed Up,2020-01-01T00:00:00Z\n", TestContext.Current.CancellationToken);
        (await CliRun.RunAsync("import", P("e.csv"), "--db", P("s.duckdb"))).ExitCode.ShouldBe(0);

        // Port 9 (discard) on loopback: nothing listens there.
        var run = await CliRun.RunAsync("automate", "--once", "--db", P("s.duckdb"), "--journey", P("j.yaml"), "--state", "postgres://app@127.0.0.1:9/trailmap");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Err.ShouldContain("cannot open the outbox in postgres://app@127.0.0.1:9/trailmap");
        run.Err.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task A_state_database_written_by_a_newer_trailmap_is_reported_as_the_state_not_as_the_db_file()
    {
        var state = postgres.Url;
        // A database a newer Trailmap upgraded: its workspace and outbox at versions this one does not know.
        postgres.Count(
            $"""
            CREATE SCHEMA {postgres.Schema};
            CREATE TABLE {postgres.Schema}.trailmap_schema_versions (component text PRIMARY KEY, version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO {postgres.Schema}.trailmap_schema_versions (component, version) VALUES ('workspace', 99), ('outbox', 99);
            SELECT 1
            """).ShouldBe(1);

        var serve = await CliRun.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--db", P("w.duckdb"), "--state", state);

        serve.ExitCode.ShouldBe(1, serve.ToString());
        serve.Err.ShouldContain("cannot open the state in postgres://");
        serve.Err.ShouldContain("the workspace tables in postgres://");
        serve.Err.ShouldContain("are at version 99, written by a newer Trailmap; this one knows versions up to 1. Upgrade this node");
        serve.Err.ShouldNotContain("workspace store");
        serve.Err.ShouldNotContain("   at ");

        await File.WriteAllTextAsync(P("j.yaml"), Journey, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(P("e.csv"), "customer_id,event,timestamp\na,Signed Up,2020-01-01T00:00:00Z\n", TestContext.Current.CancellationToken);
        (await CliRun.RunAsync("import", P("e.csv"), "--db", P("a.duckdb"))).ExitCode.ShouldBe(0);
        var automate = await CliRun.RunAsync("automate", "--once", "--db", P("a.duckdb"), "--journey", P("j.yaml"), "--state", state);

        automate.ExitCode.ShouldBe(1, automate.ToString());
        automate.Err.ShouldContain("cannot open the outbox in postgres://");
        automate.Err.ShouldContain("the outbox tables in postgres://");
        automate.Err.ShouldContain("are at version 99, written by a newer Trailmap");
        // Connecting worked; advice to check the server would send the reader the wrong way.
        automate.Err.ShouldNotContain("Check that PostgreSQL runs there");
    }

    [Fact]
    public async Task Automate_with_state_puts_the_messages_in_postgres_and_sends_from_there()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = postgres.Url;
        await File.WriteAllTextAsync(P("j.yaml"), Journey, ct);
        await File.WriteAllTextAsync(P("e.csv"), "customer_id,event,timestamp\na,Signed Up,2020-01-01T00:00:00Z\n", ct);
        (await CliRun.RunAsync("import", P("e.csv"), "--db", P("s.duckdb"))).ExitCode.ShouldBe(0);
        var first = await CliRun.RunAsync("automate", "--once", "--db", P("s.duckdb"), "--journey", P("j.yaml"), "--state", state);
        first.ExitCode.ShouldBe(0, first.ToString());

        // As in AutomateCommandTests: b signs up after the rules were activated, so the next run decides both rules.
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        var now = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(P("e2.csv"), $"customer_id,event,timestamp\nb,Signed Up,{now}\n", ct);
        (await CliRun.RunAsync("import", P("e2.csv"), "--db", P("s.duckdb"))).ExitCode.ShouldBe(0);
        var second = await CliRun.RunAsync("automate", "--once", "--db", P("s.duckdb"), "--journey", P("j.yaml"), "--state", state);
        second.ExitCode.ShouldBe(0, second.ToString());
        second.Err.ShouldContain("2 triggers decided, 2 messages planned");
        second.Err.ShouldContain("delivery: 1 sent");

        // The outbox is in PostgreSQL: the in-app message sent, the email pending (no SMTP); the --db file has none.
        postgres.Strings("SELECT rule_id || ' ' || state FROM delivery_outbox ORDER BY rule_id")
            .ShouldBe(["smoke/welcome-mail pending", "smoke/welcome-note sent"]);
        // The rules' state too: the two decisions and the rules' activation are in PostgreSQL, not in the file.
        postgres.Count("SELECT count(*) FROM automation_decisions WHERE outcome = 'planned'").ShouldBe(2);
        postgres.Count("SELECT count(*) FROM automation_rules").ShouldBe(2);
        (await TablesInFile(P("s.duckdb"), "delivery_outbox", "automation_decisions", "automation_rules")).ShouldBe(0);

        // A third run decides nothing new and enqueues nothing twice.
        var third = await CliRun.RunAsync("automate", "--once", "--db", P("s.duckdb"), "--journey", P("j.yaml"), "--state", state);
        third.Err.ShouldContain("0 triggers decided");
        postgres.Count("SELECT count(*) FROM delivery_outbox").ShouldBe(2);
    }

    [Fact]
    public async Task Serve_with_state_opens_the_outbox_in_postgres_and_reports_it_ready()
    {
        var state = postgres.Url;
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "trailmap.dll"), "serve", "--urls", "http://127.0.0.1:0", "--db", P("w.duckdb"), "--state", state })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        string? ready = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(90));
            while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.Contains("Trailmap is running at ", StringComparison.Ordinal))
                {
                    var address = line[(line.IndexOf("at ", StringComparison.Ordinal) + 3)..].Split(' ')[0];
                    using var http = new HttpClient();
                    ready = await http.GetStringAsync(new Uri(new Uri(address), "/readyz"), timeout.Token);
                    break;
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        ready.ShouldNotBeNull("the server never said where it runs");
        ready.ShouldContain("\"outbox\":\"ok\"");
        // The outbox's and the rules' tables are in PostgreSQL, and none in the --db file.
        postgres.Count("SELECT version FROM trailmap_schema_versions WHERE component = 'outbox'").ShouldBe(1);
        postgres.Count("SELECT version FROM trailmap_schema_versions WHERE component = 'automation'").ShouldBe(1);
        (await TablesInFile(P("w.duckdb"), "delivery_outbox", "automation_decisions", "automation_rules")).ShouldBe(0);
    }

    private static async Task<long> TablesInFile(string path, params string[] names)
    {
        using var file = new DuckDB.NET.Data.DuckDBConnection("DataSource=" + path);
        await file.OpenAsync(TestContext.Current.CancellationToken);
        using var command = file.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM duckdb_tables() WHERE table_name IN ({string.Join(", ", names.Select(n => $"'{n}'"))})";
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private const string Journey = """
        id: smoke
        title: Smoke
        stages:
          - { id: signup, name: Sign up, entry: Signed Up }
        interventions:
          - id: welcome-note
            name: Welcome note
            when: { event: Signed Up }
            then: { channel: in-app, message: "Welcome" }
          - id: welcome-mail
            name: Welcome mail
            when: { event: Signed Up }
            then: { channel: email, subject: Welcome }
        """;

    public void Dispose()
    {
        postgres.Dispose();
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans temp later.
        }
    }
}
