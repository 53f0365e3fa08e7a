using Shouldly;
using Trailmap.Journeys.Tests.Parsing;
using Trailmap.Journeys.Validation;
using Xunit;

namespace Trailmap.Journeys.Tests.Validation;

public sealed class JourneyValidationTests
{
    private static IReadOnlyList<Diagnostic> Diagnose(string yaml) => JourneyFile.FromText(yaml).Diagnostics;

    [Fact]
    public void Complete_sample_has_no_diagnostics() =>
        JourneyFile.Load(TestPaths.Repo("samples", "complete.yaml")).Diagnostics.ShouldBeEmpty();

    [Fact]
    public void Complete_sample_reads_every_part()
    {
        var j = JourneyFile.Load(TestPaths.Repo("samples", "complete.yaml")).Journey!;
        (j.Personas.Count, j.Stages.Count, j.MomentsOfTruth.Count, j.Milestones.Count, j.CriticalTouchpoints.Count, j.Metrics.Count, j.Interventions.Count, j.Sequences.Count)
            .ShouldBe((2, 4, 1, 2, 2, 2, 2, 1));
        var signup = j.FindStage("signup")!;
        signup.Touchpoints[0].Id.ShouldBe("signup-signup-form");
        signup.Kpis[0].From.ShouldBe("discover");
        signup.Kpis[0].To.ShouldBe("signup");
        j.Sequences[0].Steps.Select(s => s.Day).ShouldBe([0, 3, 7]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing but a comment\n")]
    public void Empty_file_is_one_missing_field_error_at_the_start(string yaml)
    {
        var d = Diagnose(yaml).ShouldHaveSingleItem();
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM003", 1, 1));
    }

    [Fact]
    public void Root_that_is_a_list_is_a_wrong_type_error()
    {
        var d = Diagnose("- id: j\n- title: J\n").ShouldHaveSingleItem();
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM004", 1, 1));
        d.Message.ShouldContain("found a list");
    }

    [Fact]
    public void Unknown_key_suggests_the_closest_known_key()
    {
        var d = Diagnose("id: j\ntitle: J\nstages:\n  - { id: a, name: A, mindst: calm, entry: X }\n").Single(d => d.Code == "TM002");
        d.Message.ShouldContain("did you mean 'mindset'?");
        (d.Location.Line, d.Location.Column).ShouldBe((4, 23));
    }

    [Fact]
    public void Unknown_enum_value_suggests_the_closest_value()
    {
        var d = Diagnose("id: j\ntitle: J\nstages:\n  - { id: a, name: A, entry: X, touchpoints: [{ name: Call, layer: frontstge }] }\n").Single(d => d.Code == "TM005");
        d.Message.ShouldContain("did you mean 'frontstage'?");
    }

    [Fact]
    public void Unresolved_reference_suggests_the_closest_id()
    {
        var d = Diagnose("id: j\ntitle: J\nstages:\n  - { id: activate, name: A, entry: X }\nmilestones:\n  - { at: Day 1, name: M, stage: activat }\n").Single(d => d.Code == "TM007");
        d.Message.ShouldContain("did you mean 'activate'?");
    }

    [Fact]
    public void Far_away_words_get_no_suggestion() =>
        Diagnose("id: j\ntitle: J\ncolour: red\nstages: [{ id: a, name: A, entry: X }]\n").Single(d => d.Code == "TM002").Message.ShouldNotContain("did you mean");

    [Fact]
    public void Ids_are_unique_across_stages()
    {
        var yaml = """
            id: j
            title: J
            stages:
              - id: a
                name: A
                entry: X
                touchpoints: [{ id: call, name: Call }]
                pain_points: [{ id: slow, text: Slow }]
                opportunities: [{ id: o, text: O }]
                kpis: [{ id: k, name: K, type: count, event: X, target: "> 1" }]
              - id: b
                name: B
                entry: Y
                touchpoints: [{ id: call, name: Call again }]
                pain_points: [{ id: slow, text: Slow again }]
                opportunities: [{ id: o, text: O again }]
                kpis: [{ id: k, name: K, type: count, event: Y, target: "> 1" }]
            """;
        Diagnose(yaml).Select(d => (d.Code, d.Location.Line, d.Location.Column))
            .ShouldBe([("TM006", 14, 25), ("TM006", 15, 25), ("TM006", 16, 27), ("TM006", 17, 18)]);
    }

    [Fact]
    public void Interventions_and_sequences_share_one_id_space()
    {
        var yaml = """
            id: j
            title: J
            stages: [{ id: a, name: A, entry: X, kpis: [{ id: k, name: K, type: count, event: X, target: "> 1" }] }]
            interventions:
              - { id: nudge, name: N, when: { event: X }, then: { channel: slack, message: hi } }
            sequences:
              - { id: nudge, name: S, trigger: { event: X }, steps: [] }
            """;
        var d = Diagnose(yaml).ShouldHaveSingleItem();
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM006", 7, 11));
    }

    [Fact]
    public void Every_kind_of_reference_is_resolved_and_located_at_its_value()
    {
        var yaml = """
            id: j
            title: J
            personas:
              - id: maya
                name: Maya
            stages:
              - id: a
                name: A
                entry: Signed Up
                actions:
                  - name: Reads
                    personas: [maya, sam]
                pain_points:
                  - id: slow
                    text: Slow
                opportunities:
                  - text: Faster
                    addresses: [slow, fast]
                kpis:
                  - id: k
                    name: K
                    type: conversion
                    from: nowhere
                    to: a
                    target: ">= 10%"
                  - id: r
                    name: R
                    type: rate
                    event: Signed Up
                    of: elsewhere
                    target: ">= 10%"
                ideal:
                  targets:
                    missing-kpi: ">= 20%"
            moments_of_truth:
              - id: m
                name: M
                stage: b
                kpi: nokpi
                deadline: within 7d of a
            milestones:
              - at: Day 1
                name: D
                stage: c
            critical_touchpoints:
              - touchpoint: nope
                rank: 1
            interventions:
              - id: i
                name: I
                stage: d
                when:
                  entered_stage: e
                then: { channel: slack, message: hi }
              - id: i2
                name: I2
                when:
                  stuck_in_stage: f
                  for: 3d
                then: { channel: slack, message: hi }
              - id: i3
                name: I3
                when:
                  missed_moment: nomoment
                then: { channel: slack, message: hi }
            sequences:
              - id: s
                name: S
                stage: g
                trigger:
                  entered_stage: a
                steps:
                  - day: 0
                    then: { channel: slack, message: hi }
            """;
        var found = Diagnose(yaml);
        found.Select(d => (d.Code, d.Location.Line, d.Location.Column)).ShouldBe(
        [
            ("TM007", 12, 26), // persona 'sam' of an action
            ("TM007", 18, 27), // pain point 'fast' an opportunity addresses
            ("TM007", 23, 15), // 'from' stage of a conversion
            ("TM007", 30, 13), // 'of' stage of a rate
            ("TM007", 34, 9), // KPI named by an ideal target
            ("TM007", 38, 12), // stage of a moment
            ("TM007", 39, 10), // KPI of a moment
            ("TM007", 44, 12), // stage of a milestone
            ("TM007", 46, 17), // critical touchpoint
            ("TM007", 51, 12), // stage of an intervention
            ("TM007", 53, 22), // entered_stage
            ("TM007", 58, 23), // stuck_in_stage
            ("TM007", 64, 22), // missed_moment
            ("TM007", 69, 12), // stage of a sequence
        ]);
    }

    [Fact]
    public void Yaml_syntax_error_is_located()
    {
        var d = Diagnose("id: j\ntitle: a: b\n").ShouldHaveSingleItem();
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM001", 2, 9));
    }

    [Fact]
    public void Duplicate_top_level_key_points_at_the_second_key()
    {
        var d = Diagnose("id: j\ntitle: J\nid: k\n").ShouldHaveSingleItem();
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM012", 3, 1));
        d.Message.ShouldContain("'id'");
    }

    [Fact]
    public void Second_document_is_reported()
    {
        var d = Diagnose("id: j\ntitle: J\nstages: [{ id: a, name: A, entry: X, kpis: [{ id: k, name: K, type: count, event: X, target: \"> 1\" }] }]\n---\nid: k\n").ShouldHaveSingleItem();
        (d.Code, d.Location.Line).ShouldBe(("TM001", 5));
    }

    [Fact]
    public void Ids_with_spaces_are_invalid_values_with_a_slug_suggestion()
    {
        var d = Diagnose("id: My Journey\ntitle: J\nstages: [{ id: a, name: A, entry: X, kpis: [{ id: k, name: K, type: count, event: X, target: \"> 1\" }] }]\n").ShouldHaveSingleItem();
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM005", 1, 5));
        d.Message.ShouldContain("'my-journey'");
    }

    [Fact]
    public void Invalid_deadline_is_an_invalid_duration_at_the_value()
    {
        var d = Diagnose("id: j\ntitle: J\nstages: [{ id: a, name: A, entry: X, kpis: [{ id: k, name: K, type: count, event: X, target: \"> 1\" }] }]\nmoments_of_truth:\n  - { id: m, name: M, deadline: soon }\n").ShouldHaveSingleItem();
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM009", 5, 33));
    }

    [Fact]
    public void Customer_success_lifecycle_transcription_has_no_errors()
    {
        var file = JourneyFile.Load(TestPaths.Repo("samples", "customer-success-lifecycle.yaml"));
        file.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty(string.Join("\n", file.Diagnostics));

        // The source names no opportunity for most friction points (TM102), and four of its six moments
        // happen "anytime" or "T-90 days" before renewal, which no 'within ... of' deadline can express (TM103).
        file.Diagnostics.Select(d => d.Code).Distinct().Order().ShouldBe(["TM102", "TM103"]);
        var j = file.Journey!;
        (j.Stages.Count, j.MomentsOfTruth.Count, j.Milestones.Count, j.Interventions.Count, j.Sequences.Count).ShouldBe((4, 6, 18, 4, 4));
        j.Stages.Select(s => s.Kpis.Count).ShouldBe([4, 4, 4, 4]);
        j.Stages.Select(s => s.PainPoints.Count).ShouldBe([5, 4, 4, 4]);
        j.Sequences.Single(s => s.Id == "onboarding-emails").Steps.Select(s => s.Day).ShouldBe([1, 3, 7, 14, 30, 60, 90]);
    }

    [Fact]
    public void Comma_inside_a_flow_mapping_gets_a_quoting_hint()
    {
        var d = Diagnose("id: j\ntitle: J\nstages: [{ id: a, name: A, entry: X }]\nmilestones:\n  - { at: Day 1, name: Kickoff call, plan agreed }\n").Single(d => d.Code == "TM002");
        (d.Location.Line, d.Location.Column).ShouldBe((5, 38));
        d.Message.ShouldContain("put that text in quotes");
    }
}
