using Shouldly;
using Trailmap.Analytics.Funnels;
using Trailmap.Events;
using Trailmap.Oracle.Tests.Data;
using Trailmap.Oracle.Tests.Oracle;
using Xunit;
using Duration = Trailmap.Journeys.Model.Duration;

namespace Trailmap.Oracle.Tests.Comparison;

/// <summary>
/// Funnel correlation against <see cref="OracleCorrelation"/>: for every event and trait value, the four counts must be
/// equal and the odds ratio, its interval and z agree to 1e-9, on random logs and on REES46. The p-values come from
/// z by <c>Normal.TwoSidedP</c> and Holm, which their own tests check against published values.
/// </summary>
public sealed class CorrelationComparisonTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 24)];

    private static Dictionary<string, string> Buckets(IEnumerable<string> customers) =>
        customers.Distinct().ToDictionary(c => c, c => "b" + ((c[^1] - '0') % 3), StringComparer.Ordinal);

    private static EventLog WithTraits(IEnumerable<OracleEvent> events, Dictionary<string, string> traits)
    {
        var builder = new EventLogBuilder();
        foreach (var e in events)
        {
            builder.Add(e.CustomerId, e.Event, (e.Timestamp.Ticks - DateTime.UnixEpoch.Ticks) / 10, e.Seq);
        }

        return builder.WithTraits(traits.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["tm_bucket"] = kv.Value }, StringComparer.Ordinal))
            .Build();
    }

    private async Task CompareAsync(IReadOnlyList<OracleEvent> events, string first, string second, TimeSpan window, string what)
    {
        var traits = Buckets(events.Select(e => e.CustomerId));
        var log = WithTraits(events, traits);
        var spec = new FunnelSpec { Steps = [new FunnelStep(first), new FunnelStep(second)], Window = new Duration(window, window.ToString()) };
        var engine = FunnelCorrelations.Of(log, spec, FunnelEngine.Run(log, spec), ["tm_bucket"])
            .OrderBy(r => r.Kind, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Value, StringComparer.Ordinal)
            .ToList();
        var oracle = await new OracleCorrelation(database).CorrelateAsync(first, second, window, "tm_bucket", traits, TestContext.Current.CancellationToken);

        engine.Select(r => (r.Kind, r.Name, r.Value, r.ConvertedWith, r.ConvertedWithout, r.DroppedWith, r.DroppedWithout))
            .ShouldBe(oracle.Select(o => (o.Kind, o.Name, o.Value, o.ConvertedWith, o.ConvertedWithout, o.DroppedWith, o.DroppedWithout)), what);
        for (var i = 0; i < oracle.Count; i++)
        {
            var label = $"{what}: {oracle[i].Kind} {oracle[i].Name} {oracle[i].Value}";
            engine[i].OddsRatio.ShouldBe(oracle[i].OddsRatio, 1e-9 * Math.Max(1, oracle[i].OddsRatio), label);
            engine[i].CiLow.ShouldBe(oracle[i].CiLow, 1e-9 * Math.Max(1, oracle[i].CiLow), label);
            engine[i].CiHigh.ShouldBe(oracle[i].CiHigh, 1e-9 * Math.Max(1, oracle[i].CiHigh), label);
            engine[i].Z.ShouldBe(oracle[i].Z, 1e-9, label);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Random_logs_give_the_oracles_counts_odds_ratios_and_z(int seed)
    {
        database.RequireServer();
        var log = RandomLog.Generate(seed);
        var random = new Random(seed * 104729);
        // A log of one name cannot make a two-step funnel of distinct events: its seed checks nothing (a few of 24).
        if (log.Names.Count < 2)
        {
            return;
        }

        var window = log.Unit * random.Next(0, 12);
        await database.LoadEventsAsync(log.Events, TestContext.Current.CancellationToken);
        await CompareAsync(log.Events, log.Names[0], log.Names[1], window, $"seed {seed}, window {window}");
    }

    [Theory]
    [InlineData("view", "purchase")]
    [InlineData("view", "cart")]
    public async Task Rees46_gives_the_oracles_counts_odds_ratios_and_z(string first, string second)
    {
        OracleData.RequireFile(OracleData.Rees46Path);
        database.RequireServer();
        await OracleData.LoadRees46Async(database, TestContext.Current.CancellationToken);
        await CompareAsync([.. OracleData.ReadRees46()], first, second, TimeSpan.FromDays(14), $"REES46 {first} -> {second}");
    }
}
