using System.Text.Json;
using Shouldly;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>trailmap paths --sankey</c>, end to end; every node and link worked out by hand from the events.</summary>
public sealed class PathsSankeyCommandTests : IDisposable
{
    // a view cart buy; b view cart; c view help; d view only; e cart only (never viewed).
    private const string Events = """
        user_id,event,timestamp
        a,view,2026-01-05T00:00:00Z
        a,cart,2026-01-05T00:01:00Z
        a,buy,2026-01-05T00:02:00Z
        b,view,2026-01-05T00:00:00Z
        b,cart,2026-01-05T00:05:00Z
        c,view,2026-01-05T00:00:00Z
        c,help,2026-01-05T00:03:00Z
        d,view,2026-01-05T00:00:00Z
        e,cart,2026-01-05T00:00:00Z
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-sankey-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> CsvAsync()
    {
        var csv = Path.Combine(_dir, "events.csv");
        await File.WriteAllTextAsync(csv, Events, TestContext.Current.CancellationToken);
        return csv;
    }

    private static string Nodes(JsonElement s) => string.Join(" | ", s.GetProperty("nodes").EnumerateArray().Select(n =>
        $"{n.GetProperty("id").GetInt32()}:{n.GetProperty("step").GetInt32()}:{(n.GetProperty("other").GetBoolean() ? "*" : "")}{n.GetProperty("event").GetString()}={n.GetProperty("customers").GetInt64()}"));

    private static string Links(JsonElement s) => string.Join(" ", s.GetProperty("links").EnumerateArray().Select(l =>
        $"{l.GetProperty("source").GetInt32()}>{l.GetProperty("target").GetInt32()}={l.GetProperty("customers").GetInt64()}"));

    // From view: a b c d (4). At 30% (1.2 customers): step 1 cart 2 kept, help 1 other; step 2 buy 1 (a) other.
    [Fact]
    public async Task Sankey_json_groups_events_under_the_share_as_other()
    {
        var csv = await CsvAsync();

        var run = await CliRun.RunAsync("paths", "--from", "view", "--sankey", "--depth", "2", "--min-share", "30%", "--events", csv, "--format", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        doc.RootElement.GetProperty("customers").GetInt64().ShouldBe(4);
        Nodes(doc.RootElement).ShouldBe("0:0:view=4 | 1:1:cart=2 | 2:1:*other=1 | 3:2:*other=1");
        Links(doc.RootElement).ShouldBe("0>1=2 0>2=1 1>3=1");
    }

    // Events at or after 00:01 and before 00:05: a cart@01, a buy@02, c help@03 (b's cart at 00:05 and e's at 00:00 are
    // out). From cart: only a, then buy. Over every event it would be a, b and e (cart=3).
    [Fact]
    public async Task Since_and_until_bound_the_sankeys_events()
    {
        var csv = await CsvAsync();

        var run = await CliRun.RunAsync("paths", "--from", "cart", "--sankey", "--depth", "2", "--min-share", "0",
            "--since", "2026-01-05T00:01:00Z", "--until", "2026-01-05T00:05:00Z", "--events", csv, "--format", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        Nodes(doc.RootElement).ShouldBe("0:0:cart=1 | 1:1:buy=1");
        Links(doc.RootElement).ShouldBe("0>1=1");

        var bad = await CliRun.RunAsync("paths", "--from", "cart", "--sankey", "--since", "soon", "--events", csv);
        bad.ExitCode.ShouldNotBe(0);
        bad.Err.ShouldContain("--since 'soon' is not a time");
        var plain = await CliRun.RunAsync("paths", "--from", "cart", "--since", "2026-01-05", "--events", csv);
        plain.ExitCode.ShouldNotBe(0);
        plain.Err.ShouldContain("--since and --until bound the Sankey's events; add --sankey");
    }

    // view then cart within 1 d: a and b convert; c and d drop at step 1. After their view: c help, d nothing.
    [Fact]
    public async Task Dropped_at_follows_the_customers_who_dropped()
    {
        var csv = await CsvAsync();

        var run = await CliRun.RunAsync("paths", "--dropped-at", "1", "--steps", "view,cart", "--window", "1d", "--events", csv, "--format", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        doc.RootElement.GetProperty("customers").GetInt64().ShouldBe(2);
        Nodes(doc.RootElement).ShouldBe("0:0:view=2 | 1:1:help=1");
        Links(doc.RootElement).ShouldBe("0>1=1");

        var table = await CliRun.RunAsync("paths", "--dropped-at", "1", "--steps", "view,cart", "--window", "1d", "--events", csv);
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Out.ShouldContain("After view: 2 customers");
        table.Out.ShouldContain("help");
    }

    [Theory]
    [InlineData("--dropped-at: name the funnel with --steps A,B,C", "--dropped-at", "1")]
    [InlineData("--min-share: '2' is not a share; write a fraction from 0 to 1 (0.05) or a percentage (5%)", "--from", "view", "--sankey", "--min-share", "2")]
    [InlineData("--dropped-at: '2' is not a step customers can drop at; give 1 to 1 (the last step has no next one)", "--dropped-at", "2", "--steps", "view,cart")]
    [InlineData("--steps: only the Sankey of a step's drop-off reads a funnel; add --sankey --dropped-at N", "--from", "view", "--steps", "view,cart")]
    public async Task Bad_options_name_the_option_and_the_fix(string message, params string[] args)
    {
        var csv = await CsvAsync();

        var run = await CliRun.RunAsync(["paths", .. args, "--events", csv]);

        run.ExitCode.ShouldNotBe(0);
        run.Err.ShouldContain(message);
        run.Err.ShouldNotContain("   at ");
    }
}
