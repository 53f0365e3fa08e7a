using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Queries;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Funnels;

/// <summary>
/// The customers behind a step's numbers. Steps a b c, window 10 s:
/// u1 a@0 b@1 c@2 (level 3), u2 a@0 b@1 (2), u3 a@0 (1), u4 b@0 (0: no a), u5 a@0 b@5 (2), u6 a@0 b@20 (1: b too late).
/// </summary>
public sealed class FunnelPeopleTests
{
    private static readonly FunnelSpec Spec = new()
    {
        Steps = [new FunnelStep("a"), new FunnelStep("b"), new FunnelStep("c")],
        Window = Duration.FromSeconds(10),
    };

    private static FunnelResult Result() => FunnelEngine.Run(
        TestLogs.Build([
            .. TestLogs.One("a@0 b@1 c@2", "u1"), .. TestLogs.One("a@0 b@1", "u2"), .. TestLogs.One("a@0", "u3"),
            .. TestLogs.One("b@0", "u4"), .. TestLogs.One("a@0 b@5", "u5"), .. TestLogs.One("a@0 b@20", "u6"),
        ]),
        Spec);

    private static string[] Ids(IEnumerable<FunnelPerson> people) => [.. people.Select(p => p.Customer)];

    [Fact]
    public void Each_outcome_lists_the_customers_by_id()
    {
        var r = Result();
        Ids(FunnelPeople.All(r, 1, StepOutcome.Reached)).ShouldBe(["u1", "u2", "u3", "u5", "u6"]);
        Ids(FunnelPeople.All(r, 1, StepOutcome.Dropped)).ShouldBe(["u3", "u6"]);
        Ids(FunnelPeople.All(r, 1, StepOutcome.Converted)).ShouldBe(["u1", "u2", "u5"]);
        Ids(FunnelPeople.All(r, 2, StepOutcome.Dropped)).ShouldBe(["u2", "u5"]);
        Ids(FunnelPeople.All(r, 2, StepOutcome.Converted)).ShouldBe(["u1"]);
        Ids(FunnelPeople.All(r, 3, StepOutcome.Reached)).ShouldBe(["u1"]);
    }

    // The lists are the step counts one by one: dropped at k is the next step's drop-off.
    [Fact]
    public void Dropped_and_converted_add_up_to_the_step_numbers()
    {
        var r = Result();
        for (var k = 1; k < 3; k++)
        {
            FunnelPeople.All(r, k, StepOutcome.Dropped).Count.ShouldBe((int)r.Steps[k].DropOff);
            FunnelPeople.All(r, k, StepOutcome.Converted).Count.ShouldBe((int)r.Steps[k].Customers);
            FunnelPeople.All(r, k, StepOutcome.Reached).Count.ShouldBe((int)r.Steps[k - 1].Customers);
        }
    }

    // u5 reached a at 0 s and b at 5 s; a dropped customer has no next step time.
    [Fact]
    public void Each_person_carries_the_chain_times()
    {
        var r = Result();
        var u5 = FunnelPeople.All(r, 1, StepOutcome.Converted).Single(p => p.Customer == "u5");
        u5.ReachedAt.ShouldBe(DateTimeOffset.UnixEpoch);
        u5.NextAt.ShouldBe(DateTimeOffset.UnixEpoch.AddSeconds(5));
        FunnelPeople.All(r, 2, StepOutcome.Dropped).Single(p => p.Customer == "u5").NextAt.ShouldBeNull();
    }

    // Five who reached step 1, two a page: u1 u2 | u3 u5 | u6; page 4 is empty.
    [Fact]
    public void Pages_split_the_list_in_order()
    {
        var r = Result();
        var second = FunnelPeople.Page(r, 1, StepOutcome.Reached, 2, 2);
        (second.Total, second.Pages).ShouldBe((5L, 3));
        Ids(second.People).ShouldBe(["u3", "u5"]);
        Ids(FunnelPeople.Page(r, 1, StepOutcome.Reached, 3, 2).People).ShouldBe(["u6"]);
        FunnelPeople.Page(r, 1, StepOutcome.Reached, 4, 2).People.ShouldBeEmpty();
        Should.Throw<ArgumentOutOfRangeException>(() => FunnelPeople.Page(r, 1, StepOutcome.Reached, 0, 2));
        Should.Throw<ArgumentOutOfRangeException>(() => FunnelPeople.Page(r, 1, StepOutcome.Reached, 1, FunnelPeople.MaxPageSize + 1));
    }

    [Fact]
    public void The_last_step_has_no_drop_or_conversion_after_it()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => FunnelPeople.All(Result(), 3, StepOutcome.Dropped));
        var e = Should.Throw<QueryParameterException>(() => FunnelQuery.PeopleSelector("3", "dropped", 3));
        e.Parameter.ShouldBe("step");
        e.Message.ShouldContain("last step");
        FunnelQuery.PeopleSelector("2", null, 3).ShouldBe((2, StepOutcome.Dropped));
        FunnelQuery.PeopleSelector("1", " Converted ", 3).ShouldBe((1, StepOutcome.Converted));
        Should.Throw<QueryParameterException>(() => FunnelQuery.PeopleSelector("0", null, 3)).Parameter.ShouldBe("step");
        Should.Throw<QueryParameterException>(() => FunnelQuery.PeopleSelector("two", null, 3)).Parameter.ShouldBe("step");
        Should.Throw<QueryParameterException>(() => FunnelQuery.PeopleSelector("1", "lost", 3)).Parameter.ShouldBe("outcome");
    }

    [Fact]
    public void Csv_has_every_person_with_spreadsheet_safe_ids()
    {
        var csv = FunnelQuery.PeopleCsv([
            new FunnelPerson("=HYPERLINK(1)", DateTimeOffset.UnixEpoch.AddSeconds(1.5), null),
            new FunnelPerson("a,b", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1)),
        ]);
        csv.ShouldBe(
            "customer,reached_at_utc,next_step_at_utc\r\n" +
            "'=HYPERLINK(1),1970-01-01T00:00:01.500000Z,\r\n" +
            "\"a,b\",1970-01-01T00:00:00.000000Z,1970-01-02T00:00:00.000000Z\r\n");
    }
}
