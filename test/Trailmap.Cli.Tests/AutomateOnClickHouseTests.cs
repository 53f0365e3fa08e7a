using Shouldly;
using Trailmap.Delivery;
using Trailmap.Events.Tests.ClickHouse;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary>
/// <c>automate --once --db clickhouse://... --workspace FILE</c> on the two-shard test cluster: the rules read the
/// events from the cluster and keep the outbox and their state in the workspace file, deciding as on DuckDB
/// (AutomateCommandTests runs the same steps on a DuckDB file).
/// </summary>
public sealed class AutomateOnClickHouseTests : IDisposable
{
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

    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-automate-ch-").FullName;
    private readonly List<ClickHouseServer> servers = [];

    private string P(string name) => Path.Combine(dir, name);

    [Fact]
    public async Task The_rules_decide_on_the_clusters_events_and_keep_their_outbox_in_the_workspace_file()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = ClickHouseServer.FreshDatabase();
        servers.Add(server);
        var db = server.Address.ToString();
        string[] automate = ["automate", "--once", "--db", db, "--workspace", P("w.duckdb"), "--journey", P("j.yaml")];
        await File.WriteAllTextAsync(P("j.yaml"), Journey, ct);
        await File.WriteAllTextAsync(P("e.csv"), "customer_id,event,timestamp\na,Signed Up,2020-01-01T00:00:00Z\n", ct);
        (await CliRun.RunAsync("import", P("e.csv"), "--db", db)).ExitCode.ShouldBe(0);

        // The first run activates the rules: a's 2020 sign-up is history and is never decided.
        var first = await CliRun.RunAsync(automate);
        first.ExitCode.ShouldBe(0, first.ToString());
        first.Err.ShouldContain("0 triggers decided");

        // b signs up now (whole seconds, after the activation): both rules are decided for b, once.
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        var now = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(P("e2.csv"), $"customer_id,event,timestamp\nb,Signed Up,{now}\n", ct);
        (await CliRun.RunAsync("import", P("e2.csv"), "--db", db)).ExitCode.ShouldBe(0);
        var second = await CliRun.RunAsync(automate);
        second.ExitCode.ShouldBe(0, second.ToString());
        second.Err.ShouldContain("2 triggers decided, 2 messages planned");

        var third = await CliRun.RunAsync(automate);
        third.Err.ShouldContain("0 triggers decided");
        using var outbox = Outbox.Open(P("w.duckdb"));
        outbox.List(OutboxState.Pending).Single().RuleId.ShouldBe("smoke/welcome-mail");
        outbox.List(OutboxState.Sent).Single().RuleId.ShouldBe("smoke/welcome-note");
    }

    public void Dispose()
    {
        foreach (var server in servers)
        {
            server.Dispose();
        }

        Directory.Delete(dir, recursive: true);
    }
}
