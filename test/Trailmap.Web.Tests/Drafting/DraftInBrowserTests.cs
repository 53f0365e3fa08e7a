using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Trailmap.Drafting.Draft;
using Trailmap.Drafting.Tests;
using Trailmap.Drafting.Tests.Draft;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Browser;

namespace Trailmap.Web.Tests.Drafting;

/// <summary>"Draft from a brief" in Debian's Chromium against real Kestrel: the steps update while the model is slow, and the draft opens for review.</summary>
public sealed class DraftInBrowserTests
{
    private const string Email = "pm@example.test";
    private const string Password = "a long enough password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_page_shows_the_steps_while_a_slow_model_answers_then_the_draft_to_review_and_create()
    {
        // The first answer comes after 4 s of silence, so the page is shown while the draft is running.
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Slow(DraftFixtures.Audience, TimeSpan.FromSeconds(4)), new ScriptedAnswer.Text(DraftFixtures.Personas), new ScriptedAnswer.Text(DraftFixtures.ValidJourney));
        await using var live = await LiveWorkspace.StartAsync(Cancel, o => o with { Model = new ModelEndpoint(server.Url, "scripted-model", null, TimeSpan.FromSeconds(30), 0) });
        live.Services.GetRequiredService<UserStore>().Create(Email, "Pat the PM", Password, Role.Editor);
        var page = await live.NewPageAsync();
        await page.GotoAsync("/journeys");
        await page.FillAsync("input[name=email]", Email);
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/journeys");

        await page.GotoAsync("/journeys/new");
        await page.ClickAsync("a[href='/journeys/new/draft']");
        await page.FillAsync("textarea[name=brief]", "A marketing tool for mid-size B2B teams.");
        await page.ClickAsync("form[action='/journeys/new/draft'] button[type=submit]");
        await page.WaitForURLAsync("**/journeys/new/draft/*");

        // While the model is silent: running, at the first step.
        (await page.TextContentAsync("[data-field=state]")).ShouldBe("running");
        (await page.TextContentAsync("[data-field=steps] li")).ShouldNotBeNull().ShouldStartWith("Step 1 of 3, audience analysis");

        // The script polls the status and reloads the page when the draft ends: the editor appears without a manual reload.
        await page.Locator("textarea[name=yaml]").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        (await page.TextContentAsync("[data-field=state]")).ShouldBe("succeeded");
        (await page.Locator("[data-field=steps] li").AllTextContentsAsync()).Count.ShouldBe(3);
        (await page.TextContentAsync("#diagnostics-head")).ShouldBe("No problems");
        live.Services.GetRequiredService<JourneyStore>().All().ShouldBeEmpty();

        await page.ClickAsync("form[action='/journeys/new'] button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/journeys/new", StringComparison.Ordinal));
        live.Services.GetRequiredService<JourneyStore>().All().Select(j => j.Title).ShouldBe(["From awareness to advocacy"]);
    }
}
