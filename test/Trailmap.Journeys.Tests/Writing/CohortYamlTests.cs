using Shouldly;
using Trailmap.Journeys.Writing;
using Xunit;

namespace Trailmap.Journeys.Tests.Writing;

public sealed class CohortYamlTests
{
    // Ids that plain YAML would misread: a colon-space, quotes, a leading dash, a boolean word, a number, a '#'.
    [Fact]
    public void A_saved_list_reads_back_as_exactly_its_ids()
    {
        string[] ids = ["a: b", "it's", "\"q\"", "- x", "yes", "007", "#tag", "plain"];
        var yaml = "id: j\ntitle: J\nstages:\n  - { id: s, name: S }\n" + CohortYaml.SavedList("saved", "Dropped: step 2", ids);
        var file = JourneyFile.FromText(yaml);
        file.Diagnostics.Where(d => d.Severity == Trailmap.Journeys.Validation.Severity.Error).ShouldBeEmpty();
        var cohort = file.Journey!.Cohorts.ShouldHaveSingleItem();
        (cohort.Id, cohort.Name).ShouldBe(("saved", "Dropped: step 2"));
        cohort.Ids.ShouldBe(ids);
    }
}
