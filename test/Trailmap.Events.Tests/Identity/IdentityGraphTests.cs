using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Identity;

/// <summary>The merge rules of docs/identity.md on links alone, every expectation worked out by hand.</summary>
public class IdentityGraphTests
{
    private static readonly DateTime T0 = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static IdentityLink Identify(string anonymous, string user, int minute, string id) =>
        new(anonymous, user, IdentityLinkKind.Identify, T0.AddMinutes(minute), id);

    private static IdentityLink Alias(string previous, string user, int minute, string id) =>
        new(previous, user, IdentityLinkKind.Alias, T0.AddMinutes(minute), id);

    [Fact]
    public void an_identify_puts_the_anonymous_id_in_the_users_person()
    {
        IdentityGraph.Resolve([Identify("a1", "u1", 0, "m1")]).ShouldBe(new Dictionary<string, string> { ["a1"] = "u1" });
    }

    [Fact]
    public void chains_resolve_transitively_to_the_last_user_id()
    {
        // a1 -> u1 (identify), then u1 is aliased to u2, then a2 is identified as u2: all four are u2.
        var persons = IdentityGraph.Resolve([Identify("a1", "u1", 0, "m1"), Alias("u1", "u2", 1, "m2"), Identify("a2", "u2", 2, "m3")]);

        persons.ShouldBe(new Dictionary<string, string> { ["a1"] = "u2", ["u1"] = "u2", ["a2"] = "u2" }, ignoreOrder: true);
    }

    [Fact]
    public void an_alias_back_to_an_earlier_id_forms_no_cycle()
    {
        // x -> y first; y -> x then joins two ids that already are one person and changes nothing.
        IdentityGraph.Resolve([Alias("x", "y", 0, "m1"), Alias("y", "x", 1, "m2")])
            .ShouldBe(new Dictionary<string, string> { ["x"] = "y" });
        IdentityGraph.Resolve([Alias("x", "y", 0, "m1"), Alias("y", "z", 1, "m2"), Alias("z", "x", 2, "m3")])
            .ShouldBe(new Dictionary<string, string> { ["x"] = "z", ["y"] = "z" }, ignoreOrder: true);
    }

    [Fact]
    public void a_shared_device_does_not_fuse_two_signed_up_people()
    {
        // The device's anonymous id was identified as u1 first: a later identify as u2 merges nothing.
        IdentityGraph.Resolve([Identify("a", "u2", 5, "m2"), Identify("a", "u1", 1, "m1")])
            .ShouldBe(new Dictionary<string, string> { ["a"] = "u1" });
    }

    [Fact]
    public void an_alias_merges_even_an_identified_person()
    {
        // u1 (with a) is aliased to u2: the explicit call merges them, unlike an identify.
        IdentityGraph.Resolve([Identify("a", "u1", 0, "m1"), Alias("u1", "u2", 1, "m2")])
            .ShouldBe(new Dictionary<string, string> { ["a"] = "u2", ["u1"] = "u2" }, ignoreOrder: true);
    }

    [Fact]
    public void every_arrival_order_of_the_same_links_gives_the_same_persons()
    {
        IdentityLink[] links =
        [
            Identify("a1", "u1", 0, "m1"), Identify("a1", "u2", 1, "m2"), Alias("u1", "u3", 2, "m3"),
            Identify("a2", "u3", 3, "m4"), Alias("u3", "a1", 4, "m5"),
        ];

        // By hand, in time order: a1->u1; a1->u2 skipped (a1's person is identified); u1->u3 (a1, u1 in u3);
        // a2->u3; u3->a1 joins one person with itself. Persons: a1, u1, a2 -> u3; u2 alone.
        var expected = new Dictionary<string, string> { ["a1"] = "u3", ["u1"] = "u3", ["a2"] = "u3" };
        foreach (var order in Permutations(links))
        {
            IdentityGraph.Resolve(order).ShouldBe(expected, ignoreOrder: true);
        }
    }

    private static IEnumerable<IdentityLink[]> Permutations(IdentityLink[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, k) => k != i).ToArray();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }
}
