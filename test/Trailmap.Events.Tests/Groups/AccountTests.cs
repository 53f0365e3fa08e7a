using Shouldly;
using Trailmap.Analytics.Funnels;
using Xunit;

namespace Trailmap.Events.Tests.Groups;

/// <summary>Accounts from Segment group calls and the --group column; every count below is worked out by hand.</summary>
public class AccountTests
{
    private static readonly FunnelSpec SignUpThenActivate = new()
    {
        Steps = [new FunnelStep("Signed Up"), new FunnelStep("Activated")],
        Window = Trailmap.Journeys.Model.Duration.Parse("14d"),
    };

    // u1 and u2 are members of acme, u3 of globex; u4 of none. u1 signs up, u2 (another acme member) activates.
    private const string Messages = """
        {"type":"group","userId":"u1","groupId":"acme","traits":{"name":"Acme","plan":"team"},"messageId":"g1","timestamp":"2024-03-01T08:00:00Z"}
        {"type":"group","userId":"u2","groupId":"acme","traits":{"plan":"business"},"messageId":"g2","timestamp":"2024-03-01T08:30:00Z"}
        {"type":"group","userId":"u3","groupId":"globex","messageId":"g3","timestamp":"2024-03-01T08:00:00Z"}
        {"type":"track","userId":"u1","event":"Signed Up","messageId":"e1","timestamp":"2024-03-01T09:00:00Z"}
        {"type":"track","userId":"u2","event":"Signed Up","messageId":"e2","timestamp":"2024-03-01T10:00:00Z"}
        {"type":"track","userId":"u2","event":"Activated","messageId":"e3","timestamp":"2024-03-02T09:00:00Z"}
        {"type":"track","userId":"u3","event":"Signed Up","messageId":"e4","timestamp":"2024-03-01T09:30:00Z"}
        {"type":"track","userId":"u4","event":"Signed Up","messageId":"e5","timestamp":"2024-03-01T09:45:00Z"}
        """;

    [Fact]
    public void an_account_reaches_a_step_when_its_first_member_does()
    {
        using var dir = new TempDir();
        dir.Import(null, dir.Write("m.jsonl", Messages));

        // People: u1, u2, u3, u4 signed up; only u2 activated after their own sign-up: 4, 1.
        FunnelEngine.Run(dir.Store.LoadEventLog(), SignUpThenActivate).Steps.Select(s => s.Customers).ShouldBe([4L, 1L]);

        // Accounts: acme (u1's sign-up at 09:00, u2's activation), globex (u3's sign-up); u4 belongs to none: 2, 1.
        var accounts = dir.Store.LoadEventLog(new EventLogQuery { Unit = AnalysisUnit.Accounts });
        accounts.Customers.ShouldBe(["acme", "globex"]);
        var funnel = FunnelEngine.Run(accounts, SignUpThenActivate);
        funnel.Steps.Select(s => s.Customers).ShouldBe([2L, 1L]);

        // The account's log holds both members' sign-ups (u1 09:00, u2 10:00). The default re-entry lets the latest
        // start win, so acme converts from u2's sign-up: 23 h; with Mixpanel's first re-entry from u1's: 24 h.
        funnel.Steps[1].TimeToConvert!.Median.ShouldBe(23 * 3600);
        FunnelEngine.Run(accounts, SignUpThenActivate with { Reentry = FunnelReentry.First }).Steps[1].TimeToConvert!.Median.ShouldBe(24 * 3600);
        Timeline(accounts, "acme").ShouldBe(["Signed Up@03-01 09:00", "Signed Up@03-01 10:00", "Activated@03-02 09:00"]);
    }

    [Fact]
    public void an_accounts_traits_come_from_its_group_calls_and_its_members_are_listed()
    {
        using var dir = new TempDir();
        dir.Import(null, dir.Write("m.jsonl", Messages));

        var log = dir.Store.LoadEventLog(new EventLogQuery { Unit = AnalysisUnit.Accounts });
        log.Traits!["acme"].ShouldBe(new Dictionary<string, object?> { ["name"] = "Acme", ["plan"] = "business" });
        dir.Store.MembersOf("acme").ShouldBe(["u1", "u2"]);
        dir.Store.MembersOf("nobody").ShouldBeEmpty();
        dir.Store.ReadAccount("acme", 10).Select(e => (e.CustomerId, e.Event)).ShouldBe([("u1", "Signed Up"), ("u2", "Signed Up"), ("u2", "Activated")]);
    }

    [Fact]
    public void a_group_call_while_anonymous_makes_the_identified_person_a_member()
    {
        using var dir = new TempDir();
        dir.Import(null, dir.Write("m.jsonl", """
            {"type":"group","anonymousId":"a7","groupId":"initech","messageId":"g1","timestamp":"2024-03-01T08:00:00Z"}
            {"type":"track","userId":"u7","event":"Signed Up","messageId":"e1","timestamp":"2024-03-01T09:00:00Z"}
            {"type":"identify","anonymousId":"a7","userId":"u7","messageId":"i1","timestamp":"2024-03-01T08:30:00Z"}
            """));

        dir.Store.MembersOf("initech").ShouldBe(["u7"]);
        dir.Store.LoadEventLog(new EventLogQuery { Unit = AnalysisUnit.Accounts }).Customers.ShouldBe(["initech"]);
    }

    [Fact]
    public void the_group_column_of_a_csv_makes_each_rows_customer_a_member_and_stays_a_property()
    {
        using var dir = new TempDir();
        dir.Import(new ImportOptions { GroupColumn = "company" }, dir.Write("e.csv", """
            user_id,event,timestamp,company
            c1,Signed Up,2024-03-01T09:00:00Z,acme
            c2,Activated,2024-03-02T09:00:00Z,acme
            c3,Signed Up,2024-03-01T09:00:00Z,globex
            c4,Signed Up,2024-03-01T09:00:00Z,
            """));

        dir.Store.MembersOf("acme").ShouldBe(["c1", "c2"]);
        dir.Store.MembersOf("globex").ShouldBe(["c3"]);
        FunnelEngine.Run(dir.Store.LoadEventLog(new EventLogQuery { Unit = AnalysisUnit.Accounts }), SignUpThenActivate)
            .Steps.Select(s => s.Customers).ShouldBe([2L, 1L]);
        dir.Events()[0].Properties.ShouldBe("""{"company":"acme"}""");
    }

    [Fact]
    public void a_group_column_the_file_lacks_stops_the_import_naming_the_columns()
    {
        using var dir = new TempDir();
        var file = dir.Write("e.csv", "user_id,event,timestamp\nc1,Signed Up,2024-03-01\n");

        var error = Should.Throw<ImportException>(() => dir.Import(new ImportOptions { GroupColumn = "company" }, file));

        error.Message.ShouldBe($"{file}: --group names the column \"company\", which the file does not have. Columns found: user_id, event, timestamp.");
        dir.Store.Summary().Events.ShouldBe(0);
    }

    private static List<string> Timeline(EventLog log, string customer)
    {
        var c = Array.IndexOf(log.Customers, customer);
        return [.. Enumerable.Range(log.Offsets[c], log.Offsets[c + 1] - log.Offsets[c])
            .Select(i => $"{log.Names[log.NameIds[i]]}@{EventLogBuilder.FromMicros(log.Timestamps[i]):MM-dd HH:mm}")];
    }
}
