using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Tests.Rendering;
using Trailmap.Journeys.Writing;
using Xunit;

namespace Trailmap.Journeys.Tests.Writing;

public class JourneyYamlWriterTests
{
    [Fact]
    public void Complete_sample_round_trips_to_the_same_json()
    {
        var journey = TextFormatFiles.CompleteSample();

        var reread = Reparse(journey);

        JsonRenderer.Render(reread).ShouldBe(JsonRenderer.Render(journey));
    }

    [Fact]
    public void Nasty_strings_come_back_exactly()
    {
        var journey = NastyJourney();

        var reread = Reparse(journey);

        JsonRenderer.Render(reread).ShouldBe(JsonRenderer.Render(journey));
        reread.Title.ShouldBe("Sign-up: the \"fast\" path # really");
        reread.Description.ShouldBe("line one\nline two\r\n\ttabbed \\ backslash");
        reread.Tags.ShouldBe(["yes", "no", "123", "-leading", "#hash", "a, b", "[x]", "{y}", "null", "~", "", "  padded  ", "Ünïcödé 😀", "it's", "3.5", "true", "1e3", "0x1F", "@at", "`tick`", "*star", "&anchor", "!tag", "%pct", "|pipe", ">fold", "? q", "key: value", "-", "a #b"]);
        var stage = reread.Stages[0];
        stage.Name.ShouldBe("- Step: one");
        stage.Goal.ShouldBe("No");
        stage.Thoughts.ShouldBe(["'single' and \"double\"", "ends with colon:", "line\u2028separator"]);
        stage.Actions[0].Name.ShouldBe("yes");
        stage.Actions[0].Score.ShouldBe(1.5);
        reread.Personas[0].Demographics["company size"].ShouldBe("11-50");
        reread.Personas[0].Demographics["yes"].ShouldBe("no");
    }

    [Fact]
    public void Filters_keep_their_meaning_and_their_text()
    {
        var journey = NastyJourney();

        var reread = Reparse(journey);

        // not (a and b) must not come back as (not a) and b.
        reread.Personas[0].Traits.ShouldBeOfType<Filter.Not>().Inner.ShouldBeOfType<Filter.And>();
        var city = reread.Stages[0].Entry!.Where.ShouldBeOfType<Filter.Comparison>();
        city.Property.ShouldBe("city");
        city.Value.ShouldBe("Mün\"chen\\");
        var mapped = reread.Stages[0].Kpis[0].Event!.Where.ShouldBeOfType<Filter.And>();
        mapped.Left.ShouldBeOfType<Filter.Comparison>().Property.ShouldBe("plan type");
        mapped.Left.ShouldBeOfType<Filter.Comparison>().Value.ShouldBe("team");
        mapped.Right.ShouldBeOfType<Filter.Comparison>().Value.ShouldBe(5.0);
    }

    [Fact]
    public void A_stage_entry_window_round_trips_with_its_event_and_filter()
    {
        var journey = new Journey
        {
            Id = "j",
            Title = "Windows",
            Stages =
            [
                new Stage { Id = "a", Name = "A", Entry = new EventCondition { Event = "Signed Up" } },
                new Stage { Id = "b", Name = "B", Entry = new EventCondition { Event = "Paid", Where = Filter.Parse("plan == \"team\"") }, EntryWithin = Duration.Parse("36h") },
            ],
        };

        var yaml = JourneyYamlWriter.Write(journey);
        var reread = Reparse(journey);

        yaml.ShouldContain("within: '36h'", customMessage: yaml);
        reread.Stages[1].EntryWithin!.Value.Span.ShouldBe(TimeSpan.FromHours(36));
        reread.Stages[1].Entry!.Where!.ToString().ShouldBe(journey.Stages[1].Entry!.Where!.ToString());
        reread.Stages[0].EntryWithin.ShouldBeNull();
    }

    [Fact]
    public void Every_scale_and_an_empty_journey_round_trip()
    {
        foreach (var scale in EmotionScale.Supported)
        {
            var journey = new Journey { Id = "j", Title = "yes", EmotionScale = scale, Stages = [new Stage { Id = "s", Name = "123", Emotion = new Emotion() }] };

            var reread = Reparse(journey);

            reread.EmotionScale.ShouldBe(scale);
            JsonRenderer.Render(reread).ShouldBe(JsonRenderer.Render(journey));
        }
    }

    [Fact]
    public void Plain_words_stay_plain_and_risky_ones_are_quoted()
    {
        var yaml = JourneyYamlWriter.Write(new Journey { Id = "j", Title = "Team trial", Tags = ["yes", "123", "a: b", "# x"], Stages = [] });

        yaml.ShouldContain("title: Team trial\n");
        yaml.ShouldContain("tags: ['yes', '123', 'a: b', '# x']\n");
        yaml.ShouldContain("stages: []\n");
    }

    private static Journey Reparse(Journey journey)
    {
        var yaml = JourneyYamlWriter.Write(journey);
        var file = JourneyFile.FromText(yaml, "written.yaml");
        file.Diagnostics.Where(d => d.Severity == Trailmap.Journeys.Validation.Severity.Error).ShouldBeEmpty(yaml);
        return file.Journey!;
    }

