using System.Globalization;
using Shouldly;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Queries;
using Trailmap.Events;
using Trailmap.Journeys.Model;
using Trailmap.Oracle.Tests.Oracle;
using Xunit;

namespace Trailmap.Oracle.Tests.Comparison;

/// <summary>
/// FunnelEngine against the oracle on random logs: every customer's level must be equal, in default mode and
/// strict-order, with latest and first re-entry.
/// </summary>
public sealed class FunnelComparisonTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    /// <summary>Seeds of the random logs; each log is asked all four (mode, re-entry) questions.</summary>
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 32)];

    private static readonly TimeSpan[] Windows =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1),
        TimeSpan.FromHours(6), TimeSpan.FromDays(1), TimeSpan.FromDays(3),
    ];

    private readonly PostgresOracle oracle = new(database);

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Every_customer_level_equals_the_oracle(int seed)
    {
        database.RequireServer();
        var log = RandomLog.Generate(seed);
        var random = new Random(seed * 7919);
        // 1-4 steps drawn with repetition, so a name may fill several steps; names outside the steps are the
        // unmatched events strict-order stops at.
        var steps = Enumerable.Range(0, random.Next(1, 5)).Select(_ => log.Names[random.Next(log.Names.Count)]).ToArray();
        // Half the windows are whole numbers of grid units (events land exactly on the inclusive bound), half are
        // from a fixed list from 0 s to 3 days; either way from seconds to days, since the unit is 1 s to 1 day.
        var window = random.Next(2) == 0 ? log.Unit * random.Next(0, 12) : Windows[random.Next(Windows.Length)];
        await database.LoadEventsAsync(log.Events, TestContext.Current.CancellationToken);
        var eventLog = log.ToEventLog();
        using var store = StoredLog.Import(log.Events);

        var failures = new List<string>();
        foreach (var (mode, oracleMode) in new[] { (FunnelModes.None, OracleFunnelMode.Default), (FunnelModes.StrictOrder, OracleFunnelMode.StrictOrder) })
        {
            foreach (var (reentry, oracleReentry) in new[] { (FunnelReentry.Latest, OracleReentry.Latest), (FunnelReentry.First, OracleReentry.First) })
            {
                var spec = new FunnelSpec
                {
                    Steps = [.. steps.Select(s => new FunnelStep(s))],
                    Window = new Duration(window, window.ToString()),
                    Modes = mode,
                    Reentry = reentry,
                };
                var engine = Levels(eventLog, spec);
                var expected = await oracle.FunnelLevelsAsync(
                    new OracleFunnel([.. steps.Select(s => (OracleStep)s)], window, oracleMode, oracleReentry),
                    TestContext.Current.CancellationToken);
                // The path `trailmap funnel` takes: only the events the funnel names (all of them under strict-order).
                var stored = Levels(store.LoadEventLog(new EventLogQuery
                {
                    Events = FunnelQuery.EventsUsed(spec),
                    IncludeTraits = false,
                    IncludeSequences = false,
                }), spec);
                var differingStored = stored.Keys.Union(expected.Keys).Order(StringComparer.Ordinal)
                    .FirstOrDefault(c => stored.GetValueOrDefault(c) != expected.GetValueOrDefault(c));
                if (differingStored is not null)
                {
                    failures.Add(string.Create(
                        CultureInfo.InvariantCulture,
                        $"seed {seed}, {FunnelModesParser.Format(mode)}, re-entry {reentry}, read through the store: customer {differingStored} engine {stored.GetValueOrDefault(differingStored)} oracle {expected.GetValueOrDefault(differingStored)}\n{log.Describe(differingStored)}"));
                }

                var differing = engine.Keys.Union(expected.Keys).Order(StringComparer.Ordinal)
                    .FirstOrDefault(c => engine.GetValueOrDefault(c) != expected.GetValueOrDefault(c));
                if (differing is not null)
                {
                    var stepText = string.Join(" > ", steps);
                    failures.Add(string.Create(
                        CultureInfo.InvariantCulture,
                        $"seed {seed}, {FunnelModesParser.Format(mode)}, re-entry {reentry}, steps {stepText}, window {window}: customer {differing} engine {engine.GetValueOrDefault(differing)} oracle {expected.GetValueOrDefault(differing)} ({CountDifferences(engine, expected)} customers differ)\n{log.Describe(differing)}"));
                }
            }
        }

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    private static Dictionary<string, int> Levels(Trailmap.Events.EventLog log, FunnelSpec spec) =>
        FunnelEngine.Run(log, spec).CustomerLevels().Where(l => l.Value > 0).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);

    private static int CountDifferences(IReadOnlyDictionary<string, int> a, IReadOnlyDictionary<string, int> b) =>
        a.Keys.Union(b.Keys).Count(c => a.GetValueOrDefault(c) != b.GetValueOrDefault(c));
}
