using Shouldly;
using Trailmap.Analytics.Funnels;
using Xunit;

namespace Trailmap.Events.Tests.Identity;

/// <summary>
/// Segment's identify and alias join histories in what the store loads, whatever order the messages arrive in. The
/// expected counts are worked out by hand from the messages.
/// </summary>
public class IdentityMergeTests
{
    // Three anonymous visitors view the home page; two of them sign up, identified by identify calls that carry
    // both ids, and their sign-ups are tracked under the user id alone.
    private static readonly string[] Views =
    [
        """{"type":"page","anonymousId":"a1","name":"Home","messageId":"p1","timestamp":"2024-03-01T10:00:00Z"}""",
        """{"type":"page","anonymousId":"a2","name":"Home","messageId":"p2","timestamp":"2024-03-01T11:00:00Z"}""",
        """{"type":"page","anonymousId":"a3","name":"Home","messageId":"p3","timestamp":"2024-03-01T12:00:00Z"}""",
    ];

    private static readonly string[] Identifies =
    [
        """{"type":"identify","anonymousId":"a1","userId":"u1","traits":{"email":"u1@example.test"},"messageId":"i1","timestamp":"2024-03-01T10:05:00Z"}""",
        """{"type":"identify","anonymousId":"a2","userId":"u2","messageId":"i2","timestamp":"2024-03-01T11:05:00Z"}""",
    ];

    private static readonly string[] SignUps =
    [
        """{"type":"track","userId":"u1","event":"Signed Up","messageId":"s1","timestamp":"2024-03-01T10:06:00Z"}""",
        """{"type":"track","userId":"u2","event":"Signed Up","messageId":"s2","timestamp":"2024-03-01T11:06:00Z"}""",
    ];

    private static readonly FunnelSpec ViewThenSignUp = new()
    {
        Steps = [new FunnelStep("Viewed Home Page"), new FunnelStep("Signed Up")],
        Window = Trailmap.Journeys.Model.Duration.Parse("14d"),
    };

    private static long[] Funnel(EventStore store) =>
        [.. FunnelEngine.Run(store.LoadEventLog(), ViewThenSignUp).Steps.Select(s => s.Customers)];

    [Fact]
    public void the_issues_example_counts_three_viewers_and_two_sign_ups()
    {
        using var dir = new TempDir();
        dir.Import(null, dir.Write("s.jsonl", string.Join("\n", [.. Views, .. Identifies, .. SignUps])));

        Funnel(dir.Store).ShouldBe([3, 2]);
    }

    [Fact]
    public void a_merge_that_arrives_after_the_events_applies_to_them_retroactively()
    {
        using var dir = new TempDir();
        dir.Import(null, dir.Write("events.jsonl", string.Join("\n", [.. Views, .. SignUps])));
        Funnel(dir.Store).ShouldBe([3, 0]);

        dir.Import(null, dir.Write("identifies.jsonl", string.Join("\n", Identifies)));

        Funnel(dir.Store).ShouldBe([3, 2]);
    }

