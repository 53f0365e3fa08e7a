using System.Net;
using System.Text.RegularExpressions;
using Trailmap.Events;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Insights;

/// <summary>Small hand-made journeys and event files for the insight pages, and helpers to read their HTML.</summary>
internal static partial class InsightsData
{
    /// <summary>
    /// Three stages: signup (Signed Up) → activate (Board Shared) → pay (Subscription Started), no window (unbounded).
    /// KPIs: activation 80% vs >= 50% met (ideal >= 90% missed); CSAT 50% vs >= 80% missed; activation to paid
    /// (two-step Board Shared → Subscription Started: a, b, c, e, g shared a board, a and e paid: 2/5 = 40%) vs >= 44%
    /// at risk (|40% - 44%| = 4% is within 10% of 44% = 4.4%); revenue: no Invoice Paid events, no data.
    /// </summary>
    public const string TrialYaml = """
        version: 1
        id: trial
        title: Trial to paid
        stages:
          - id: signup
            name: Sign up
            entry: Signed Up
          - id: activate
            name: Activate
            goal: Share a first board
            entry: Board Shared
            pain_points:
              - { id: slow-import, text: Import needs a CSV export first, severity: high }
            opportunities:
              - { text: One-click import, priority: high, status: planned, owner: Integrations, addresses: [slow-import] }
            kpis:
              - { id: activation, name: Signup to activation, type: conversion, target: ">= 50%" }
              - { id: csat, name: Onboarding CSAT, type: csat, event: Survey Answered, property: score, target: ">= 80%" }
            ideal: { targets: { activation: ">= 90%" } }
          - id: pay
            name: Pay
            entry: Subscription Started
            kpis:
              - { id: paid, name: Activation to paid, type: conversion, target: ">= 44%" }
        metrics:
          - { id: revenue, name: Revenue, type: sum, event: Invoice Paid, property: amount, target: ">= 100" }
        """;

    /// <summary>
    /// 2024-01-01 is a Monday. Funnel: signup a b c d e = 5; activate a b c e = 4 (g shared a board without signing up:
    /// level 0; f only viewed a page); pay a e = 2. The last event is e's page view on 2024-01-15 00:00: the end of the data.
    /// a has two page views at the same instant: arrival order puts "first" before "second". d signed up twice: the
    /// funnel's chain restarts at the later one, but d is in signup from the first (2024-01-03).
    /// </summary>
    public const string TrialEvents = """
        {"user_id":"a","event":"Signed Up","timestamp":"2024-01-01T00:00:00Z","plan":"team"}
        {"user_id":"a","event":"Board Shared","timestamp":"2024-01-01T02:00:00Z"}
        {"user_id":"a","event":"Subscription Started","timestamp":"2024-01-03T00:00:00Z","seats":5}
        {"user_id":"a","event":"Page Viewed","timestamp":"2024-01-09T00:00:00Z","page":"first"}
        {"user_id":"a","event":"Page Viewed","timestamp":"2024-01-09T00:00:00Z","page":"second"}
        {"user_id":"b","event":"Signed Up","timestamp":"2024-01-01T00:00:00Z"}
        {"user_id":"b","event":"Board Shared","timestamp":"2024-01-02T00:00:00Z"}
        {"user_id":"b","event":"Survey Answered","timestamp":"2024-01-02T01:00:00Z","score":5}
        {"user_id":"c","event":"Signed Up","timestamp":"2024-01-02T00:00:00Z"}
        {"user_id":"c","event":"Board Shared","timestamp":"2024-01-05T00:00:00Z"}
        {"user_id":"c","event":"Survey Answered","timestamp":"2024-01-06T00:00:00Z","score":2}
        {"user_id":"d","event":"Signed Up","timestamp":"2024-01-03T00:00:00Z"}
        {"user_id":"d","event":"Page Viewed","timestamp":"2024-01-04T00:00:00Z","page":"pricing"}
        {"user_id":"d","event":"Signed Up","timestamp":"2024-01-05T00:00:00Z"}
        {"user_id":"e","event":"Signed Up","timestamp":"2024-01-08T00:00:00Z"}
        {"user_id":"e","event":"Board Shared","timestamp":"2024-01-08T00:30:00Z"}
        {"user_id":"e","event":"Subscription Started","timestamp":"2024-01-10T00:00:00Z"}
        {"user_id":"e","event":"Page Viewed","timestamp":"2024-01-15T00:00:00Z","page":"home"}
        {"user_id":"f","event":"Page Viewed","timestamp":"2024-01-05T00:00:00Z","page":"home"}
        {"user_id":"g","event":"Board Shared","timestamp":"2024-01-02T00:00:00Z"}
        """;

