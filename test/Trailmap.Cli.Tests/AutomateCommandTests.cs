using Shouldly;
using Trailmap.Delivery;
using Xunit;

namespace Trailmap.Cli.Tests;

public sealed class AutomateCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-automate-test").FullName;

    private string P(string name) => Path.Combine(dir, name);

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

    [Fact]
    public async Task Without_once_it_says_it_is_for_cron_and_that_serve_runs_rules_continuously()
    {
        var run = await CliRun.RunAsync("automate", "--db", P("x.duckdb"));
        run.ExitCode.ShouldBe(1, run.ToString());
        run.Err.ShouldContain("pass --once");
        run.Err.ShouldContain("trailmap serve");
    }

    [Fact]
    public async Task A_short_webhook_secret_and_a_store_without_journeys_are_clear_errors()
    {
        (await CliRun.RunAsync("automate", "--once", "--webhook-secret", "short")).Err.ShouldContain("--webhook-secret must be at least 16 characters");
        await File.WriteAllTextAsync(P("e.csv"), "customer_id,event,timestamp\na,Signed Up,2026-01-01T00:00:00Z\n", TestContext.Current.CancellationToken);
        (await CliRun.RunAsync("import", P("e.csv"), "--db", P("s.duckdb"))).ExitCode.ShouldBe(0);
        var none = await CliRun.RunAsync("automate", "--once", "--db", P("s.duckdb"));
        none.ExitCode.ShouldBe(1, none.ToString());
        none.Err.ShouldContain("no saved journeys");
    }

    [Fact]
    public async Task An_email_rule_without_smtp_says_which_flag_to_set_and_the_message_stays_pending()
    {
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(P("j.yaml"), Journey, ct);
        await File.WriteAllTextAsync(P("e.csv"), "customer_id,event,timestamp\na,Signed Up,2020-01-01T00:00:00Z\n", ct);
        (await CliRun.RunAsync("import", P("e.csv"), "--db", P("s.duckdb"))).ExitCode.ShouldBe(0);
        // The first run activates the rules: a's 2020 sign-up is history and is never decided.
        var first = await CliRun.RunAsync("automate", "--once", "--db", P("s.duckdb"), "--journey", P("j.yaml"));
        first.ExitCode.ShouldBe(0, first.ToString());
        first.Err.ShouldContain("0 triggers decided");

        // b signs up now (by the real clock, which the CLI reads): the next run decides both rules for b. The stamp is
        // cut to whole seconds, so it waits 1.5 s first: the cut stamp must still fall after the first run activated
        // the rules (a sign-up before activation is history, never decided), and not after the next run's now.
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        var now = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(P("e2.csv"), $"customer_id,event,timestamp\nb,Signed Up,{now}\n", ct);
        (await CliRun.RunAsync("import", P("e2.csv"), "--db", P("s.duckdb"))).ExitCode.ShouldBe(0);
        var second = await CliRun.RunAsync("automate", "--once", "--db", P("s.duckdb"), "--journey", P("j.yaml"));
        second.ExitCode.ShouldBe(0, second.ToString());
        second.Err.ShouldContain("2 triggers decided, 2 messages planned");
        second.Err.ShouldContain("1 Email message(s) wait in the outbox: email is not configured: set --smtp-host and --smtp-from");
        second.Err.ShouldContain("delivery: 1 sent");

        var third = await CliRun.RunAsync("automate", "--once", "--db", P("s.duckdb"), "--journey", P("j.yaml"));
        third.Err.ShouldContain("0 triggers decided");
        using var outbox = Outbox.Open(P("s.duckdb"));
        var mail = outbox.List(OutboxState.Pending).Single();
        (mail.RuleId, mail.Attempts).ShouldBe(("smoke/welcome-mail", 0));
        outbox.List(OutboxState.Sent).Single().RuleId.ShouldBe("smoke/welcome-note");
    }

    public void Dispose()
    {
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
