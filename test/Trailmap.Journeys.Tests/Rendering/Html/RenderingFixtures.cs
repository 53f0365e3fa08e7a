using System.Runtime.CompilerServices;
using Shouldly;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using Xunit;

namespace Trailmap.Journeys.Tests.Rendering;

/// <summary>Journeys and actuals shared by the HTML and SVG renderer tests, plus the golden-file check.</summary>
internal static class RenderingFixtures
{
    public const string Script = "<script>alert(1)</script>";
    public const string Img = "\"><img src=x onerror=alert(1)>";
    public const string Payload = Script + Img;

    private static string Here([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    public static string RepoRoot => Path.GetFullPath(Path.Combine(Here(), "..", "..", "..", ".."));

    public static Journey Complete()
    {
        var file = JourneyFile.Load(Path.Combine(RepoRoot, "samples", "complete.yaml"));
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        return file.Journey!;
    }

    /// <summary>
    /// Measured numbers for samples/complete.yaml, chosen so each KPI status appears:
    /// visit-to-signup 9% vs >= 8% met; signup-conversion 9.5% vs >= 10% at risk (0.5 points short, margin 1);
    /// activation 60% vs >= 65% at risk (margin 6.5); time-to-value 4d vs &lt; 2d missed; trial-to-paid 26% in
    /// 20%..35% met; nps-paid unmeasured, no data; week1-retention 61% vs >= 40% met; revenue 9500 vs >= 10000
    /// at risk (margin 1000).
    /// </summary>
    public static JourneyActuals CompleteActuals() => new()
    {
        Journey = "team-trial",
        Customers = 12000,
        From = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
        To = new DateTimeOffset(2025, 3, 31, 0, 0, 0, TimeSpan.Zero),
        Bottleneck = "activate",
        Stages =
        [
            new() { Id = "discover", Reached = 12000, Emotion = 3.2 },
            new() { Id = "signup", Reached = 1140, Conversion = 0.095, Emotion = 3.6 },
            new() { Id = "activate", Reached = 684, Conversion = 0.6, Emotion = 1.8 },
            new() { Id = "pay", Reached = 178, Conversion = 0.26, Emotion = 3.9 },
        ],
        Kpis =
        [
            new() { Id = "visit-to-signup", Actual = 0.09 },
            new() { Id = "signup-conversion", Actual = 0.095 },
            new() { Id = "activation", Actual = 0.6 },
            new() { Id = "time-to-value", Actual = 4 * 86400 },
            new() { Id = "trial-to-paid", Actual = 0.26 },
            new() { Id = "nps-paid" },
            new() { Id = "week1-retention", Actual = 0.61 },
            new() { Id = "revenue", Actual = 9500 },
        ],
        MomentsOfTruth = [new() { Id = "first-board", HitRate = 0.42, Customers = 1140 }],
    };

    /// <summary>A journey whose every text field, id included, holds both payloads.</summary>
    public static Journey Hostile()
    {
        const string P = Payload;
        var filter = new Filter.Comparison(P, FilterOperator.Equal, [P]);
        var condition = new EventCondition { Event = P, Where = filter };
        var target = Target.Parse(">= 50%");
        Metric Kpi(string suffix) => new() { Id = P + suffix, Name = P, Type = MetricType.Rate, Target = target, Description = P, Event = condition };
        var stage = new Stage
        {
            Id = P,
            Name = P,
            Goal = P,
            Mindset = P,
            Timeframe = P,
            Description = P,
            Touchpoints =
            [
                new() { Id = P, Name = P, Channel = P, Owner = P },
                new() { Id = P + "b", Name = P, Channel = P, Owner = P, Layer = TouchpointLayer.Backstage },
            ],
            Actions = [new() { Name = P, Score = 2, Personas = [P] }],
            Thoughts = [P],
            Emotion = new() { Score = 3, Feelings = [P, P] },
            PainPoints = [new() { Id = P, Text = P, Severity = Level.High }],
            Opportunities = [new() { Id = P, Text = P, Type = OpportunityType.Add, Priority = Level.Low, Status = OpportunityStatus.Done, Owner = P, Addresses = [P] }],
            Kpis = [Kpi("1"), Kpi("2")],
            Entry = condition,
            Ideal = new() { Emotion = 4, Description = P, Targets = new Dictionary<string, Target> { [P + "1"] = target } },
        };
        var action = new InterventionAction { Channel = ActionChannel.Email, Template = P, Subject = P, To = P, Url = P, Message = P };
        return new Journey
        {
            Id = P,
            Title = P,
            Description = P,
            Owner = P,
            Tags = [P, P],
            Personas =
            [
                new()
                {
                    Id = P, Name = P, Role = P, Quote = P, Goals = [P], Pains = [P], Motivations = [P],
                    Demographics = new Dictionary<string, string> { [P] = P }, Traits = filter,
                },
            ],
            Stages = [stage, stage with { Id = P + "2", Emotion = new() { Score = 1, Feelings = [P] } }],
            MomentsOfTruth = [new() { Id = P, Name = P, Stage = P, Condition = condition, Deadline = new Deadline(Duration.Parse("3d"), P, P), Impact = P, Action = P, Kpi = P + "1" }],
            Milestones = [new() { Id = P, At = P, Name = P, Stage = P, Description = P }],
            CriticalTouchpoints = [new() { Touchpoint = P, Rank = 1, Why = P }],
            Metrics = [Kpi("3")],
            Interventions =
            [
                new() { Id = P, Name = P, Stage = P, When = new() { Event = condition }, Then = action, Goal = condition },
                new() { Id = P + "m", Name = P, When = new() { Metric = filter }, Then = action with { Subject = null, Template = null } },
                new() { Id = P + "s", Name = P, When = new() { StuckInStage = P, StuckFor = Duration.Parse("3d") }, Then = action },
            ],
            Sequences =
            [
                new()
                {
                    Id = P, Name = P, Stage = P, Trigger = new() { EnteredStage = P },
                    Steps = [new() { Day = 0, Then = action }], Exit = condition,
                },
            ],
        };
    }

    public static JourneyActuals HostileActuals() => new()
    {
        Journey = Payload,
        Bottleneck = Payload,
        Stages = [new() { Id = Payload, Reached = 10, Emotion = 2 }, new() { Id = Payload + "2", Reached = 5, Conversion = 0.5 }],
        Kpis = [new() { Id = Payload + "1", Actual = 0.6 }],
        MomentsOfTruth = [new() { Id = Payload, HitRate = 0.5 }],
    };

    /// <summary>
    /// Compares with the golden file next to the tests; TRAILMAP_UPDATE_GOLDEN=1 rewrites it instead.
    /// A mismatch names the first differing line so the diff is readable without a tool.
    /// </summary>
    public static void MatchesGolden(string actual, string relativePath)
    {
        var path = Path.Combine(Here(), "..", relativePath);
        if (Environment.GetEnvironmentVariable("TRAILMAP_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        File.Exists(path).ShouldBeTrue($"golden file {path} is missing; run the tests with TRAILMAP_UPDATE_GOLDEN=1 and review it");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected == actual)
        {
            return;
        }

        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var line = 0;
        while (line < Math.Min(e.Length, a.Length) && e[line] == a[line])
        {
            line++;
        }

        Assert.Fail($"{relativePath} differs from the output at line {line + 1}:\n" +
            $"  golden: {(line < e.Length ? e[line] : "<end of file>")}\n" +
            $"  output: {(line < a.Length ? a[line] : "<end of output>")}\n" +
            "If the change is intended, rerun with TRAILMAP_UPDATE_GOLDEN=1 and review the diff in git.");
    }
}
