using Shouldly;
using Trailmap.Journeys.Mermaid;
using Trailmap.Journeys.Model;
using Xunit;

namespace Trailmap.Journeys.Tests.Mermaid;

public class MermaidExporterTests
{
    [Fact]
    public void Forbidden_characters_are_replaced_and_a_minus_two_to_two_scale_maps_onto_one_to_five()
    {
        var journey = new Journey
        {
            Id = "fix",
            Title = "Fix #1: the; flow",
            EmotionScale = new EmotionScale(-2, 2),
            Personas = [new Persona { Id = "ann", Name = "Ann: admin" }, new Persona { Id = "bob", Name = "Bob; the #2" }],
            Stages =
            [
                new Stage
                {
                    Id = "start",
                    Name = "Step #1: start",
                    Emotion = new Emotion { Score = -1 },
                    Actions =
                    [
                        new CustomerAction { Name = "Open app; log in", Score = 2, Personas = ["ann", "bob"] },
                        new CustomerAction { Name = "Read: docs" },
                        new CustomerAction { Name = "Pay 5% <b>now</b>", Score = -0.5 },
                    ],
                },
                new Stage { Id = "wait", Name = "Wait\nhere" },
            ],
        };

        // Scores by hand on -2..2: 2 -> 1 + (4/4)*4 = 5; no score, stage emotion -1 -> 1 + (1/4)*4 = 2;
        // -0.5 -> 1 + (1.5/4)*4 = 2.5, rounded away from zero = 3; an empty stage takes the midpoint 0 -> 3.
        // The filled-in scores are marked, and every id the names would not give back is written down.
        MermaidExporter.Export(journey).ShouldBe(
            """
            journey
                title Fix No.1 - the, flow
                %% trailmap: journey=fix
                %% trailmap: stage=start
                section Step No.1 - start
                  %% trailmap: persona=ann: Ann - admin
                  %% trailmap: persona=bob: Bob， the No.2
                  Open app, log in: 5: Ann - admin, Bob， the No.2
                  %% trailmap: unscored
                  Read - docs: 2
                  Pay 5％ ‹b›now‹/b›: 3
                %% trailmap: stage=wait
                section Wait here
                  %% trailmap: no-actions
                  Wait here: 3

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_one_to_ten_scale_maps_onto_one_to_five_and_keyword_like_tasks_stay_tasks()
    {
        var journey = new Journey
        {
            Id = "ten",
            Title = "Ten",
            EmotionScale = new EmotionScale(1, 10),
            Personas = [new Persona { Id = "p", Name = "Pat" }],
            Stages =
            [
                new Stage
                {
                    Id = "s",
                    Name = "Only",
                    Emotion = new Emotion { Score = 8 },
                    Actions =
                    [
                        new CustomerAction { Name = "Best", Score = 10, Personas = ["p"] },
                        new CustomerAction { Name = "Worst", Score = 1 },
                        new CustomerAction { Name = "title fight", Score = 6 },
                        new CustomerAction { Name = "Section 2 review", Score = 7 },
                        new CustomerAction { Name = "Journey end", Score = 3, Personas = ["ghost"] },
                        new CustomerAction { Name = "Unscored" },
                    ],
                },
            ],
        };

        // On 1..10: 10 -> 5; 1 -> 1; 6 -> 1 + 5/9*4 = 3.22 -> 3; 7 -> 1 + 6/9*4 = 3.67 -> 4;
        // 3 -> 1 + 2/9*4 = 1.89 -> 2; the stage emotion 8 -> 1 + 7/9*4 = 4.11 -> 4.
        MermaidExporter.Export(journey).ShouldBe(
            """
            journey
                title Ten
                %% trailmap: stage=s
                section Only
                  %% trailmap: persona=p: Pat
                  Best: 5: Pat
                  Worst: 1
                  - title fight: 3
                  - Section 2 review: 4
                  - Journey end: 2: ghost
                  %% trailmap: unscored
                  Unscored: 4

            """.ReplaceLineEndings("\n"));
    }
}
