using System.Net;
using Trailmap.Delivery;
using Trailmap.Web.Accounts;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Interventions;

/// <summary>The interventions page and the dead-letters page: what members see, and forms that work without script.</summary>
public sealed class InterventionPagesTests : TrialWorkspaceTests
{
    [Fact]
    public async Task Editors_pause_and_resume_with_the_form_and_viewers_only_look()
    {
        var outbox = Factory.Service<Outbox>();
        outbox.Enqueue(TrialData.Message("nudge", "c1", "event-1", TrialData.InApp("Upgrade today")) with { DueAt = TrialData.Now.AddDays(1) });
        const string page = "/journeys/trial/interventions";

        using var viewer = await Factory.SignedInAsync(Role.Viewer, Cancel);
        var seen = await viewer.GetStringAsync(page, Cancel);
        seen.ShouldContain("Nudge to pay");
        seen.ShouldContain("<code>Trial Started</code>");
        seen.ShouldContain("href=\"/automation/dead-letters\"");
        seen.ShouldNotContain("/interventions/nudge/pause");
        var refused = await WorkspaceFactory.PostFormAsync(viewer, page + "/nudge/pause", [], Cancel, formPage: page);
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.OriginalString.ShouldContain("/forbidden?ReturnUrl=");
        outbox.PausedRules().ShouldBeEmpty();

        using var editor = await Factory.SignedInAsync(Role.Editor, Cancel);
        (await editor.GetStringAsync(page, Cancel)).ShouldContain("action=\"/journeys/trial/interventions/nudge/pause\"");
        var paused = await WorkspaceFactory.PostFormAsync(editor, page + "/nudge/pause", [], Cancel, formPage: page);
        paused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        paused.Headers.Location!.OriginalString.ShouldStartWith(page + "?notice=");
        outbox.PausedRules().ShouldHaveSingleItem().ShouldBe(new PausedRule("trial/nudge", TrialData.Now));

        // Razor writes the quotes as character references; read the text as a browser shows it.
        var after = WebUtility.HtmlDecode(await editor.GetStringAsync(paused.Headers.Location.OriginalString, Cancel));
        after.ShouldContain("Paused “Nudge to pay”");
        after.ShouldContain("since 2026-02-01 00:00 UTC");
        after.ShouldContain("action=\"/journeys/trial/interventions/nudge/resume\"");

        // Without the form's token nothing changes.
        using var bare = await editor.PostAsync(page + "/nudge/resume", new FormUrlEncodedContent([]), Cancel);
        bare.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        outbox.PausedRules().ShouldHaveSingleItem();

        var resumed = await WorkspaceFactory.PostFormAsync(editor, page + "/nudge/resume", [], Cancel, formPage: page);
        resumed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        outbox.PausedRules().ShouldBeEmpty();
        (await WorkspaceFactory.PostFormAsync(editor, page + "/nope/pause", [], Cancel, formPage: page)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Dead_letters_show_the_reason_escape_customer_data_and_requeue_for_editors()
    {
        const string customer = "<img src=x onerror=alert(1)>";
        var outbox = Factory.Service<Outbox>();
        outbox.Enqueue(TrialData.Message("nudge", customer, "event-1", TrialData.InApp(null)));
        (await TrialData.DispatchAsync(Factory, Cancel)).Dead.ShouldBe(1);
        var key = "trial/nudge:" + customer + ":event-1";

        using var viewer = await Factory.SignedInAsync(Role.Viewer, Cancel);
        var html = await viewer.GetStringAsync("/automation/dead-letters", Cancel);
        html.ShouldContain("permanent failure: rule trial/nudge: the in-app action has no message");
        html.ShouldContain("2026-02-01 00:00 UTC");
        html.ShouldNotContain("<img src=x");
        html.ShouldContain("&lt;img src=x");
        html.ShouldNotContain("name=\"key\"");
        html.ShouldContain("href=\"/automation/dead-letters\"");   // in the navigation

        using var editor = await Factory.SignedInAsync(Role.Editor, Cancel);
        var form = await editor.GetStringAsync("/automation/dead-letters", Cancel);
        form.ShouldContain("name=\"key\"");
        form.ShouldNotContain("<img src=x");
        var requeued = await WorkspaceFactory.PostFormAsync(editor, "/automation/dead-letters/requeue", new() { ["key"] = key }, Cancel, formPage: "/automation/dead-letters");
        requeued.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        outbox.Get(key)!.State.ShouldBe(OutboxState.Pending);
        (await editor.GetStringAsync("/automation/dead-letters", Cancel)).ShouldContain("No dead letters");

        var again = await WorkspaceFactory.PostFormAsync(editor, "/automation/dead-letters/requeue", new() { ["key"] = key }, Cancel, formPage: "/automation/dead-letters");
        again.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
