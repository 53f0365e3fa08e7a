using Trailmap.Journeys;
using Trailmap.Web.Suggestions;

namespace Trailmap.Web.Tests.Suggestions;

public sealed class InterventionYamlMergeTests
{
    private const string Head = """
        version: 1
        id: trial
        title: Trial # a comment that stays
        stages:
          - { id: trial, name: Trial, entry: Trial Started }
          - { id: paid, name: Paid, entry: Paid }

        """;

    /// <summary>A block as trailmap suggest writes it: comments, the key, items indented by two.</summary>
    private const string Block = """
        # Suggested by 'trailmap suggest'.
        interventions:
          # 1. bottleneck trial -> paid.
          - id: suggest-stuck-trial
            name: Stuck in Trial
            stage: trial
            when:
              stuck_in_stage: trial
              for: 6h
            then:
              channel: in-app
              message: Come back
            holdout: 0.1

        """;

    private static string[] Ids(string yaml)
    {
        var file = JourneyFile.FromText(yaml);
        file.HasErrors.ShouldBeFalse(yaml + "\n" + string.Join("\n", file.Diagnostics));
        return [.. file.Journey!.Interventions.Select(i => i.Id)];
    }

    [Fact]
    public void A_journey_without_interventions_gets_the_block_at_its_end()
    {
        var merged = InterventionYamlMerge.Add(Head, Block);

        merged.ShouldStartWith(Head);
        Ids(merged).ShouldBe(["suggest-stuck-trial"]);
    }

    [Fact]
    public void Items_go_after_the_last_existing_one_at_its_indent_and_the_rest_stays_as_written()
    {
        const string Tail = "moments_of_truth:\n  - { id: paid-fast, name: Pays fast, stage: paid, condition: Paid, deadline: within 7d of trial }\n";
        var original = Head + "interventions:\n  - { id: nudge, name: Nudge, stage: trial, when: { event: Trial Started }, then: { channel: in-app, message: Upgrade } }\n" + Tail;

        var merged = InterventionYamlMerge.Add(original, Block);

        Ids(merged).ShouldBe(["nudge", "suggest-stuck-trial"]);
        merged.ShouldStartWith(original[..original.IndexOf("moments_of_truth", StringComparison.Ordinal)]);
        merged.ShouldEndWith(Tail);
        merged.ShouldContain("  # 1. bottleneck trial -> paid.\n  - id: suggest-stuck-trial\n");
    }

    [Fact]
    public void A_list_written_at_column_zero_gets_its_items_at_column_zero()
    {
        var original = Head + "interventions:\n- id: nudge\n  name: Nudge\n  stage: trial\n  when: { event: Trial Started }\n  then: { channel: in-app, message: Upgrade }\n";

        var merged = InterventionYamlMerge.Add(original, Block);

        Ids(merged).ShouldBe(["nudge", "suggest-stuck-trial"]);
        merged.ShouldContain("\n- id: suggest-stuck-trial\n  name: Stuck in Trial\n");
    }

    [Fact]
    public void An_empty_list_gives_way_to_the_block()
    {
        var merged = InterventionYamlMerge.Add(Head + "interventions: []\nmetrics: []\n", Block);

        Ids(merged).ShouldBe(["suggest-stuck-trial"]);
        merged.ShouldEndWith("metrics: []\n");
        merged.ShouldNotContain("interventions: []");
    }

    [Fact]
    public void A_flow_list_with_items_is_a_clear_error() =>
        Should.Throw<InterventionMergeException>(() => InterventionYamlMerge.Add(Head + "interventions: [{ id: a, name: A, stage: trial, when: { event: X }, then: { channel: in-app, message: M } }]\n", Block))
            .Message.ShouldContain("block list");
}
