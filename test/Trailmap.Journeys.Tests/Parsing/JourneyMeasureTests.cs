using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Writing;
using Xunit;

namespace Trailmap.Journeys.Tests.Parsing;

/// <summary>The top-level <c>measure:</c> key: people by default, accounts when stated, anything else reported at its line.</summary>
public sealed class JourneyMeasureTests
{
    private const string Stages = """
        stages:
          - id: a
            name: A
            entry: Signed Up
            kpis:
              - { id: k, name: K, type: count, event: Signed Up, target: ">= 10" }

        """;

    [Fact]
    public void A_journey_measures_people_unless_it_says_accounts()
    {
        JourneyFile.FromText("id: j\ntitle: J\n" + Stages).Journey!.Measure.ShouldBe(JourneyMeasure.People);

        var file = JourneyFile.FromText("id: j\ntitle: J\nmeasure: accounts\n" + Stages);

        file.Diagnostics.ShouldBeEmpty();
        file.Journey!.Measure.ShouldBe(JourneyMeasure.Accounts);
    }

    [Fact]
    public void Accounts_survive_writing_and_people_is_not_written()
    {
        var accounts = JourneyFile.FromText("id: j\ntitle: J\nmeasure: accounts\n" + Stages).Journey!;
        var people = JourneyFile.FromText("id: j\ntitle: J\n" + Stages).Journey!;

        JourneyYamlWriter.Write(accounts).ShouldContain("measure: accounts");
        JourneyFile.FromText(JourneyYamlWriter.Write(accounts)).Journey!.Measure.ShouldBe(JourneyMeasure.Accounts);
        JourneyYamlWriter.Write(people).ShouldNotContain("measure");
    }

    [Fact]
    public void Another_value_is_reported_at_its_line_with_the_choices()
    {
        var file = JourneyFile.FromText("id: j\ntitle: J\nmeasure: teams\n" + Stages);

        var d = file.Diagnostics.ShouldHaveSingleItem(string.Join("\n", file.Diagnostics));
        (d.Code, d.Location.Line).ShouldBe(("TM005", 3));
        d.Message.ShouldBe("'teams' is not what a journey can measure: use people (the default) or accounts");
    }
}
