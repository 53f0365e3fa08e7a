using Shouldly;
using Xunit;

namespace Trailmap.Journeys.Tests.Parsing;

/// <summary>The cohorts: section: what it reads, and every mistake reported where it was written (lines and columns counted by hand).</summary>
public sealed class CohortParsingTests
{
    private const string Head = "id: j\ntitle: J\nstages:\n  - { id: s, name: S, entry: signed_up, kpis: [{ id: k, name: K, type: count, event: signed_up, target: '>= 1' }] }\n";

    private static JourneyFile Load(string rest) => JourneyFile.FromText(Head + rest);

    [Fact]
    public void Reads_behaviour_traits_and_saved_lists()
    {
        var loaded = Load("""
            cohorts:
              - id: inviters
                name: Early inviters
                did:
                  - { event: invite_sent, where: 'channel == "email"', at_least: 2, at_most: 5, of: signed_up, within: 7d }
                did_not: [churned]
                traits: 'plan == "team"'
              - id: saved
                ids: [u1, u2]
            """);
        loaded.Diagnostics.ShouldBeEmpty();
        var c = loaded.Journey!.Cohorts;
        c.Select(x => x.Id).ShouldBe(["inviters", "saved"]);
        var rule = c[0].Did.ShouldHaveSingleItem();
        (rule.Event.Event, rule.Event.Where!.ToString(), rule.AtLeast, rule.AtMost, rule.Of!.Event, rule.Within!.Value.Text)
            .ShouldBe(("invite_sent", "channel == \"email\"", 2, (int?)5, "signed_up", "7d"));
        c[0].DidNot.ShouldHaveSingleItem().Event.Event.ShouldBe("churned");
        c[0].Traits!.ToString().ShouldBe("plan == \"team\"");
        c[0].Title.ShouldBe("Early inviters");
        c[1].Ids.ShouldBe(["u1", "u2"]);
        c[1].IsList.ShouldBeTrue();
    }

    [Theory]
    // within without of: the window has no start (pointed at within's value).
    [InlineData("cohorts:\n  - id: c\n    did:\n      - event: x\n        within: 7d\n", "TM003", 9, 17)]
    // at_least above at_most: pointed at at_most's value.
    [InlineData("cohorts:\n  - id: c\n    did:\n      - { event: x, at_least: 3, at_most: 2 }\n", "TM005", 8, 43)]
    // a count on did_not.
    [InlineData("cohorts:\n  - id: c\n    did_not:\n      - { event: x, at_least: 2 }\n", "TM005", 8, 31)]
    // ids and rules together: pointed at ids.
    [InlineData("cohorts:\n  - id: c\n    ids: [a]\n    did: [x]\n", "TM005", 7, 10)]
    // nothing that makes a member.
    [InlineData("cohorts:\n  - id: c\n    name: C\n", "TM003", 6, 5)]
    // a misspelt key in a rule.
    [InlineData("cohorts:\n  - id: c\n    did:\n      - { event: x, at_leest: 2 }\n", "TM002", 8, 21)]
    // a persona's cohort and a rule's audience must exist.
    [InlineData("cohorts:\n  - { id: c, did: [x] }\npersonas:\n  - { id: p, name: P, cohort: d }\n", "TM007", 8, 31)]
    [InlineData("cohorts:\n  - { id: c, did: [x] }\n  - { id: c, did: [y] }\n", "TM006", 7, 11)]
    public void Mistakes_are_reported_where_they_were_written(string rest, string code, int line, int column)
    {
        var d = Load(rest).Diagnostics.ShouldHaveSingleItem();
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe((code, line, column), d.ToString());
    }

    [Fact]
    public void A_rules_audience_names_a_cohort()
    {
        var loaded = Load("""
            cohorts:
              - { id: trial, traits: 'plan == "trial"' }
            interventions:
              - id: nudge
                name: Nudge
                audience: trial
                when: { event: signed_up }
                then: { channel: email, template: nudge }
            sequences:
              - id: series
                name: Series
                audience: trail
                trigger: { event: signed_up }
                steps: [{ day: 0, then: { channel: email, template: hi } }]
            """);
        loaded.Journey!.Interventions[0].Audience.ShouldBe("trial");
        var d = loaded.Diagnostics.ShouldHaveSingleItem();
        (d.Code, d.Location.Line).ShouldBe(("TM007", 16));
        d.Message.ShouldContain("did you mean 'trial'");
    }
}
