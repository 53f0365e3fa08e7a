using Trailmap.Discovery.Discover;
using Trailmap.Journeys;
using Trailmap.Journeys.Generation;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Templates;
using Trailmap.Journeys.Validation;
using Trailmap.Testing;

namespace Trailmap.Discovery.Tests.Discover;

public sealed class JourneyDiscovererTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Stages_follow_the_order_customers_reach_events_in_and_everyday_events_stay_out()
    {
        // Three customers go A -> B -> C; a 'Login' happens before A for one, between A and B for one, after C for one.
        // A -> B takes 1h, 2h, 3h and B -> C 1d, 2d, 3d: the 95th percentile (nearest rank of 3) is the third.
        var events = new List<NaiveEvent>();
        var login = new[] { TimeSpan.FromHours(-1), TimeSpan.FromMinutes(30), TimeSpan.FromDays(10) };
        for (var c = 0; c < 3; c++)
        {
            var id = $"c{c}";
            var b = T0.AddHours(c + 1);
            events.Add(new NaiveEvent(id, "A", T0, events.Count));
            events.Add(new NaiveEvent(id, "B", b, events.Count));
            events.Add(new NaiveEvent(id, "C", b.AddDays(c + 1), events.Count));
            events.Add(new NaiveEvent(id, "Login", T0 + login[c], events.Count));
        }

        var found = JourneyDiscoverer.Discover(NaiveLog.ToLog(events), new DiscoveryOptions { MinCustomers = 1 });

        found.Stages.Select(s => s.Event).ShouldBe(["A", "B", "C"]);
        found.Stages.Select(s => s.Reached).ShouldBe([3L, 3L, 3L]);
        found.Stages[1].FromPrevious!.MedianSeconds.ShouldBe(2 * 3600);
        found.Stages[2].FromPrevious!.P95Seconds.ShouldBe(3 * 86400);
        found.Journey.Window!.Value.Text.ShouldBe("3d");
        found.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty();
        found.Basis.Customers.ShouldBe(3);
        found.Basis.Events.ShouldBe(12);
    }

    [Fact]
    public void The_first_two_kpis_measure_different_things()
    {
        // Four customers go A -> B, one of them twice; a fifth only reaches A. The A -> B step is the second stage's
        // conversion (4 of 5); the first stage's KPI is its own volume: 6 A events, target 10% more, 6.6 rounded up to 7.
        var events = new List<NaiveEvent>();
        for (var c = 0; c < 5; c++)
        {
            var id = $"c{c}";
            events.Add(new NaiveEvent(id, "A", T0.AddMinutes(c), events.Count));
            if (c < 4)
            {
                events.Add(new NaiveEvent(id, "B", T0.AddMinutes(c + 10), events.Count));
            }
        }

        events.Add(new NaiveEvent("c0", "A", T0.AddMinutes(20), events.Count));

        var found = JourneyDiscoverer.Discover(NaiveLog.ToLog(events), new DiscoveryOptions { MinCustomers = 1 });

        found.Stages.Select(s => s.Event).ShouldBe(["A", "B"]);
        var first = found.Journey.Stages[0].Kpis.ShouldHaveSingleItem();
        (first.Id, first.Type, first.Event!.Event, first.Target!.Text).ShouldBe(("a-volume", MetricType.Count, "A", ">= 7"));
        found.Baselines["a-volume"]!.Value.ShouldBe(6.0);
        var second = found.Journey.Stages[1].Kpis.ShouldHaveSingleItem();
        (second.Type, second.From, second.To).ShouldBe((MetricType.Conversion, "a", "b"));
        found.Baselines["b-conversion"]!.Value.ShouldBe(0.8, 1e-12);

        // No two stage KPIs measure the same step from one stage's customers to another's event.
        var steps = found.Journey.Stages.SelectMany(s => s.Kpis).Select(k => k.Type switch
        {
            MetricType.Conversion => $"{k.From}->{k.To}",
            MetricType.Rate => $"{k.Of ?? found.Journey.Stages[0].Id}->{found.Journey.Stages.FirstOrDefault(s => s.Entry?.Event == k.Event?.Event)?.Id}",
            _ => k.Id,
        }).ToList();
        steps.ShouldBeUnique();
        found.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty(found.Yaml);
    }

    [Fact]
    public void Moments_and_personas_carry_the_counts_behind_them()
    {
        // 40 customers visit; 20 book a demo, and 15 of those buy, against 5 of the 20 without a demo. Half the demos
        // come an hour before the visit and half an hour after, so Demo has no consistent order with Visit and is no
        // stage: the stages are Visit -> Buy, and Visit is the anchor. Every buyer buys 2 days after the visit, so the
        // deadline (the median time from the anchor to the last stage) is 2d. Demo takers are on plan 'team', the
        // rest on 'free'.
        var events = new List<NaiveEvent>();
        var traits = new Dictionary<string, IReadOnlyDictionary<string, object?>>();
        for (var c = 0; c < 40; c++)
        {
            var id = $"c{c:00}";
            var demo = c < 20;
            var buys = demo ? c < 15 : c < 25;
            var at = T0.AddMinutes(c);
            events.Add(new NaiveEvent(id, "Visit", at, events.Count));
            if (demo)
            {
                events.Add(new NaiveEvent(id, "Demo", at.AddHours(c % 2 == 0 ? -1 : 1), events.Count));
            }

            if (buys)
            {
                events.Add(new NaiveEvent(id, "Buy", at.AddDays(2), events.Count));
            }

            traits[id] = new Dictionary<string, object?> { ["plan"] = demo ? "team" : "free", ["email"] = $"{id}@example.com" };
        }

        var found = JourneyDiscoverer.Discover(NaiveLog.ToLog(events, traits), new DiscoveryOptions { MinCustomers = 5 });

        found.Stages.Select(s => s.Event).ShouldBe(["Visit", "Buy"]);
        var moment = found.Moments.ShouldHaveSingleItem();
        (moment.Event, moment.Deadline.Text).ShouldBe(("Demo", "2d"));
        (moment.Exposed, moment.ExposedConverted, moment.Unexposed, moment.UnexposedConverted).ShouldBe((20L, 15L, 20L, 5L));
        moment.Lift.Estimate.ShouldBe(0.5, 1e-12); // 15/20 - 5/20
        moment.Lift.Low.ShouldBeGreaterThan(0);
        found.Journey.MomentsOfTruth.ShouldHaveSingleItem().Deadline!.Text.ShouldBe("within 2d of visit");

        // Both plans differ from the rest; emails have 40 values and are no segment.
        found.Personas.Select(p => p.Filter).ShouldBe(["plan == \"free\"", "plan == \"team\""], ignoreOrder: true);
        var team = found.Personas.Single(p => p.Value == "team");
        (team.Members, team.MembersConverted, team.Rest, team.RestConverted).ShouldBe((20L, 15L, 20L, 5L));
        found.Journey.Personas.Count.ShouldBe(2);
        found.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty();
    }

    [Fact]
    public void A_log_without_a_consistent_order_says_what_to_change()
    {
        var events = new List<NaiveEvent>
        {
            new("a", "X", T0, 0), new("a", "Y", T0.AddHours(1), 1),
            new("b", "Y", T0, 2), new("b", "X", T0.AddHours(1), 3),
        };

        var e = Should.Throw<DiscoveryException>(() => JourneyDiscoverer.Discover(NaiveLog.ToLog(events), new DiscoveryOptions { MinCustomers = 1 }));
        e.Message.ShouldContain("--consistency");
    }

    [Fact]
    public void Generated_saas_trial_history_gives_back_at_least_four_of_its_five_stages_in_order()
    {
        var template = JourneyFile.FromText(TemplateCatalog.ReadYaml("saas-trial")).Journey!;
        var truth = template.Stages.Select(s => s.Entry!.Event).ToList(); // Page Viewed, Signed Up, Task Created, Teammate Invited, Subscription Started
        var (events, traits) = NaiveLog.Generated(template, new GeneratorOptions { Customers = 20_000, Seed = 7 });

        var found = JourneyDiscoverer.Discover(NaiveLog.ToLog(events, traits));

        var discovered = found.Stages.Select(s => s.Event).ToList();
        var positions = truth.Select(e => discovered.IndexOf(e)).Where(i => i >= 0).ToList();
        positions.Count.ShouldBeGreaterThanOrEqualTo(4, $"discovered: {string.Join(" -> ", discovered)}");
        positions.ShouldBe(positions.Order().ToList(), $"true stages out of order in: {string.Join(" -> ", discovered)}");
        found.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty(found.Yaml);
        JourneyFile.FromText(found.Yaml).HasErrors.ShouldBeFalse();

        // Each stage conversion baseline is the two-step funnel within the journey's window, counted naively.
        var window = found.Journey.Window!.Value.Span;
        for (var s = 1; s < found.Stages.Count; s++)
        {
            var (n, x) = NaiveLog.Conversion(events, found.Stages[s - 1].Event, found.Stages[s].Event, window);
            found.Baselines[$"{found.Stages[s].Id}-conversion"]!.Value.ShouldBe((double)x / n, 1e-12, found.Stages[s].Event);
        }
    }

    [Fact]
    public void Rees46_gives_view_cart_purchase_with_counts_from_the_csv()
    {
        var file = Path.Combine(RepoPaths.SharedData, "rees46_oct2019_sample", "2019-Oct_first17k.csv");
        Assert.SkipUnless(File.Exists(file), $"the REES46 sample is not at {file}");
        var events = NaiveLog.ReadRees46(file);

        var found = JourneyDiscoverer.Discover(NaiveLog.ToLog(events));

        found.Stages.Select(s => s.Event).ShouldBe(["view", "cart", "purchase"]);
        foreach (var stage in found.Stages)
        {
            stage.Reached.ShouldBe(events.Where(e => e.Event == stage.Event).Select(e => e.Customer).Distinct().Count());
        }

        // Of the customers with both a cart and a purchase, the share whose first cart came before their first
        // purchase (a tie counts half): the evidence that cart comes before purchase.
        var first = events.GroupBy(e => (e.Customer, e.Event)).ToDictionary(g => g.Key, g => g.Min(e => e.At));
        var both = first.Keys.Where(k => k.Event == "cart" && first.ContainsKey((k.Customer, "purchase"))).Select(k => k.Customer).ToList();
        var before = both.Sum(c => first[(c, "cart")] < first[(c, "purchase")] ? 1.0 : first[(c, "cart")] == first[(c, "purchase")] ? 0.5 : 0);
        found.Stages[2].OrderCustomers.ShouldBe(both.Count);
        found.Stages[2].OrderConsistency!.Value.ShouldBe(before / both.Count, 1e-12);

        var window = found.Journey.Window!.Value.Span;
        var (n, x) = NaiveLog.Conversion(events, "cart", "purchase", window);
        found.Baselines["purchase-conversion"]!.Value.ShouldBe((double)x / n, 1e-12);
        var (n2, x2) = NaiveLog.Conversion(events, "view", "purchase", window);
        found.Baselines["end-to-end"]!.Value.ShouldBe((double)x2 / n2, 1e-12);
        found.Baselines["view-volume"]!.Value.ShouldBe(events.Count(e => e.Event == "view"));
        found.Journey.FindStage("purchase")!.Kpis.Single().Target!.Value.ShouldBe(Math.Round(Math.Min(1.1 * x / n, (x / (double)n) + ((1 - (x / (double)n)) / 2)) * 100, 1) / 100, 1e-9);
        found.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty(found.Yaml);
    }
}
