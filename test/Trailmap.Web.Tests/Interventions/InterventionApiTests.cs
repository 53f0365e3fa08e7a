using System.Net;
using System.Text.Json;
using Trailmap.Delivery;
using Trailmap.Web.ApiKeys;

namespace Trailmap.Web.Tests.Interventions;

/// <summary>The automation API over <see cref="TrialData"/>, with messages put through the real outbox and channels.</summary>
public sealed class InterventionApiTests : TrialWorkspaceTests
{
    private HttpClient reader = null!;
    private HttpClient admin = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        reader = Factory.WithKey(ApiKeyKind.Read, out _);
        admin = Factory.WithKey(ApiKeyKind.Admin, out _);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        response.StatusCode.ShouldBe(status, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static long[] Counts(JsonElement rule)
    {
        var o = rule.GetProperty("outbox");
        return [.. new[] { "pending", "sending", "sent", "dead", "suppressed" }.Select(s => o.GetProperty(s).GetInt64())];
    }

    [Fact]
    public async Task Interventions_list_state_and_outbox_counts_and_pause_and_resume_by_role()
    {
        var outbox = Factory.Service<Outbox>();
        Factory.Service<SuppressionList>().Suppress("alice@example.com", "test");
        outbox.EnqueueMany(
        [
            TrialData.Message("nudge", "c1", "event-1", TrialData.InApp("Upgrade today")),   // sent to the in-app queue
            TrialData.Message("nudge", "c2", "event-1", TrialData.InApp(null)),               // no message: dead
            TrialData.Message("welcome", "c3", "event-1", TrialData.Email("Welcome"), new() { ["customer.email"] = "alice@example.com" }), // suppressed
            TrialData.Message("welcome", "c4", "event-1", TrialData.Email("Welcome"), new() { ["customer.email"] = "bob@example.com" }) with { DueAt = TrialData.Now.AddDays(1) }, // not due: pending
        ]);
        var summary = await TrialData.DispatchAsync(Factory, Cancel);
        (summary.Sent, summary.Dead, summary.Suppressed).ShouldBe((1, 1, 1));

        var rules = await JsonAsync(await reader.GetAsync("/api/journeys/trial/interventions", Cancel));
        rules.EnumerateArray().Select(r => r.GetProperty("id").GetString()).ShouldBe(["nudge", "welcome", "tell-csm"]);
        var nudge = rules[0];
        (nudge.GetProperty("kind").GetString(), nudge.GetProperty("stage").GetString(), nudge.GetProperty("state").GetString()).ShouldBe(("intervention", "trial", "active"));
        nudge.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).ShouldBe(["in-app"]);
        nudge.GetProperty("holdout").GetDouble().ShouldBe(0.5);
        nudge.GetProperty("goal").GetString().ShouldBe("Paid");
        // pending, sending, sent, dead, suppressed
        Counts(nudge).ShouldBe([0L, 0L, 1L, 1L, 0L]);
        Counts(rules[1]).ShouldBe([1L, 0L, 0L, 0L, 1L]);
        Counts(rules[2]).ShouldBe([0L, 0L, 0L, 0L, 0L]);
        rules[2].TryGetProperty("goal", out _).ShouldBeFalse();

        // A read key reads but does not pause.
        (await reader.PostAsync("/api/journeys/trial/interventions/nudge/pause", null, Cancel)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        outbox.PausedRules().ShouldBeEmpty();

        var paused = await JsonAsync(await admin.PostAsync("/api/journeys/trial/interventions/nudge/pause", null, Cancel));
        (paused.GetProperty("state").GetString(), paused.GetProperty("changed").GetBoolean()).ShouldBe(("paused", true));
        paused.GetProperty("paused_since").GetDateTimeOffset().ShouldBe(TrialData.Now);
        outbox.PausedRules().Select(p => p.RuleId).ShouldBe(["trial/nudge"]);
        (await JsonAsync(await admin.PostAsync("/api/journeys/trial/interventions/nudge/pause", null, Cancel))).GetProperty("changed").GetBoolean().ShouldBeFalse();

        var listed = await JsonAsync(await reader.GetAsync("/api/journeys/trial/interventions", Cancel));
        listed[0].GetProperty("state").GetString().ShouldBe("paused");
        listed[0].GetProperty("paused_since").GetDateTimeOffset().ShouldBe(TrialData.Now);
        listed[1].GetProperty("state").GetString().ShouldBe("active");

        var resumed = await JsonAsync(await admin.PostAsync("/api/journeys/trial/interventions/nudge/resume", null, Cancel));
        (resumed.GetProperty("state").GetString(), resumed.GetProperty("changed").GetBoolean()).ShouldBe(("active", true));
        outbox.PausedRules().ShouldBeEmpty();
        (await JsonAsync(await admin.PostAsync("/api/journeys/trial/interventions/nudge/resume", null, Cancel))).GetProperty("changed").GetBoolean().ShouldBeFalse();

        var unknown = await JsonAsync(await admin.PostAsync("/api/journeys/trial/interventions/nope/pause", null, Cancel), HttpStatusCode.NotFound);
        unknown.GetProperty("detail").GetString()!.ShouldContain("no intervention or sequence \"nope\"");
        outbox.PausedRules().ShouldBeEmpty();
        await JsonAsync(await reader.GetAsync("/api/journeys/gone/interventions", Cancel), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Two_journeys_from_one_template_each_show_and_pause_their_own_copy_of_a_rule()
    {
        var outbox = Factory.Service<Outbox>();
        // The same YAML again, as creating a journey from a template already in use does: slug trial-2, same rule ids.
        Factory.Service<Trailmap.Web.Journeys.JourneyStore>().Create(TrialData.Journey, "test").Slug.ShouldBe("trial-2");
        outbox.Enqueue(TrialData.Message("nudge", "c1", "event-1", TrialData.InApp("Upgrade today")) with { DueAt = TrialData.Now.AddDays(1) });

        var paused = await JsonAsync(await admin.PostAsync("/api/journeys/trial-2/interventions/nudge/pause", null, Cancel));
        (paused.GetProperty("state").GetString(), paused.GetProperty("changed").GetBoolean()).ShouldBe(("paused", true));

        // Only the copy is paused, in the runner and in the outbox; the original's message is not held.
        outbox.PausedRules().Select(p => p.RuleId).ShouldBe(["trial-2/nudge"]);
        var original = (await JsonAsync(await reader.GetAsync("/api/journeys/trial/interventions", Cancel))).EnumerateArray().First(r => r.GetProperty("id").GetString() == "nudge");
        var copy = (await JsonAsync(await reader.GetAsync("/api/journeys/trial-2/interventions", Cancel))).EnumerateArray().First(r => r.GetProperty("id").GetString() == "nudge");
        original.GetProperty("state").GetString().ShouldBe("active");
        copy.GetProperty("state").GetString().ShouldBe("paused");
        // Each copy counts its own messages: the pending one is the original's.
        Counts(original).ShouldBe([1L, 0L, 0L, 0L, 0L]);
        Counts(copy).ShouldBe([0L, 0L, 0L, 0L, 0L]);
    }

    [Fact]
    public async Task Dead_letters_are_listed_with_their_reason_and_requeued_by_editors_only()
    {
        var outbox = Factory.Service<Outbox>();
        // A sequence step's key holds a '/', which the path carries as %2F.
        const string stepKey = "trial/nudge:c7:entered-20260101T000000.000000Z/step-2";
        outbox.EnqueueMany(
        [
            TrialData.Message("nudge", "c2", "event-1", TrialData.InApp(null)),
            TrialData.Message("nudge", "c7", "entered-20260101T000000.000000Z/step-2", TrialData.InApp(null)),
        ]);
        (await TrialData.DispatchAsync(Factory, Cancel)).Dead.ShouldBe(2);

        var dead = await JsonAsync(await reader.GetAsync("/api/dead-letters", Cancel));
        dead.GetArrayLength().ShouldBe(2);
        var step = dead.EnumerateArray().Single(d => d.GetProperty("key").GetString() == stepKey);
        (step.GetProperty("rule").GetString(), step.GetProperty("customer").GetString(), step.GetProperty("channel").GetString()).ShouldBe(("nudge", "c7", "in-app"));
        step.GetProperty("journey").GetString().ShouldBe("trial");
        step.GetProperty("attempts").GetInt32().ShouldBe(1);
        // InAppChannel's reason for an action without text, as the dispatcher records a permanent failure.
        step.GetProperty("last_error").GetString().ShouldBe("permanent failure: rule trial/nudge: the in-app action has no message");
        step.GetProperty("finished_at").GetDateTimeOffset().ShouldBe(TrialData.Now);

        var path = "/api/dead-letters/" + Uri.EscapeDataString(stepKey) + "/requeue";
        (await reader.PostAsync(path, null, Cancel)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        outbox.Get(stepKey)!.State.ShouldBe(OutboxState.Dead);

        var requeued = await JsonAsync(await admin.PostAsync(path, null, Cancel));
        requeued.GetProperty("key").GetString().ShouldBe(stepKey);
        requeued.GetProperty("attempts").GetInt32().ShouldBe(0);
        outbox.Get(stepKey)!.State.ShouldBe(OutboxState.Pending);
        (await JsonAsync(await reader.GetAsync("/api/dead-letters", Cancel))).EnumerateArray().Select(d => d.GetProperty("key").GetString()).ShouldBe(["trial/nudge:c2:event-1"]);

        await JsonAsync(await admin.PostAsync(path, null, Cancel), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task In_app_messages_are_served_to_a_read_key_and_marked_read_once()
    {
        const string key = "trial/nudge:c5:entered-20260101T000000.000000Z/step-1";
        Factory.Service<Outbox>().EnqueueMany(
        [
            TrialData.Message("nudge", "c5", "entered-20260101T000000.000000Z/step-1", TrialData.InApp("Upgrade today <b>now</b>") with { Subject = "Your trial" }),
            TrialData.Message("nudge", "c6", "event-1", TrialData.InApp("Another customer's")),
        ]);
        (await TrialData.DispatchAsync(Factory, Cancel)).Sent.ShouldBe(2);

        var messages = await JsonAsync(await reader.GetAsync("/api/customers/c5/messages", Cancel));
        var m = messages.EnumerateArray().ShouldHaveSingleItem();
        (m.GetProperty("id").GetString(), m.GetProperty("rule").GetString()).ShouldBe((key, "nudge"));
        // Plain text as the rule wrote it: the API does not escape, whoever shows it does.
        (m.GetProperty("subject").GetString(), m.GetProperty("message").GetString()).ShouldBe(("Your trial", "Upgrade today <b>now</b>"));
        m.GetProperty("created_at").GetDateTimeOffset().ShouldBe(TrialData.Now);

        using var ingest = Factory.WithKey(ApiKeyKind.Ingest, out _);
        (await ingest.GetAsync("/api/customers/c5/messages", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var read = "/messages/" + Uri.EscapeDataString(key) + "/read";
        // Another customer's path cannot mark c5's message.
        await JsonAsync(await reader.PostAsync("/api/customers/c6" + read, null, Cancel), HttpStatusCode.NotFound);
        (await reader.GetAsync("/api/customers/c5/messages", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await JsonAsync(await reader.GetAsync("/api/customers/c5/messages", Cancel))).GetArrayLength().ShouldBe(1);

        var marked = await reader.PostAsync("/api/customers/c5" + read, null, Cancel);
        marked.StatusCode.ShouldBe(HttpStatusCode.NoContent, await marked.Content.ReadAsStringAsync(Cancel));
        (await JsonAsync(await reader.GetAsync("/api/customers/c5/messages", Cancel))).GetArrayLength().ShouldBe(0);
        (await JsonAsync(await reader.GetAsync("/api/customers/c6/messages", Cancel))).GetArrayLength().ShouldBe(1);
        await JsonAsync(await reader.PostAsync("/api/customers/c5" + read, null, Cancel), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_automation_endpoints_are_in_the_OpenAPI_document_in_the_wire_style()
    {
        var doc = await JsonAsync(await Factory.Anonymous().GetAsync("/openapi/v1.json", Cancel));
        var paths = doc.GetProperty("paths");
        foreach (var path in new[]
        {
            "/api/journeys/{slug}/interventions", "/api/journeys/{slug}/lift", "/api/journeys/{slug}/interventions/{rule}/pause",
            "/api/journeys/{slug}/interventions/{rule}/resume", "/api/dead-letters", "/api/dead-letters/{key}/requeue",
            "/api/customers/{customerId}/messages", "/api/customers/{customerId}/messages/{id}/read",
        })
        {
            paths.TryGetProperty(path, out _).ShouldBeTrue(path);
        }

        paths.TryGetProperty("/unsubscribe", out _).ShouldBeFalse("the unsubscribe link is a page, not API");
        var lift = doc.GetProperty("components").GetProperty("schemas").GetProperty("LiftInfo").GetProperty("properties");
        lift.TryGetProperty("held_out_converted", out _).ShouldBeTrue();
        lift.TryGetProperty("ci_low", out _).ShouldBeTrue();
    }
}
