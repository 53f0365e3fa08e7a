using Shouldly;
using Trailmap.Automation.Rules;
using Xunit;
using static Trailmap.Automation.Tests.Tiny;

namespace Trailmap.Automation.Tests.Rules;

/// <summary>A rule's audience: a cohort judged at the moment the rule's condition fires. Expectations worked out by hand.</summary>
public sealed class AudienceTests
{
    private const string Cohorts = """
        cohorts:
          - id: inviters
            did:
              - { event: invite_sent, at_least: 2, of: Signed Up, within: 7d }
            did_not: [churned]
        """;

    // All sign up on Jan 1. a: two invites, then Board Shared: a member when it fires. b: its second invite comes after
    // Board Shared, so not yet a member then. c: churned before Board Shared. d: churns after Board Shared: a member then.
    private static readonly Trailmap.Events.EventLog History = Log(
        ("a", "Signed Up", "2026-01-01"), ("a", "invite_sent", "2026-01-02"), ("a", "invite_sent", "2026-01-03"), ("a", "Board Shared", "2026-01-04"),
        ("b", "Signed Up", "2026-01-01"), ("b", "invite_sent", "2026-01-02"), ("b", "Board Shared", "2026-01-04"), ("b", "invite_sent", "2026-01-05"),
        ("c", "Signed Up", "2026-01-01"), ("c", "invite_sent", "2026-01-02"), ("c", "invite_sent", "2026-01-03"), ("c", "churned", "2026-01-06"), ("c", "Board Shared", "2026-01-10"),
        ("d", "Signed Up", "2026-01-01"), ("d", "invite_sent", "2026-01-02"), ("d", "invite_sent", "2026-01-03"), ("d", "Board Shared", "2026-01-04"), ("d", "churned", "2026-01-06"));

    private static string[] Fired(string audience)
    {
        var journey = Journey(Cohorts + $$"""

            interventions:
              - id: thanks
                name: Thanks
                {{audience}}
                when: { event: Board Shared }
                then: { channel: in-app, message: thanks }
            """);
        return [.. new RuleEvaluator(journey, History).Evaluate(T("2026-02-01")).Select(t => t.CustomerId)];
    }

    [Fact]
    public void An_intervention_fires_only_for_members_at_the_moment_it_fires()
    {
        Fired("").ShouldBe(["a", "b", "d", "c"]);
        Fired("audience: inviters").ShouldBe(["a", "d"]);
    }

    [Fact]
    public void A_sequence_enrols_only_members()
    {
        var journey = Journey(Cohorts + """

            sequences:
              - id: s
                name: S
                audience: inviters
                trigger: { event: Board Shared }
                steps: [{ day: 0, then: { channel: in-app, message: hi } }, { day: 3, then: { channel: in-app, message: again } }]
            """);
        new RuleEvaluator(journey, History).Evaluate(T("2026-02-01")).Select(t => (t.CustomerId, t.Step))
            .ShouldBe([("a", (int?)1), ("d", 1), ("a", 2), ("d", 2)]);
    }
}
