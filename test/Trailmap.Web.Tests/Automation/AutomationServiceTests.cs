using Microsoft.Extensions.Time.Testing;
using Trailmap.Automation.Running;
using Trailmap.Delivery;
using Trailmap.Events;
using Trailmap.Web.Analysis;
using Trailmap.Web.Automation;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Automation;

/// <summary>The server runs the saved journeys' rules by itself: after an import, and by the clock.</summary>
public sealed class AutomationServiceTests
{
    private const string Journey = """
        id: welcome
        title: Welcome
        stages:
          - { id: signup, name: Sign up, entry: Signed Up }
        interventions:
          - id: welcome-note
            name: Welcome note
            when: { event: Signed Up }
            then: { channel: in-app, message: "Welcome aboard" }
        """;

    [Fact]
    public async Task An_import_triggers_a_pass_and_the_in_app_message_is_delivered_without_anyone_asking()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        using var factory = new WorkspaceFactory(o => o with { Time = clock });
        factory.Service<JourneyStore>().Create(Journey, "admin@example.test"); // starts the host and its hosted services
        var runner = factory.Service<AutomationRunner>();
        // A saved journey is picked up by the next pass: at the latest a minute later by the workspace's clock.
        clock.Advance(AutomationService.Interval);
        await WaitAsync(() => runner.Rules().Single().ActiveSince is not null, ct);
        // Active from the save (09:00), not from the pass that first saw it (09:01): nothing in between is lost.
        runner.Rules().Single().ActiveSince.ShouldBe(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

        // A sign-up 10 minutes after the rule was activated, imported as the Data page would; the clock moves past it.
        var file = Path.Combine(factory.Dir, "signups.csv");
        await File.WriteAllTextAsync(file, "customer_id,event,timestamp\nc1,Signed Up,2026-03-02T09:10:00Z\n", ct);
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 9, 20, 0, TimeSpan.Zero));
        var data = factory.Service<EventData>();
        await data.UseAsync(s => EventImporter.Import(s, [file]), ct);
        data.Changed();

        var inbox = new InAppQueue(factory.Service<Outbox>());
        await WaitAsync(() => inbox.Pending("c1").Count == 1, ct);
        inbox.Pending("c1").Single().Message.ShouldBe("Welcome aboard");
        factory.Service<AutomationService>().Status().MissingChannels.Keys.ShouldBe(
            [Trailmap.Journeys.Model.ActionChannel.Email, Trailmap.Journeys.Model.ActionChannel.Webhook, Trailmap.Journeys.Model.ActionChannel.Slack], ignoreOrder: true);

        // Pausing through the runner the pages use holds the rule in the outbox too.
        factory.Service<AutomationRunner>().Pause("welcome", "welcome-note", "admin@example.test").ShouldBeTrue();
        factory.Service<Outbox>().PausedRules().Single().RuleId.ShouldBe("welcome/welcome-note");
    }

    [Fact]
    public async Task The_rules_read_the_measurement_the_pages_made_of_the_same_events()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        using var factory = new WorkspaceFactory(o => o with { Time = clock });
        var journeys = factory.Service<JourneyStore>();
        var stored = journeys.Create("""
            id: board
            title: Board
            stages:
              - { id: signup, name: Sign up, entry: Signed Up }
              - { id: activate, name: Activate, entry: Board Shared }
            interventions:
              - id: first-board
                name: First board
                when: { entered_stage: activate }
                then: { channel: in-app, message: "Nice board" }
            """, "admin@example.test");
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 9, 20, 0, TimeSpan.Zero));
        var data = factory.Service<EventData>();
        var runner = factory.Service<AutomationRunner>();
        var analysis = factory.Service<AnalysisService>();
        await ImportAsync("c1,Signed Up,2026-03-02T09:05:00Z\nc2,Signed Up,2026-03-02T09:11:00Z\n");
        // A pass now makes sure a sweep started at 09:20: until the clock moves a minute on, passes (the server's
        // own included) evaluate only the customers who changed, and no sweep loads or measures a log.
        await runner.RunOnceAsync(ct);

        await ImportAsync("c1,Board Shared,2026-03-02T09:10:00Z\n");
        // The journey page's measurement of these events.
        var page = await analysis.MeasureAsync(stored, journeys.Latest(stored), ct);
        page.Measurement.Level(Array.IndexOf(page.Log.Customers, "c1")).ShouldBe(2);

        // The next sweep reads the same events: it takes the page's measurement rather than measuring again.
        var before = runner.MeasurementsUsed;
        clock.Advance(AutomationRunner.FullPassInterval);
        await runner.RunOnceAsync(ct); // or the server's own pass, whichever comes first, sweeps
        runner.MeasurementsUsed.ShouldBe(before with { Shared = before.Shared + 1 });
        await WaitAsync(() => new InAppQueue(factory.Service<Outbox>()).Pending("c1").Count == 1, ct);

        async Task ImportAsync(string rows)
        {
            var file = Path.Combine(factory.Dir, $"events-{data.Version}.csv");
            await File.WriteAllTextAsync(file, "customer_id,event,timestamp\n" + rows, ct);
            await data.UseAsync(s => EventImporter.Import(s, [file]), ct);
            data.Changed();
        }
    }

    private static async Task WaitAsync(Func<bool> condition, CancellationToken ct)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(100, ct);
        }

        condition().ShouldBeTrue("timed out after 20 s");
    }
}
