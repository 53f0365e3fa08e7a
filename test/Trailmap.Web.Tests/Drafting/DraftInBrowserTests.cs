using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Trailmap.Drafting.Draft;
using Trailmap.Drafting.Tests;
using Trailmap.Drafting.Tests.Draft;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Browser;
using Trailmap.Web.Tests.Editing;
using static Trailmap.Web.Tests.Browser.CodeMirrorEditor;

namespace Trailmap.Web.Tests.Drafting;

/// <summary>"Draft from a brief" in Debian's Chromium against real Kestrel: the steps update while the model is slow, and the draft opens for review in the journey editor's CodeMirror.</summary>
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
        await page.Locator(".cm-content").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        (await page.TextContentAsync("[data-field=state]")).ShouldBe("succeeded");
        (await page.Locator("[data-field=steps] li").AllTextContentsAsync()).Count.ShouldBe(3);
        (await page.TextContentAsync("#diagnostics-head")).ShouldBe("No problems");
        live.Services.GetRequiredService<JourneyStore>().All().ShouldBeEmpty();

        await page.ClickAsync("form[action='/journeys/new'] button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/journeys/new", StringComparison.Ordinal));
        live.Services.GetRequiredService<JourneyStore>().All().Select(j => j.Title).ShouldBe(["From awareness to advocacy"]);
    }

    [Fact]
    public async Task The_draft_is_reviewed_in_the_code_editor_with_markers_completion_and_a_live_preview_and_created_as_edited()
    {
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text(DraftFixtures.Audience), new ScriptedAnswer.Text(DraftFixtures.Personas), new ScriptedAnswer.Text(DraftFixtures.ValidJourney));
        await using var live = await LiveWorkspace.StartAsync(Cancel, o => o with { Model = new ModelEndpoint(server.Url, "scripted-model", null, TimeSpan.FromSeconds(30), 0) });
        live.Services.GetRequiredService<UserStore>().Create(Email, "Pat the PM", Password, Role.Editor);
        var page = await live.NewPageAsync();
        await page.GotoAsync("/journeys");
        await page.FillAsync("input[name=email]", Email);
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/journeys");
        await page.GotoAsync("/journeys/new/draft");
        await page.FillAsync("textarea[name=brief]", "A marketing tool for mid-size B2B teams.");
        await page.ClickAsync("form[action='/journeys/new/draft'] button[type=submit]");
        await page.WaitForURLAsync("**/journeys/new/draft/*");

        // The draft opens in CodeMirror (the plain textarea hidden, kept for the form), with the draft's map beside it.
        await page.Locator(".cm-content").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        (await page.Locator("textarea#yaml").IsVisibleAsync()).ShouldBeFalse();
        await page.FrameLocator("#preview").GetByText("From awareness to advocacy").First.WaitForAsync();

        // A key the format does not know, on line 5 of the editor tests' text: a marker on that line and in the list.
        var misspelt = EditorTests.Yaml.Replace("title: Free trial to paid\n", "title: Free trial to paid\ncolour: blue\n", StringComparison.Ordinal);
        await page.RunAndWaitForResponseAsync(() => SetTextAsync(page, misspelt), r => r.Url.EndsWith("/journeys/new/preview", StringComparison.Ordinal));
        var marker = page.Locator(".cm-gutter-lint .cm-lint-marker-error");
        await marker.WaitForAsync();
        (await marker.CountAsync()).ShouldBe(1);
        (await LineOfAsync(page, ".cm-gutter-lint .cm-lint-marker-error")).ShouldBe(5);
        (await page.Locator(".cm-content .cm-lintRange-error").InnerTextAsync()).ShouldBe("colour");
        (await page.Locator("#diagnostics li.error a").AllInnerTextsAsync()).ShouldBe(["5:1"]);
        (await page.Locator("#diagnostics li.error code").AllInnerTextsAsync()).ShouldBe(["TM002"]);
        (await page.TextContentAsync("#diagnostics-head")).ShouldStartWith("1 error");

        // Completion from the schema (a stage's key) and from the text's own ids (a moment's stage).
        var options = page.Locator(".cm-tooltip-autocomplete .cm-completionLabel");
        await SetTextAsync(page, EditorTests.Yaml + "    ");
        await page.Keyboard.TypeAsync("mind");
        await options.First.WaitForAsync();
        (await options.AllInnerTextsAsync()).ShouldBe(["mindset"]);
        await AcceptAsync(page);
        (await LinesAsync(page))[^1].ShouldBe("    mindset: ");
        await page.RunAndWaitForResponseAsync(
            () => SetTextAsync(page, EditorTests.Yaml + "moments_of_truth:\n  - id: first-pay\n    stage: "),
            r => r.Url.EndsWith("/journeys/new/preview", StringComparison.Ordinal));
        await page.Keyboard.PressAsync("Control+Space");
        await options.First.WaitForAsync();
        (await options.AllInnerTextsAsync()).ShouldBe(["signup", "pay"], ignoreOrder: true);
        await page.Keyboard.PressAsync("Escape");

        // A good text redraws the preview; a broken one keeps the last good map and says so.
        var retitled = EditorTests.Yaml.Replace("title: Free trial to paid", "title: Trial, reviewed in the browser", StringComparison.Ordinal);
        await SetTextAsync(page, retitled);
        await page.FrameLocator("#preview").GetByText("Trial, reviewed in the browser").First.WaitForAsync();
        (await page.TextContentAsync("#preview-status")).ShouldBe("The map as this text draws it, without measured data.");
        await page.RunAndWaitForResponseAsync(
            () => SetTextAsync(page, retitled.Replace("    name: Pay\n", "    nmae: Pay\n", StringComparison.Ordinal)),
            r => r.Url.EndsWith("/journeys/new/preview", StringComparison.Ordinal));
        await page.Locator(".cm-gutter-lint .cm-lint-marker-error").First.WaitForAsync();
        (await page.TextContentAsync("#preview-status")).ShouldNotBeNull().ShouldContain("still shows the last map without errors");
        (await page.FrameLocator("#preview").GetByText("Trial, reviewed in the browser").CountAsync()).ShouldBeGreaterThan(0);

        // "Create journey" posts the text as edited in CodeMirror, stored with LF line breaks (a form sends CRLF).
        await SetTextAsync(page, retitled);
        live.Services.GetRequiredService<JourneyStore>().All().ShouldBeEmpty();
        await page.ClickAsync("form[action='/journeys/new'] button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/journeys/new", StringComparison.Ordinal));
        var journeys = live.Services.GetRequiredService<JourneyStore>();
        journeys.All().Select(j => j.Title).ShouldBe(["Trial, reviewed in the browser"]);
        journeys.Latest(journeys.Find("trial")!).Yaml.ShouldBe(retitled);
    }
}
