using System.Globalization;
using Shouldly;
using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Oracle.Tests.Oracle;
using Xunit;

namespace Trailmap.Oracle.Tests.Comparison;

/// <summary>The NPS the journey analyzer reports for an <c>nps</c> KPI against the oracle's NPS of the same answers.</summary>
public sealed class NpsComparisonTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const string Journey =
        """
        version: 1
        id: nps-check
        title: NPS check
        stages:
          - id: answer
            name: Answer
            entry: e0
        metrics:
          - { id: nps, name: NPS, type: nps, event: e0, property: score }
        """;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(200, 10)];

    private readonly PostgresOracle oracle = new(database);

    [Fact]
    public async Task Scores_0_to_10_once_each_give_minus_45_45()
    {
        // SEMANTICS: promoters 9, 10 (2 of 11), detractors 0..6 (7 of 11): 100 * (2 - 7) / 11 = -45.4545... -> -45.45.
        database.RequireServer();
        var answers = Enumerable.Range(0, 11)
            .Select(score => new OracleEvent($"c{score}", "e0", new DateTime(2024, 3, 1, 10, 0, score, DateTimeKind.Utc), score + 1, $$"""{"score": {{score}}}"""))
            .ToArray();
        await database.LoadEventsAsync(answers, TestContext.Current.CancellationToken);

        var expected = await oracle.NpsAsync("e0", "score", TestContext.Current.CancellationToken);
        var engine = EngineNps(RandomLog.BuildEventLog(answers));

        Math.Round(expected!.Value, 2).ShouldBe(-45.45m);
        Math.Round(engine, 2).ShouldBe(-45.45);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Random_scores_give_the_oracle_nps(int seed)
    {
        database.RequireServer();
        var log = RandomLog.Generate(seed, props: random => string.Create(CultureInfo.InvariantCulture, $$"""{"score": {{random.Next(0, 11)}}}"""));
        await database.LoadEventsAsync(log.Events, TestContext.Current.CancellationToken);

        var expected = await oracle.NpsAsync("e0", "score", TestContext.Current.CancellationToken);

        EngineNps(log.ToEventLog()).ShouldBe((double)expected!.Value, 1e-9, $"seed {seed}");
    }

    private static double EngineNps(EventLog log)
    {
        var file = JourneyFile.FromText(Journey, "nps-check.yaml");
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        var kpi = JourneyAnalyzer.Analyze(file.Journey!, log).Kpis.Single(k => k.Id == "nps");
        kpi.Actual.ShouldNotBeNull();
        return kpi.Actual.Value;
    }
}
