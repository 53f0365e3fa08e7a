using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Journeys;

/// <summary>A viral coefficient from invite and signup events: invites per existing customer times invite conversion.</summary>
public sealed class ViralCoefficientKpiTests
{
    private const string Yaml = """
        id: referral
        title: Referral
        stages:
          - id: refer
            name: Refer
            entry: Signed Up
            kpis:
              - id: k
                name: Viral coefficient
                type: viral-coefficient
                event: Invite Sent
                signup: { event: Signed Up, where: 'invited_by exists' }
                target: "0.4"
              - { id: k-accepted, name: Accepted invites per customer, type: viral-coefficient, event: Invite Sent, signup: Invite Accepted }
              - { id: k-none, name: Shares per customer, type: viral-coefficient, event: Link Shared, signup: Signed Up }
        """;

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Viral_coefficient_is_invites_per_existing_customer_times_the_share_of_invites_that_sign_up()
    {
        var journey = JourneyFile.FromText(Yaml).Journey!;
        var b = new EventLogBuilder();
        var day = 0;
        void E(string c, string name, Dictionary<string, object?>? p = null) => b.Add(c, name, T0.AddDays(day++), p);
        // Nine customers e1..e9 and one organic signup o1 (no invited_by) are the 10 existing customers.
        for (var n = 1; n <= 9; n++)
        {
            E($"e{n}", "Signed Up");
        }

        E("o1", "Signed Up", new() { ["invited_by"] = null });
        // 12 invites: e1 sends 5, e2 3, e3 2, and the invitee i1 2 more (an invitee's invites count too).
        for (var n = 0; n < 5; n++)
        {
            E("e1", "Invite Sent");
        }

        for (var n = 0; n < 3; n++)
        {
            E("e2", "Invite Sent");
        }

        E("e3", "Invite Sent");
        E("e3", "Invite Sent");
        // Four invitees sign up with invited_by; i4 signs up twice and still counts once.
        foreach (var (invitee, by) in new[] { ("i1", "e1"), ("i2", "e1"), ("i3", "e2"), ("i4", "e3"), ("i4", "e3") })
        {
            E(invitee, "Signed Up", new() { ["invited_by"] = by });
        }

        E("i1", "Invite Sent");
        E("i1", "Invite Sent");
        // Only i2 sends the separate acceptance event.
        E("i2", "Invite Accepted");

        var k = JourneyAnalyzer.Analyze(journey, b.Build()).Kpis.ToDictionary(x => x.Id);

        // i = 12 invites / 10 existing customers = 1.2; c = 4 invited signups / 12 invites = 1/3; K = 0.4, meets "0.4".
        k["k"].Actual!.Value.ShouldBe(0.4, 1e-12);
        k["k"].Status.ShouldBe(TargetStatus.Met);
        k["k"].Detail.ShouldBe("12 invites by 10 customers (1.2 each), 4 signed up (33.3%)");
        // With the acceptance event only i2 is invited: 13 existing customers (e1..e9, o1, i1, i3, i4); K = 1 / 13.
        k["k-accepted"].Actual!.Value.ShouldBe(1.0 / 13, 1e-12);
        // No Link Shared events: no invites, no data (not 0).
        k["k-none"].Actual.ShouldBeNull();
        k["k-none"].Detail.ShouldBe("no invites");
    }

    [Fact]
    public void A_viral_coefficient_without_its_signup_event_is_a_located_error()
    {
        var file = JourneyFile.FromText("""
            id: j
            title: T
            stages:
              - id: a
                name: A
                kpis: [{ id: k, name: K, type: viral-coefficient, event: Invite Sent }]
            """);
        file.Diagnostics.ShouldContain(d => d.Code == "TM003" && d.Message.Contains("'signup'", StringComparison.Ordinal) && d.Location.Line == 6);
    }
}
