using Shouldly;
using Trailmap.Journeys.Mermaid;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Tests.Rendering;
using Trailmap.Journeys.Validation;
using Xunit;

namespace Trailmap.Journeys.Tests.Mermaid;

public class MermaidImporterTests
{
    // Verbatim from https://mermaid.js.org/syntax/userJourney.html
    private const string MermaidDocsExample = """
        journey
            title My working day
            section Go to work
              Make tea: 5: Me
              Go upstairs: 3: Me
              Do work: 1: Me, Cat
            section Go home
              Go downstairs: 5: Me
              Sit down: 5: Me
        """;

    [Fact]
    public void The_example_from_mermaids_documentation_becomes_a_journey()
    {
        var result = MermaidImporter.Import(MermaidDocsExample, "working-day.mmd");

        result.Diagnostics.ShouldBeEmpty();
        var j = result.Journey.ShouldNotBeNull();
        j.Title.ShouldBe("My working day");
        j.Id.ShouldBe("my-working-day");
        j.Personas.Select(p => (p.Id, p.Name)).ShouldBe([("me", "Me"), ("cat", "Cat")]);
        j.Stages.Select(s => (s.Id, s.Name)).ShouldBe([("go-to-work", "Go to work"), ("go-home", "Go home")]);
        j.Stages[0].Actions.Select(a => (a.Name, a.Score)).ShouldBe([("Make tea", (double?)5), ("Go upstairs", 3), ("Do work", 1)]);
        j.Stages[0].Actions[2].Personas.ShouldBe(["me", "cat"]);
        j.Stages[1].Actions.Select(a => (a.Name, a.Score)).ShouldBe([("Go downstairs", (double?)5), ("Sit down", 5)]);
        j.Stages[1].Actions.ShouldAllBe(a => a.Personas.SequenceEqual(new[] { "me" }));
        j.Stages[0].Emotion!.Score.ShouldBe(3); // (5 + 3 + 1) / 3
        j.Stages[1].Emotion!.Score.ShouldBe(5);
    }

    [Fact]
    public void The_imported_yaml_parses_without_errors_to_the_same_journey()
    {
        var result = MermaidImporter.Import(MermaidDocsExample, "working-day.mmd");

        result.Yaml.ShouldNotBeNull();
        result.Yaml.ShouldStartWith("# Imported from the Mermaid journey diagram working-day.mmd.");
        var file = JourneyFile.FromText(result.Yaml, "working-day.yaml");
        file.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty();
        file.Diagnostics.ShouldContain(d => d.Code == Codes.StageWithoutKpi.Code);
        JsonRenderer.Render(file.Journey!).ShouldBe(JsonRenderer.Render(result.Journey!));
    }

    [Fact]
    public void Front_matter_comments_accessibility_lines_and_tasks_before_a_section_are_understood()
    {
        var text = """
            ---
            title: Front title
            config:
              theme: forest
            ---
            %% a comment
            JOURNEY
            accTitle: Accessible title
            accDescr {
              Line one
              Line two
            }
            Early task: 4: Zed
                title   Real title   # trailing comment
              SECTION   First part
            Task A: 2:Me,  You
            Task B: 3.5
            section Second
            """;

        var result = MermaidImporter.Import(text, "x.mmd");

        result.Diagnostics.ShouldBeEmpty();
        var j = result.Journey!;
        j.Title.ShouldBe("Real title");
        j.Description.ShouldBe("Line one\nLine two");
        j.Stages.Select(s => s.Name).ShouldBe([MermaidImporter.ImplicitSectionName, "First part", "Second"]);
        j.Stages[0].Actions.Single().Personas.ShouldBe(["zed"]);
        j.Stages[1].Actions.Select(a => (a.Name, a.Score)).ShouldBe([("Task A", (double?)2), ("Task B", 3.5)]);
        j.Stages[1].Actions[0].Personas.ShouldBe(["me", "you"]);
        j.Stages[1].Emotion!.Score.ShouldBe(2.75); // (2 + 3.5) / 2
        j.Stages[2].Emotion.ShouldBeNull();
        j.Personas.Select(p => p.Name).ShouldBe(["Zed", "Me", "You"]);
    }

    [Fact]
    public void Without_a_title_line_the_front_matter_title_is_used()
    {
        var result = MermaidImporter.Import("---\ntitle: \"From front\"\n---\njourney\nsection S\nT: 3\n", "x.mmd");

        result.Journey!.Title.ShouldBe("From front");
    }

