using System.Runtime.CompilerServices;
using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Templates;
using Xunit;

namespace Trailmap.Journeys.Tests.Templates;

public class TemplateTests
{
    // The names the task asks for, written out by hand rather than read from the catalog under test.
    private static readonly string[] ExpectedNames =
        ["awareness-to-advocacy", "b2b-customer-success", "ecommerce-first-purchase", "online-course", "saas-trial"];

    public static TheoryData<string> Names => [.. ExpectedNames];

    private static Journey Load(string name)
    {
        var file = JourneyFile.FromText(TemplateCatalog.ReadYaml(name), name + ".yaml");
        file.Journey.ShouldNotBeNull($"{name} did not parse:\n{string.Join("\n", file.Diagnostics)}");
        return file.Journey;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Template_ParsesAndValidates_WithNoErrorsAndNoWarnings(string name)
    {
        var file = JourneyFile.FromText(TemplateCatalog.ReadYaml(name), name + ".yaml");

        file.Journey.ShouldNotBeNull();
        file.Diagnostics.ShouldBeEmpty($"{name} has diagnostics:\n{string.Join("\n", file.Diagnostics)}");
    }

    [Fact]
    public void Catalog_ListsExactlyTheFiveTemplates_ByName()
    {
        TemplateCatalog.All.Select(t => t.Name).ShouldBe(ExpectedNames);
    }

    [Fact]
    public void Catalog_ListsEveryYamlFileInTheTemplatesFolder_SoNoneIsLeftUnembedded()
    {
        var folder = Path.Combine(RepoRoot(), "src", "Trailmap.Journeys", "Templates");
        var files = Directory.GetFiles(folder, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);

        TemplateCatalog.All.Select(t => t.Name).ShouldBe(files);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Template_YamlIsTheFileInTheSourceTree(string name)
    {
        var path = Path.Combine(RepoRoot(), "src", "Trailmap.Journeys", "Templates", name + ".yaml");

        TemplateCatalog.ReadYaml(name).ReplaceLineEndings().ShouldBe(File.ReadAllText(path).ReplaceLineEndings());
        TemplateCatalog.Find(name).ShouldNotBeNull().ReadYaml().ShouldBe(TemplateCatalog.ReadYaml(name));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Template_StartsWithACommentHeader_ThatSaysHowToAdaptIt(string name)
    {
        var header = TemplateCatalog.ReadYaml(name).ReplaceLineEndings("\n").Split('\n').TakeWhile(l => l.StartsWith('#')).ToList();

        header.Count.ShouldBeGreaterThanOrEqualTo(3, $"{name} should open with a comment header");
        header[0].ShouldStartWith("# Template: ");
        string.Join("\n", header).ShouldContain("adapt", Case.Insensitive);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Template_IdIsTheTemplateName(string name)
    {
        Load(name).Id.ShouldBe(name);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Template_HasAtLeastFourStages_EachWithAnEntryAndAKpiWithATarget(string name)
    {
        var journey = Load(name);

        journey.Stages.Count.ShouldBeGreaterThanOrEqualTo(4);
        foreach (var stage in journey.Stages)
        {
            stage.Entry.ShouldNotBeNull($"stage '{stage.Id}' of {name} has no entry");
            stage.Kpis.ShouldNotBeEmpty($"stage '{stage.Id}' of {name} has no KPI");
            stage.Kpis.ShouldAllBe(k => k.Target != null, $"stage '{stage.Id}' of {name} has a KPI without a target");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Template_IdsAreKebabCase(string name)
    {
        var journey = Load(name);
        var ids = journey.Personas.Select(p => p.Id)
            .Concat(journey.Stages.Select(s => s.Id))
            .Concat(journey.AllMetrics().Select(m => m.Id))
            .Concat(journey.Stages.SelectMany(s => s.PainPoints).Select(p => p.Id))
            .Concat(journey.Stages.SelectMany(s => s.Opportunities).Select(o => o.Id))
            .Concat(journey.MomentsOfTruth.Select(m => m.Id))
            .Concat(journey.Interventions.Select(i => i.Id))
            .Concat(journey.Sequences.Select(s => s.Id));

        ids.ShouldAllBe(id => System.Text.RegularExpressions.Regex.IsMatch(id, "^[a-z0-9]+(-[a-z0-9]+)*$"));
    }

    [Fact]
    public void Catalog_TakesTitleAndDescriptionFromTheJourney()
    {
        var template = TemplateCatalog.Find("saas-trial").ShouldNotBeNull();

        template.Title.ShouldBe("SaaS free trial to paid");
        template.Description.ShouldStartWith("A team discovers the product");
        TemplateCatalog.All.ShouldAllBe(t => t.Title.Length > 0 && t.Description.Length > 0);
    }

    [Fact]
    public void Find_IgnoresCase_AndReturnsNullForAnUnknownName()
    {
        TemplateCatalog.Find("SaaS-Trial").ShouldNotBeNull().Name.ShouldBe("saas-trial");
        TemplateCatalog.Find("no-such-template").ShouldBeNull();
    }

    [Fact]
    public void ReadYaml_ForAnUnknownName_ListsTheNamesThereAre()
    {
        var e = Should.Throw<ArgumentException>(() => TemplateCatalog.ReadYaml("saas"));

        e.Message.ShouldContain("'saas'");
        e.Message.ShouldContain("saas-trial");
        e.Message.ShouldContain("online-course");
    }

    [Fact]
    public void B2b_HasTheSixMomentsOfTruthFromTheSeed_EachWithADeadline()
    {
        var moments = Load("b2b-customer-success").MomentsOfTruth;

        moments.Select(m => m.Name).ShouldBe(
        [
            "First login", "First value achieved", "Champion departure",
            "First escalation", "Renewal discussion", "Competitive evaluation",
        ]);
        moments.ShouldAllBe(m => m.Deadline != null);
    }

    [Fact]
    public void B2b_HasTheDayOneToNinetyMilestonesFromTheSeed_ThenTheMonthlyOnes()
    {
        var milestones = Load("b2b-customer-success").Milestones.Select(m => m.At).ToList();

        milestones.ShouldBe(
        [
            "Day 1", "Day 7", "Day 14", "Day 30", "Day 60", "Day 90",
            "Month 4", "Month 6", "Month 9", "Month 12", "Month 15", "Month 18", "Month 24", "Month 36",
        ]);
    }

    [Fact]
    public void B2b_HasTheFourLifecycleStages_AndTheSeedsTargets()
    {
        var journey = Load("b2b-customer-success");

        journey.Stages.Select(s => s.Name).ShouldBe(
            ["Onboarding", "Adoption & Growth", "Maturity & Renewal", "Expansion & Advocacy"]);
        var targets = journey.AllMetrics().ToDictionary(m => m.Id, m => m.Target!);
        targets["time-to-first-value"].ShouldBe(new Target(TargetComparison.LessThan, 14 * 86400, null, TargetUnit.Duration, "< 14d"));
        targets["nps"].ShouldBe(new Target(TargetComparison.MoreThan, 40, null, TargetUnit.Number, "> 40"));
        targets["renewal-rate"].ShouldBe(new Target(TargetComparison.MoreThan, 0.90, null, TargetUnit.Percent, "> 90%"));
        targets["nrr-renewal"].ShouldBe(new Target(TargetComparison.Between, 1.15, 1.30, TargetUnit.Percent, "115%..130%"));
    }

    [Fact]
    public void B2b_HasTheSeedsTriggeredInterventions_AndTheOnboardingEmailSeries()
    {
        var journey = Load("b2b-customer-success");

        var noLogin = journey.Interventions.Single(i => i.Id == "no-login-14d");
        noLogin.When.InactiveEvent!.Event.ShouldBe("Logged In");
        noLogin.When.InactiveFor!.Value.Span.ShouldBe(TimeSpan.FromDays(14));
        noLogin.Then.Channel.ShouldBe(ActionChannel.Email);
        journey.Interventions.Single(i => i.Id == "health-below-60").When.Metric!.ToString().ShouldBe("health < 60");
        journey.Interventions.Single(i => i.Id == "nps-detractor").When.Event!.Where!.ToString().ShouldBe("score < 7");

        journey.Sequences.Single(s => s.Id == "onboarding-emails").Steps.Select(s => s.Day).ShouldBe([1, 3, 7, 14, 30, 60, 90]);
    }

    [Fact]
    public void B2b_AnswersFrictionWithAllFourOpportunityTypes_AndRanksCriticalTouchpointsFromOne()
    {
        var journey = Load("b2b-customer-success");

        journey.Stages.SelectMany(s => s.Opportunities).Select(o => o.Type).Distinct().OrderBy(t => t).ShouldBe(
            [OpportunityType.Eliminate, OpportunityType.Automate, OpportunityType.Enhance, OpportunityType.Add]);
        journey.CriticalTouchpoints.Select(c => c.Rank).ShouldBe([1, 2, 3, 4, 5, 6]);
    }

    [Fact]
    public void AwarenessToAdvocacy_HasTwoPersonas_SarahAndBrian()
    {
        var journey = Load("awareness-to-advocacy");

        journey.Personas.Select(p => p.Name).ShouldBe(["Savvy Sarah", "Budget-Conscious Brian"]);
        journey.Stages.Select(s => s.Name).ShouldBe(["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]);
    }

    [Fact]
    public void OnlineCourse_HasTheSeedsStages_AndANurtureSequenceOnDays0To14()
    {
        var journey = Load("online-course");

        journey.Stages.Select(s => s.Name).ShouldBe(
            ["Awareness", "Interest", "Consideration", "Purchase", "Onboarding", "Success", "Advocacy"]);
        journey.Sequences.ShouldContain(s => s.Steps.Select(step => step.Day).SequenceEqual(new[] { 0, 3, 7, 10, 14 }));
    }

    private static string RepoRoot([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));
}