    [Fact]
    public void events_of_an_anonymous_id_that_arrive_after_its_merge_join_the_person()
    {
        using var dir = new TempDir();
        dir.Import(null, dir.Write("first.jsonl", string.Join("\n", [.. Identifies, .. SignUps])));
        dir.Import(null, dir.Write("later.jsonl", string.Join("\n", Views)));

        Funnel(dir.Store).ShouldBe([3, 2]);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3, 4, 5, 6 })]
    [InlineData(new[] { 6, 5, 4, 3, 2, 1, 0 })]
    [InlineData(new[] { 3, 5, 0, 6, 1, 4, 2 })]
    [InlineData(new[] { 4, 3, 6, 5, 2, 1, 0 })]
    public void every_arrival_order_one_message_per_import_gives_the_same_funnel(int[] order)
    {
        string[] messages = [.. Views, .. Identifies, .. SignUps];
        using var dir = new TempDir();
        for (var i = 0; i < order.Length; i++)
        {
            dir.Import(null, dir.Write($"m{i}.jsonl", messages[order[i]]));
        }

        Funnel(dir.Store).ShouldBe([3, 2]);
        dir.Store.PersonOf("a1").ShouldBe("u1");
        dir.Store.PersonOf("a3").ShouldBe("a3");
    }

    [Fact]
    public void an_alias_chain_joins_three_ids_and_a_repeated_file_changes_nothing()
    {
        using var dir = new TempDir();
        var file = dir.Write("chain.jsonl", """
            {"type":"track","anonymousId":"anon","event":"Viewed Pricing","messageId":"e1","timestamp":"2024-03-01T09:00:00Z"}
            {"type":"identify","anonymousId":"anon","userId":"old@example.test","messageId":"l1","timestamp":"2024-03-01T09:10:00Z"}
            {"type":"track","userId":"old@example.test","event":"Signed Up","messageId":"e2","timestamp":"2024-03-01T09:11:00Z"}
            {"type":"alias","previousId":"old@example.test","userId":"42","messageId":"l2","timestamp":"2024-03-02T09:00:00Z"}
            {"type":"track","userId":"42","event":"Subscribed","messageId":"e3","timestamp":"2024-03-03T09:00:00Z"}
            {"type":"alias","previousId":"42","userId":"anon","messageId":"l3","timestamp":"2024-03-04T09:00:00Z"}
            """);
        dir.Import(null, file);
        dir.Import(null, file);

        // anon -> old -> 42; the last alias would close a cycle and is a no-op. One person, 42, with three events.
        var log = dir.Store.LoadEventLog();
        log.CustomerCount.ShouldBe(1);
        dir.Events().Select(e => (e.CustomerId, e.Event)).ShouldBe([("42", "Viewed Pricing"), ("42", "Signed Up"), ("42", "Subscribed")]);
        dir.Store.IdsOf("42").ShouldBe(["42", "anon", "old@example.test"]);
        var funnel = FunnelEngine.Run(log, new FunnelSpec
        {
            Steps = [new FunnelStep("Viewed Pricing"), new FunnelStep("Signed Up"), new FunnelStep("Subscribed")],
            Window = Trailmap.Journeys.Model.Duration.Parse("14d"),
        });
        funnel.Steps.Select(s => s.Customers).ShouldBe([1L, 1L, 1L]);
        dir.Store.Summary().Customers.ShouldBe(1);
    }

    [Fact]
    public void the_timeline_of_a_person_holds_the_events_of_every_id_with_the_id_each_was_sent_with()
    {
        using var dir = new TempDir();
        dir.Import(null, dir.Write("s.jsonl", string.Join("\n", [.. Views, .. Identifies, .. SignUps])));

        dir.Store.ReadCustomer("u1", 10).Select(e => (e.CustomerId, e.Event)).ShouldBe([("a1", "Viewed Home Page"), ("u1", "Signed Up")]);
        dir.Store.IdsOf("u1").ShouldBe(["u1", "a1"]);
        dir.Store.IdsOf("a3").ShouldBe(["a3"]);
    }

    [Fact]
    public void traits_sent_while_anonymous_join_the_persons_and_the_users_own_win()
    {
        using var dir = new TempDir();
        dir.Import(null, dir.Write("t.jsonl", """
            {"type":"identify","anonymousId":"a9","traits":{"utm_source":"ad","plan":"free"},"messageId":"t1","timestamp":"2024-03-01T09:00:00Z"}
            {"type":"identify","userId":"u9","traits":{"plan":"team","email":"u9@example.test"},"messageId":"t2","timestamp":"2024-03-01T09:05:00Z"}
            """));
        dir.Store.ReadTraits().Select(t => t.CustomerId).ShouldBe(["a9", "u9"]);

        dir.Import(null, dir.Write("link.jsonl", """{"type":"identify","anonymousId":"a9","userId":"u9","messageId":"t3","timestamp":"2024-03-01T09:06:00Z"}"""));

        var traits = dir.Store.ReadTraits().ShouldHaveSingleItem();
        traits.CustomerId.ShouldBe("u9");
        traits.Traits.ShouldBe("""{"utm_source":"ad","plan":"team","email":"u9@example.test"}""");
    }

    [Fact]
    public void a_link_without_a_timestamp_is_rejected_at_its_line_and_merges_nothing()
    {
        using var dir = new TempDir();
        var summary = dir.Import(null, dir.Write("n.jsonl", string.Join("\n",
            """{"type":"track","anonymousId":"a1","event":"A","messageId":"e1","timestamp":"2024-03-01T09:00:00Z"}""",
            """{"type":"identify","anonymousId":"a1","userId":"u1","messageId":"l1"}""",
            """{"type":"alias","previousId":"a1","userId":"u1","messageId":"l2","timestamp":"yesterday"}""",
            """{"type":"alias","userId":"u1","messageId":"l3","timestamp":"2024-03-01T09:00:00Z"}""")));

        summary.Rejects.Select(r => (r.Line, r.Reason)).ShouldBe([
            (4L, "alias needs both a userId (the new id) and a previousId (the id the customer had before)"),
            (2L, "identify without a timestamp: the ids are not merged; give the message a timestamp"),
            (3L, "alias with an unusable timestamp \"yesterday\": the ids are not merged; correct the timestamp"),
        ]);
        dir.Store.PersonOf("a1").ShouldBe("a1");
        dir.Events().ShouldHaveSingleItem().CustomerId.ShouldBe("a1");
    }

    [Fact]
    public void a_log_extended_with_what_landed_since_groups_new_events_of_a_merged_id_under_the_person()
    {
        using var dir = new TempDir();
        dir.Import(null, dir.Write("s.jsonl", string.Join("\n", [.. Views, .. Identifies, .. SignUps])));
        var mark = dir.Store.MaxSequence();

        dir.Import(null, dir.Write("more.jsonl", """{"type":"track","anonymousId":"a2","event":"Invited","messageId":"x1","timestamp":"2024-03-02T00:00:00Z"}"""));

        var delta = dir.Store.LoadEventLog(new EventLogQuery { AfterSequence = mark });
        delta.CustomerCount.ShouldBe(1);
        delta.Customers.ShouldBe(["u2"]);
    }
}