    [Fact]
    public void Bad_lines_are_reported_at_their_line_and_column()
    {
        var text = string.Join("\n",
            "journey",
            "  title Bad",
            "  section S",
            "    Good: 3: Me",
            "    Too high: 7: Me",
            "    Not a number: x",
            "    no colon here",
            "  section Bad: name",
            ": 3",
            "    A; B: 3");

        var result = MermaidImporter.Import(text, "bad.mmd");

        result.Journey.ShouldBeNull();
        result.Yaml.ShouldBeNull();
        var found = result.Diagnostics.Select(d => (d.Location.Line, d.Location.Column, d.Code)).ToList();
        found.ShouldBe([(5, 15, "TM001"), (6, 19, "TM001"), (7, 5, "TM001"), (8, 14, "TM001"), (9, 1, "TM001"), (10, 6, "TM001")]);
        result.Diagnostics.ShouldAllBe(d => d.Severity == Severity.Error && d.File == "bad.mmd");
        result.Diagnostics[0].Message.ShouldContain("outside");
        result.Diagnostics[1].Message.ShouldContain("'x'");
        result.Diagnostics[2].Message.ShouldContain("no ':'");
        result.Diagnostics[0].ToString().ShouldStartWith("bad.mmd:5:15: error TM001:");
    }

    [Fact]
    public void Text_that_is_not_a_journey_is_rejected_at_its_first_line()
    {
        var result = MermaidImporter.Import("\n  flowchart LR\n  A --> B\n", "flow.mmd");

        result.Diagnostics.Single().Location.ShouldBe(new SourceLocation(2, 3));
        MermaidImporter.Import("", "empty.mmd").Diagnostics.Single().Location.ShouldBe(new SourceLocation(1, 1));
    }

    [Fact]
    public void Export_of_an_import_gives_back_the_same_diagram()
    {
        var journey = MermaidImporter.Import(MermaidDocsExample, "working-day.mmd").Journey!;

        MermaidExporter.Export(journey).ShouldBe(MermaidDocsExample.ReplaceLineEndings("\n") + "\n");
    }

    [Fact]
    public void Import_of_an_export_keeps_sections_tasks_scores_actors_and_ids_and_invents_no_scores()
    {
        var exported = MermaidExporter.Export(TextFormatFiles.CompleteSample());

        var result = MermaidImporter.Import(exported, "complete.mmd");

        result.Diagnostics.ShouldBeEmpty();
        var stages = result.Journey!.Stages;
        var names = result.Journey.Personas.ToDictionary(p => p.Id, p => p.Name);
        var tasks = stages.SelectMany(s => s.Actions.Select(a =>
            $"{s.Name} / {a.Name}: {a.Score}: {string.Join(", ", a.Personas.Select(p => names[p]))}")).ToList();
        // From samples/complete.yaml: the actions of sign up and pay have no score, and come back without one
        // (Mermaid shows them at their stage's emotion, 4, which the export marks as filled in).
        tasks.ShouldBe(
        [
            "Discover / Reads a comparison post: 3: Maya the team lead, Sam the solo maker",
            "Discover / Visits pricing: 3: Maya the team lead",
            "Sign up / Creates an account: : ",
            "Sign up / Invites two teammates: : ",
            "Activate / Imports issues: 2: Maya the team lead",
            "Activate / Shares a board: 4: Maya the team lead",
            "Pay / Compares plans: : ",
            "Pay / Enters card: : ",
        ]);
        // The ids of samples/complete.yaml, which the names alone would have turned into sign-up, maya-the-team-lead...
        result.Journey.Id.ShouldBe("team-trial");
        stages.Select(s => s.Id).ShouldBe(["discover", "signup", "activate", "pay"]);
        result.Journey.Personas.Select(p => p.Id).ShouldBe(["maya", "sam"]);
        // Emotion is the mean of the scored tasks only: discover (3 + 3) / 2, activate (2 + 4) / 2; none elsewhere.
        stages.Select(s => s.Emotion?.Score).ShouldBe([3.0, null, 3.0, null]);
        JourneyFile.FromText(result.Yaml!, "complete-from-mermaid.yaml").HasErrors.ShouldBeFalse();
    }

    [Fact]
    public void A_stage_without_actions_comes_back_without_the_stand_in_task()
    {
        var journey = new Journey { Id = "j", Title = "J", Stages = [new() { Id = "quiet", Name = "Quiet stage" }] };

        var exported = MermaidExporter.Export(journey);
        var back = MermaidImporter.Import(exported, "j.mmd").Journey!;

        // Mermaid still draws a task for the stage, at the middle of the scale (3).
        exported.ShouldContain("Quiet stage: 3");
        back.Stages.Single().Id.ShouldBe("quiet");
        back.Stages.Single().Actions.ShouldBeEmpty();
        back.Stages.Single().Emotion.ShouldBeNull();
    }

    [Fact]
    public void Text_after_the_actors_is_ignored_with_a_warning()
    {
        var result = MermaidImporter.Import("journey\nsection S\nT: 3: Me: extra\n", "x.mmd");

        result.Journey.ShouldNotBeNull();
        var warning = result.Diagnostics.Single();
        warning.Severity.ShouldBe(Severity.Warning);
        warning.Location.ShouldBe(new SourceLocation(3, 9));
    }
}
