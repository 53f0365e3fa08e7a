using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Trailmap.Analytics.Paths;
using Trailmap.Events.Analytics;
using Trailmap.Events.ClickHouse;
using Xunit;

namespace Trailmap.Events.Tests.ClickHouse;

/// <summary>
/// <c>paths</c> on both engines from the same imported files: the DuckDB store answered in memory over every event,
/// the ClickHouse cluster by SQL that returns only the top paths; checked against hand-computed paths and against
/// each other on random logs. Events are written "name@second" after 2026-01-01T00:00:00Z.
/// </summary>
public sealed class PathsConformanceTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDir dir = new();
    private readonly ClickHouseServer server = ClickHouseServer.FreshDatabase();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly EventStore duck;
    private readonly ClickHouseEventStore clickHouse;
    private int files;

    public PathsConformanceTests()
    {
        duck = EventStore.Open(":memory:", clock);
        clickHouse = ClickHouseEventStore.Open(server.Address, clock);
    }

    /// <summary>Imports customers' "name@second" timelines into both stores; arrival order is the text order.</summary>
    private void Import(params (string Customer, string Events)[] customers)
    {
        var sb = new StringBuilder();
        var n = 0;
        foreach (var (customer, events) in customers)
        {
            foreach (var token in events.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var at = token.LastIndexOf('@');
                var ts = T0.AddSeconds(int.Parse(token[(at + 1)..], CultureInfo.InvariantCulture)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                sb.Append(CultureInfo.InvariantCulture, $$"""{"type":"track","userId":"{{customer}}","event":{{JsonSerializer.Serialize(token[..at])}},"messageId":"f{{files}}-{{n++}}","timestamp":"{{ts}}"}""").Append('\n');
            }
        }

        var file = dir.Write($"events{files++}.jsonl", sb.ToString());
        duck.Import([file], cancel: TestContext.Current.CancellationToken).Rejected.ShouldBe(0);
        clickHouse.Import([file], cancel: TestContext.Current.CancellationToken).Rejected.ShouldBe(0);
    }

    /// <summary>The cluster's paths, after checking that they equal the in-memory engine's, in order.</summary>
    private List<string> Both(PathsSpec spec)
    {
        var expected = new InMemoryAnalytics(duck).Paths(spec).Select(p => p.ToString()).ToList();
        var actual = EventEngines.Analytics(clickHouse).Paths(spec).Select(p => p.ToString()).ToList();
        actual.ShouldBe(expected, $"from {spec.From} to {spec.To} depth {spec.Depth} top {spec.Top}");
        return actual;
    }

    // PathsEngineTests' log: u1 x a b c a d, u2 a b c, u3 a d. From a, depth 2: [b c] 2, [d] 1; to a: [] 2, [x] 1.
    private void ImportEngineTestsLog() =>
        Import(("u1", "x@0 a@1 b@2 c@3 a@4 d@5"), ("u2", "a@0 b@1 c@2"), ("u3", "a@0 d@1"));

    [Fact]
    public void From_counts_what_follows_the_first_anchor()
    {
        ImportEngineTestsLog();

        Both(new PathsSpec { From = "a", Depth = 2 }).ShouldBe(["b > c: 2", "d: 1"]);
    }

    [Fact]
    public void To_counts_what_precedes_the_first_anchor()
    {
        ImportEngineTestsLog();

        Both(new PathsSpec { To = "a", Depth = 2 }).ShouldBe([": 2", "x: 1"]);
    }

    // Top cuts after the commonest; equal counts are ordered by the path text: "b > c" (2), then "d" (1) alone.
    // Same-second events keep their arrival order: v: a@0 c@0 b@0 gives "c > b".
    [Fact]
    public void Top_and_same_second_arrival_order()
    {
        ImportEngineTestsLog();
        Import(("v", "a@0 c@0 b@0"));

        Both(new PathsSpec { From = "a", Depth = 2, Top = 1 }).ShouldBe(["b > c: 2"]);
        Both(new PathsSpec { From = "a", Depth = 2, Top = 5 }).ShouldBe(["b > c: 2", "c > b: 1", "d: 1"]);
    }

    // Ties are ordered as .NET orders strings (UTF-16 ordinal): U+1F600 (a surrogate pair, D83D DE00) sorts before
    // U+E000, though its UTF-8 bytes (F0 ...) sort after U+E000's (EE ...). And names with quotes and commas survive.
    [Fact]
    public void Ties_follow_utf16_order_and_any_name_survives()
    {
        Import(("u1", "a@0 \uE000@1"), ("u2", "a@0 \U0001F600@1"), ("u3", "a@0 it's,\"quoted\"\t@1"));

        Both(new PathsSpec { From = "a", Depth = 1 }).ShouldBe(["it's,\"quoted\"\t: 1", "\U0001F600: 1", "\uE000: 1"]);
    }

    /// <summary>Random logs (names a-e, times 0-9 s with ties), 300 customers, and 60 random specs.</summary>
    [Fact]
    public void Random_logs_give_the_same_paths_on_both_engines()
    {
        var random = new Random(1315);
        string[] names = ["a", "b", "c", "d", "e"];
        Import([.. Enumerable.Range(0, 300).Select(c => ($"c{c}", string.Join(" ", Enumerable.Range(0, random.Next(1, 12))
            .Select(_ => $"{names[random.Next(5)]}@{random.Next(10)}"))))]);

        for (var i = 0; i < 60; i++)
        {
            var anchor = names[random.Next(5)];
            var forward = random.Next(2) == 0;
            Both(new PathsSpec
            {
                From = forward ? anchor : null,
                To = forward ? null : anchor,
                Depth = random.Next(1, 5),
                Top = random.Next(1, 30),
            });
        }
    }

    public void Dispose()
    {
        duck.Dispose();
        clickHouse.Dispose();
        dir.Dispose();
        server.Dispose();
    }
}
