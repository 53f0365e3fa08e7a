using System.Text;
using Shouldly;
using Trailmap.Journeys;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>trailmap suggest</c> end to end: a journey and an events file in, intervention YAML out.</summary>
public sealed class SuggestCommandTests : IDisposable
{
    private const string Journey = """
        version: 1
        id: shop
        title: Shop
        stages:
          - id: browse
            name: Browse
            entry: Visit
            kpis:
              - { id: visits, name: Visits, type: count, event: Visit, target: ">= 1" }
          - id: buy
            name: Buy
            entry: Buy
            kpis:
              - { id: browse-to-buy, name: Visitors who buy, type: conversion, target: ">= 90%" }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-suggest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task A_missed_conversion_gets_a_stuck_rule_with_a_holdout_written_as_yaml()
    {
        // 4 visitors; 2 buy after 1h and 2h, 2 never: 50% against ">= 90%". p75 of [1h, 2h] is 2h (nearest rank).
        var csv = new StringBuilder("user_id,event,timestamp\n");
        for (var c = 0; c < 4; c++)
        {
            csv.Append($"u{c},Visit,2026-03-02T10:00:00Z\n");
            if (c < 2)
            {
                csv.Append($"u{c},Buy,2026-03-02T1{c + 1}:00:00Z\n");
            }
        }

        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(PathOf("events.csv"), csv.ToString(), ct);
        await File.WriteAllTextAsync(PathOf("journey.yaml"), Journey, ct);

        var run = await CliRun.RunAsync("suggest", PathOf("journey.yaml"), "--events", PathOf("events.csv"), "-o", PathOf("suggested.yaml"), "--holdout", "20%");

        run.ExitCode.ShouldBe(0, run.ToString());
        var yaml = await File.ReadAllTextAsync(PathOf("suggested.yaml"), ct);
        var merged = JourneyFile.FromText(Journey + "\n" + yaml);
        merged.HasErrors.ShouldBeFalse(yaml);
        var rule = merged.Journey!.Interventions.ShouldHaveSingleItem();
        (rule.When.StuckInStage, rule.When.StuckFor!.Value.Text, rule.Holdout).ShouldBe(("browse", "2h", 0.2));
        run.Err.ShouldContain("suggest-stuck-browse");

        var bad = await CliRun.RunAsync("suggest", PathOf("journey.yaml"), "--events", PathOf("events.csv"), "--holdout", "lots");
        bad.ExitCode.ShouldBe(1);
        bad.Err.ShouldContain("--holdout 'lots' is not a share");
    }
}
