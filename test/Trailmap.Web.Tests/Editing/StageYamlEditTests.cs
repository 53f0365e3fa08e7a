using Trailmap.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Templates;
using Trailmap.Journeys.Writing;
using Trailmap.Testing;
using Trailmap.Web.Editing;
using Trailmap.Web.Journeys;

namespace Trailmap.Web.Tests.Editing;

/// <summary>
/// The stage form's in-place YAML edit, on every shipped template and on samples/complete.yaml. The oracle is the
/// model: the expected journey is the one parsed before, changed by hand with <c>with</c>, and both sides are
/// printed by JourneyYamlWriter (which ignores source locations) to compare.
/// </summary>
public sealed class StageYamlEditTests
{
    public static TheoryData<string, string> Stages()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, yaml) in Sources())
        {
            foreach (var stage in JourneyStore.Parse(yaml).Journey!.Stages)
            {
                data.Add(name, stage.Id);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void A_form_posted_unchanged_leaves_the_text_exactly_as_it_was(string source, string stageId)
    {
        var yaml = Source(source);
        var stage = JourneyStore.Parse(yaml).Journey!.FindStage(stageId)!;
        var (cards, errors) = StageCards.From(stage).Read(stage.Id);
        errors.ShouldBeEmpty();
        StageYamlEdit.Apply(yaml, stage, cards!).ShouldBe(yaml);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void Editing_every_card_changes_that_stage_only_and_keeps_the_text_around_it(string source, string stageId)
    {
        var yaml = Source(source);
        var before = JourneyStore.Parse(yaml).Journey!;
        var stage = before.FindStage(stageId)!;
        var score = (double)before.EmotionScale.Max; // always on the scale
        var newPainId = $"{stage.Id}-pain-{stage.PainPoints.Count + 1}"; // the parser's default for the next pain point
        var form = StageCards.From(stage) with
        {
            Name = stage.Name + " (edited)",
            Description = "First line: with a colon\nsecond line # not a comment",
            Touchpoints = [.. StageCards.From(stage).Touchpoints, new TouchpointRow("", "Support chat, evenings", "chat", "backstage", "Support")],
            Thoughts = string.Join("\n", stage.Thoughts.Append("Is it 'worth it', really?")),
            EmotionScore = score.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Feelings = "calm, focused",
            PainPoints = [.. StageCards.From(stage).PainPoints, new PainPointRow("", "Costs: unclear [again]", "high")],
            Opportunities = [.. StageCards.From(stage).Opportunities, new OpportunityRow("new-opp", "Explain costs", "add", "low", "idea", "", newPainId)],
        };
        var (cards, errors) = form.Read(stage.Id);
        errors.ShouldBeEmpty();

        var after = StageYamlEdit.Apply(yaml, stage, cards!);
        var file = JourneyFile.FromText(after);
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics) + "\n" + after);

        var expectedStage = stage with
        {
            Name = stage.Name + " (edited)",
            Description = "First line: with a colon\nsecond line # not a comment",
            Touchpoints = [.. stage.Touchpoints, new Touchpoint { Id = $"{stage.Id}-support-chat-evenings", Name = "Support chat, evenings", Channel = "chat", Layer = TouchpointLayer.Backstage, Owner = "Support" }],
            Thoughts = [.. stage.Thoughts, "Is it 'worth it', really?"],
            Emotion = new Emotion { Score = score, Feelings = ["calm", "focused"] },
            PainPoints = [.. stage.PainPoints, new PainPoint { Id = newPainId, Text = "Costs: unclear [again]", Severity = Level.High }],
            Opportunities = [.. stage.Opportunities, new Opportunity { Id = "new-opp", Text = "Explain costs", Type = OpportunityType.Add, Priority = Level.Low, Status = OpportunityStatus.Idea, Addresses = [newPainId] }],
        };
        var expected = before with { Stages = [.. before.Stages.Select(s => s.Id == stageId ? expectedStage : s)] };
        JourneyYamlWriter.Write(file.Journey!).ShouldBe(JourneyYamlWriter.Write(expected));
        SurroundingsUnchanged(yaml, after, before, stage);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void Emptied_cards_are_removed_and_nothing_else_moves(string source, string stageId)
    {
        var yaml = Source(source);
        var before = JourneyStore.Parse(yaml).Journey!;
        var stage = before.FindStage(stageId)!;
        // Touchpoints stay: critical_touchpoints may name them. Opportunities go with the pain points they address.
        var form = StageCards.From(stage) with { Description = "", Thoughts = "", EmotionScore = "", Feelings = "", PainPoints = [], Opportunities = [] };
        var (cards, _) = form.Read(stage.Id);

        var after = StageYamlEdit.Apply(yaml, stage, cards!);
        var file = JourneyFile.FromText(after);
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics) + "\n" + after);
        var expectedStage = stage with { Description = null, Thoughts = [], Emotion = null, PainPoints = [], Opportunities = [] };
        var expected = before with { Stages = [.. before.Stages.Select(s => s.Id == stageId ? expectedStage : s)] };
        JourneyYamlWriter.Write(file.Journey!).ShouldBe(JourneyYamlWriter.Write(expected));
        SurroundingsUnchanged(yaml, after, before, stage);
    }

    [Fact]
    public void A_stage_in_flow_style_is_edited_in_flow_style_and_comments_inside_other_keys_stay()
    {
        const string yaml = """
            version: 1
            id: flow
            title: Flow stages
            stages:
              - { id: a, name: A, emotion: 2, thoughts: [one], entry: Signed Up }   # the first stage
              - id: b
                name: B # the second stage
                entry: Paid
            """;
        var stage = JourneyStore.Parse(yaml).Journey!.FindStage("a")!;
        var (cards, _) = (StageCards.From(stage) with { Description = "Now described", EmotionScore = "", Thoughts = "one\ntwo, three" }).Read("a");

        var after = StageYamlEdit.Apply(yaml, stage, cards!);

        // Written by hand: description goes after name, emotion and its ", " go, thoughts are rewritten in flow style.
        after.ShouldBe("""
            version: 1
            id: flow
            title: Flow stages
            stages:
              - { id: a, name: A, description: Now described, thoughts: [one, 'two, three'], entry: Signed Up }   # the first stage
              - id: b
                name: B # the second stage
                entry: Paid

            """);
    }

    [Fact]
    public void A_key_on_the_dash_line_can_be_removed_and_new_keys_go_after_their_predecessor()
    {
        const string yaml = """
            version: 1
            id: dash
            title: Dash
            stages:
              - description: Goes away
                id: a   # keep me
                name: A
                # a comment before the KPIs
                kpis:
                  - { id: k, name: K, type: count, event: E, target: ">= 1" }
                entry: E
            """;
        var stage = JourneyStore.Parse(yaml).Journey!.FindStage("a")!;
        var (cards, _) = (StageCards.From(stage) with { Description = "", Thoughts = "Hmm", PainPoints = [new PainPointRow("", "Slow", "")] }).Read("a");

        var after = StageYamlEdit.Apply(yaml, stage, cards!);

        // Written by hand: "id" moves up onto the dash line; thoughts and pain_points come after name (the last of
        // their predecessors present), in the format's order, before the comment.
        after.ShouldBe("""
            version: 1
            id: dash
            title: Dash
            stages:
              - id: a   # keep me
                name: A
                thoughts:
                  - Hmm
                pain_points:
                  - Slow
                # a comment before the KPIs
                kpis:
                  - { id: k, name: K, type: count, event: E, target: ">= 1" }
                entry: E

            """);
    }

    [Fact]
    public void Editing_a_touchpoint_card_keeps_the_touchpoints_keys_the_card_does_not_show()
    {
        const string yaml = """
            version: 1
            id: keep
            title: Keep
            stages:
              - id: a
                name: A
                touchpoints:
                  - id: chat
                    name: Chat
                    channel: web
                    goal: Answer fast
                    timing: response < 2 minutes
                    ideal:
                      description: "Answered by a person, first time: 3 of 4"
                      critical_elements: [Named agent, "Case history, visible"]
                  - { id: mail, name: Mail, fix: "Reply, then close" }
                entry: E
            """;
        var before = JourneyStore.Parse(yaml).Journey!;
        var stage = before.FindStage("a")!;
        var (cards, errors) = StageCards.From(stage).Read("a");
        errors.ShouldBeEmpty();

        var after = JourneyStore.Parse(StageYamlEdit.Apply(yaml, stage, cards! with
        {
            Touchpoints = [cards.Touchpoints[0] with { Owner = "Support" }, cards.Touchpoints[1] with { Name = "Email" }],
        })).Journey!;

        // The oracle: the journey parsed before, with only the two edited fields changed by hand.
        var expected = before with
        {
            Stages = [stage with { Touchpoints = [stage.Touchpoints[0] with { Owner = "Support" }, stage.Touchpoints[1] with { Name = "Email" }] }],
        };
        JourneyYamlWriter.Write(after).ShouldBe(JourneyYamlWriter.Write(expected));
    }

    [Fact]
    public void Bad_form_values_name_the_field_and_the_row()
    {
        var form = new StageCards
        {
            Name = " ",
            EmotionScore = "lots",
            Touchpoints = [new TouchpointRow("bad id", "Chat", "", "sideways", "")],
        };
        var (cards, errors) = form.Read("s");
        cards.ShouldBeNull();
        errors.ShouldBe(
        [
            "Name: a stage needs a name (it is the column title on the map).",
            "Touchpoint 1 (\"Chat\"): 'bad id' is not a valid id; use letters, digits, '-' and '_', starting with a letter or digit (or leave it empty).",
            "Touchpoint 1 (\"Chat\"): layer: 'sideways' is not one of frontstage, backstage.",
            "Emotion score: 'lots' is not a number; write a score on the journey's emotion scale, such as 3 or 4.5.",
        ]);
    }

    private static IEnumerable<(string Name, string Yaml)> Sources() =>
        TemplateCatalog.All.Select(t => (t.Name, t.ReadYaml())).Append(("complete.yaml", File.ReadAllText(RepoPaths.Sample("complete.yaml"))));

    private static string Source(string name) => Sources().Single(s => s.Name == name).Yaml;

    // Every line before the stage and every line from the next stage (or the next top-level key) on is untouched.
    private static void SurroundingsUnchanged(string yaml, string after, Journey before, Stage stage)
    {
        var a = yaml.Split('\n');
        var b = after.Split('\n');
        var start = stage.Location.Line - 1;
        b.Take(start).ShouldBe(a.Take(start));
        var next = before.Stages.SkipWhile(s => s.Id != stage.Id).Skip(1).FirstOrDefault() is { } n
            ? n.Location.Line - 1
            : Array.FindIndex(a, start + 1, l => l.Length > 0 && !char.IsWhiteSpace(l[0]));
        if (next > 0)
        {
            var tail = a.Length - next;
            b.TakeLast(tail).ShouldBe(a.TakeLast(tail));
        }
    }
}