    /// <summary>
    /// One stage and a health model with one component: login recency, 100 at 1 day or less, 0 at 11 days or more,
    /// linear between: score = (11d - days since last login) / 10d * 100. As of the end of the data (2024-03-12,
    /// h3's login): h1 10 days → 10 (red), h2 4 days → 70 (yellow), h3 0 days → 100 (green), h4 never → 0 (red).
    /// </summary>
    public const string HealthYaml = """
        version: 1
        id: health
        title: Health watch
        stages:
          - id: signup
            name: Sign up
            entry: Signed Up
          - id: active
            name: Active
            entry: Logged In
        health:
          components:
            - { id: login, name: Login recency, type: recency, event: Logged In, good: 1d, bad: 11d }
        """;

    public const string HealthEvents = """
        {"user_id":"h1","event":"Signed Up","timestamp":"2024-03-01T00:00:00Z"}
        {"user_id":"h1","event":"Logged In","timestamp":"2024-03-02T00:00:00Z"}
        {"user_id":"h2","event":"Signed Up","timestamp":"2024-03-01T00:00:00Z"}
        {"user_id":"h2","event":"Logged In","timestamp":"2024-03-08T00:00:00Z"}
        {"user_id":"h3","event":"Signed Up","timestamp":"2024-03-01T00:00:00Z"}
        {"user_id":"h3","event":"Logged In","timestamp":"2024-03-12T00:00:00Z"}
        {"user_id":"h4","event":"Signed Up","timestamp":"2024-03-01T00:00:00Z"}
        """;

    /// <summary>Creates the journey and imports the events the way the workspace does, then marks the data changed.</summary>
    public static async Task<StoredJourney> SeedAsync(WorkspaceFactory factory, string yaml, string events, CancellationToken cancel)
    {
        var stored = factory.Service<JourneyStore>().Create(yaml, "test");
        var path = Path.Combine(factory.Dir, $"events-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(path, events.ReplaceLineEndings("\n") + "\n", cancel);
        var data = factory.Service<EventData>();
        var summary = await data.UseAsync(store => EventImporter.Import(store, [path]), cancel);
        summary.Rejected.ShouldBe(0);
        data.Changed();
        return stored;
    }

    /// <summary>The text of an element's inner HTML with tags stripped, entities decoded and whitespace collapsed.</summary>
    public static string Text(string html) =>
        Spaces().Replace(WebUtility.HtmlDecode(Tags().Replace(html, " ")), " ").Trim();

    /// <summary>The text of every body row of the first table with class <paramref name="tableClass"/>, in page order.</summary>
    public static List<string> Rows(string html, string tableClass)
    {
        var start = html.IndexOf($"<table class=\"{tableClass}\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, $"no table {tableClass}");
        var end = html.IndexOf("</table>", start, StringComparison.Ordinal);
        var body = html[start..end];
        var tbody = body.IndexOf("<tbody>", StringComparison.Ordinal);
        return [.. RowPattern().Matches(body[tbody..]).Select(m => Text(m.Groups[1].Value))];
    }

    /// <summary>The text of the first element that carries <paramref name="attribute"/>, up to its row's end.</summary>
    public static string Row(string html, string attribute)
    {
        var start = html.IndexOf(attribute, StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, $"no {attribute}");
        var end = html.IndexOf("</tr>", start, StringComparison.Ordinal);
        return Text(html[(html.IndexOf('>', start) + 1)..end]);
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"<tr[^>]*>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();
}