    private static Journey NastyJourney() => new()
    {
        Id = "nasty",
        Title = "Sign-up: the \"fast\" path # really",
        Description = "line one\nline two\r\n\ttabbed \\ backslash",
        Owner = "@team",
        Tags = ["yes", "no", "123", "-leading", "#hash", "a, b", "[x]", "{y}", "null", "~", "", "  padded  ", "Ünïcödé 😀", "it's", "3.5", "true", "1e3", "0x1F", "@at", "`tick`", "*star", "&anchor", "!tag", "%pct", "|pipe", ">fold", "? q", "key: value", "-", "a #b"],
        EmotionScale = new EmotionScale(-2, 2),
        Window = Duration.Parse("14d"),
        Personas =
        [
            new Persona
            {
                Id = "p1",
                Name = "O'Brien: the \"boss\"",
                Quote = "Yes",
                Goals = ["no", "- dash"],
                Demographics = new Dictionary<string, string> { ["company size"] = "11-50", ["yes"] = "no" },
                Traits = new Filter.Not(new Filter.And(
                    new Filter.Comparison("plan", FilterOperator.Equal, ["team"]),
                    new Filter.Comparison("seats", FilterOperator.GreaterOrEqual, [5.0]))),
            },
        ],
        Stages =
        [
            new Stage
            {
                Id = "s1",
                Name = "- Step: one",
                Goal = "No",
                Mindset = "off",
                Timeframe = "Day 0",
                Touchpoints = [new Touchpoint { Id = "t1", Name = "#1 email", Channel = "e-mail", Layer = TouchpointLayer.Backstage }],
                Actions =
                [
                    new CustomerAction { Name = "yes", Score = 1.5, Personas = ["p1"] },
                    new CustomerAction { Name = "- 5" },
                ],
                Thoughts = ["'single' and \"double\"", "ends with colon:", "line\u2028separator"],
                Emotion = new Emotion { Score = -1.5, Feelings = ["on", "y"] },
                PainPoints = [new PainPoint { Id = "p-1", Text = "50% drop: why?", Severity = Level.High }],
                Opportunities = [new Opportunity { Id = "o1", Text = "> fix", Status = OpportunityStatus.InProgress, Addresses = ["p-1"] }],
                Entry = new EventCondition
                {
                    Event = "Signed Up: v2",
                    Where = new Filter.Comparison("city", FilterOperator.Equal, ["Mün\"chen\\"]),
                },
                Kpis =
                [
                    new Metric
                    {
                        Id = "k1",
                        Name = "Rate: of #1",
                        Type = MetricType.Rate,
                        Target = Target.Parse(">= 8%"),
                        Of = "s1",
                        Event = new EventCondition
                        {
                            Event = "true",
                            Where = new Filter.And(
                                new Filter.Comparison("plan type", FilterOperator.Equal, ["team"]),
                                new Filter.Comparison("seats", FilterOperator.Equal, [5.0])),
                        },
                    },
                ],
                Ideal = new IdealState { Emotion = 2, Description = "#best", Targets = new Dictionary<string, Target> { ["k1"] = Target.Parse(">= 10%") } },
            },
        ],
        MomentsOfTruth = [new MomentOfTruth { Id = "m1", Name = "First: win", Stage = "s1", Deadline = Deadline.TryParse("within 3d of s1", out var d, out _) ? d : null, Kpi = "k1" }],
        Milestones = [new Milestone { Id = "day-1", At = "Day 1", Name = "- first" }],
        CriticalTouchpoints = [new CriticalTouchpoint { Touchpoint = "t1", Rank = 1, Why = "yes" }],
        Interventions =
        [
            new Intervention
            {
                Id = "i1",
                Name = "Ping: now",
                Stage = "s1",
                When = new Condition { InactiveEvent = new EventCondition { Event = "Board Viewed" }, InactiveFor = Duration.Parse("3d") },
                Then = new InterventionAction { Channel = ActionChannel.InApp, Message = "{{ customer.name }} # hi" },
                Holdout = 0.1,
            },
            new Intervention
            {
                Id = "i2",
                Name = "Health",
                When = new Condition { Metric = new Filter.Or(new Filter.Comparison("health", FilterOperator.Less, [60.0]), new Filter.Comparison("nps", FilterOperator.Less, [0.0])) },
                Then = new InterventionAction { Channel = ActionChannel.Webhook, Url = "https://example.com/a?b=c#d" },
            },
        ],
        Sequences =
        [
            new Sequence
            {
                Id = "seq",
                Name = "Steps",
                Trigger = new Condition { StuckInStage = "s1", StuckFor = Duration.Parse("2w") },
                Steps = [new SequenceStep { Day = 0, Then = new InterventionAction { Channel = ActionChannel.Email, Subject = "no" } }],
                Reentry = Reentry.AfterExit,
            },
        ],
    };
}
