using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Browser;
using static Trailmap.Web.Tests.Browser.CodeMirrorEditor;

namespace Trailmap.Web.Tests.Editing;

/// <summary>
/// The YAML editor (CodeMirror over the form's textarea) in Debian's Chromium against real Kestrel: the server's
/// diagnostics as markers on their line, completion from the journey schema, saving through the form, the preview
/// after a refused save, and the plain textarea when JavaScript is off. The text is <see cref="EditorTests.Yaml"/>,
/// whose line numbers can be read off it.
/// </summary>
public sealed class EditorInBrowserTests
{
    private const string Email = "editor@example.test";
    private const string Password = "a long enough password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_misspelt_key_gets_an_error_marker_on_its_line_and_in_the_problem_list()
    {
        await using var live = await StartAsync();
        var page = await OpenEditorAsync(live);

        // A new line 5 (after the title on line 4) with a key the format does not know.
        await SetTextAsync(page, EditorTests.Yaml.Replace("title: Free trial to paid\n", "title: Free trial to paid\ncolour: blue\n", StringComparison.Ordinal));

        var marker = page.Locator(".cm-gutter-lint .cm-lint-marker-error");
        await marker.WaitForAsync();
        (await marker.CountAsync()).ShouldBe(1);
        (await LineOfAsync(page, ".cm-gutter-lint .cm-lint-marker-error")).ShouldBe(5);
        (await LineOfAsync(page, ".cm-content .cm-lintRange-error")).ShouldBe(5);
        (await page.Locator(".cm-content .cm-lintRange-error").InnerTextAsync()).ShouldBe("colour");
        (await page.Locator("#diagnostics li.error a").AllInnerTextsAsync()).ShouldBe(["5:1"]);
        (await page.Locator("#diagnostics li.error code").AllInnerTextsAsync()).ShouldBe(["TM002"]);
        (await page.TextContentAsync("#diagnostics-head")).ShouldStartWith("1 error");
    }

    [Fact]
    public async Task Completion_offers_the_schema_keys_at_the_cursor_enum_values_and_stage_ids()
    {
        await using var live = await StartAsync();
        var page = await OpenEditorAsync(live);
        var options = page.Locator(".cm-tooltip-autocomplete .cm-completionLabel");

        // In the second stage's mapping (column 5, under "  - id: pay"), "mind" completes to the stage's key.
        await SetTextAsync(page, EditorTests.Yaml + "    ");
        await page.Keyboard.TypeAsync("mind");
        await options.First.WaitForAsync();
        (await options.AllInnerTextsAsync()).ShouldBe(["mindset"]);
        await AcceptAsync(page);
        (await LinesAsync(page))[^1].ShouldBe("    mindset: ");

        // At the top level, "meas" is the journey's measure, whose values are people and accounts.
        await SetTextAsync(page, EditorTests.Yaml);
        await page.Keyboard.TypeAsync("meas");
        await options.First.WaitForAsync();
        (await options.AllInnerTextsAsync()).ShouldContain("measure");
        await AcceptAsync(page);
        (await LinesAsync(page))[^1].ShouldBe("measure: ");
        await page.Keyboard.PressAsync("Control+Space");
        await options.First.WaitForAsync();
        (await options.AllInnerTextsAsync()).ShouldBe(["people", "accounts"], ignoreOrder: true);
        await page.Keyboard.PressAsync("Escape");

        // A moment of truth's stage is a stage id: the two stages of the text are offered.
        await SetTextAsync(page, EditorTests.Yaml + "moments_of_truth:\n  - id: first-pay\n    stage: ");
        await page.Keyboard.PressAsync("Control+Space");
        await options.First.WaitForAsync();
        (await options.AllInnerTextsAsync()).ShouldBe(["signup", "pay"], ignoreOrder: true);
        (await page.Locator(".cm-tooltip-autocomplete .cm-completionDetail").AllInnerTextsAsync()).ShouldBe(["stage id", "stage id"]);
        await page.Keyboard.PressAsync("Escape");

        // An item of a program's kpis, a list of KPI ids: the text's two KPIs (the list's description names them,
        // its items have none of their own).
        await SetTextAsync(page, EditorTests.Yaml + "programs:\n  - id: referral\n    kpis:\n      - ");
        await page.Keyboard.PressAsync("Control+Space");
        await options.First.WaitForAsync();
        (await options.AllInnerTextsAsync()).ShouldBe(["signups", "trial-to-paid"], ignoreOrder: true);
    }

    [Fact]
    public async Task Saving_posts_the_edited_text_and_after_a_refused_save_the_preview_still_shows_the_last_good_map()
    {
        await using var live = await StartAsync();
        var journeys = live.Services.GetRequiredService<JourneyStore>();
        var page = await OpenEditorAsync(live);

        // A good edit shows in the live preview, then saves as version 2.
        var retitled = EditorTests.Yaml.Replace("title: Free trial to paid", "title: Trial, edited in the browser", StringComparison.Ordinal);
        await SetTextAsync(page, retitled);
        await page.FrameLocator("#preview").GetByText("Trial, edited in the browser").First.WaitForAsync();
        await page.FillAsync("input[name=message]", "Retitled");
        await page.ClickAsync("button[value=save]");
        await page.WaitForURLAsync("**/journeys/trial/edit?notice=**");
        journeys.Latest(journeys.Find("trial")!).Yaml.ShouldBe(retitled);

        // A text with an error is refused (422) and kept; the preview still shows the map of version 2.
        await page.Locator(".cm-content").WaitForAsync();
        var broken = retitled.Replace("    name: Pay\n", "    nmae: Pay\n", StringComparison.Ordinal);
        await SetTextAsync(page, broken);
        var refused = await page.RunAndWaitForResponseAsync(
            () => page.ClickAsync("button[value=save]"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/journeys/trial/edit", StringComparison.Ordinal));
        refused.Status.ShouldBe(422);
        await page.Locator(".cm-gutter-lint .cm-lint-marker-error").First.WaitForAsync();
        (await LinesAsync(page))[11].ShouldBe("    nmae: Pay");
        await page.FrameLocator("#preview").GetByText("Trial, edited in the browser").First.WaitForAsync();
        (await page.FrameLocator("#preview").GetByText("Sign up").CountAsync()).ShouldBeGreaterThan(0);
        (await page.TextContentAsync("#preview-status")).ShouldNotBeNull().ShouldContain("version 2");
        journeys.Versions(journeys.Find("trial")!.Id).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Without_JavaScript_the_plain_textarea_edits_and_saves()
    {
        await using var live = await StartAsync();
        var context = await live.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = live.Address, JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await SignInAsync(page);
        await page.GotoAsync("/journeys/trial/edit");
        (await page.Locator(".cm-editor").CountAsync()).ShouldBe(0);
        var retitled = EditorTests.Yaml.Replace("title: Free trial to paid", "title: Typed without scripts", StringComparison.Ordinal);

        await page.FillAsync("textarea#yaml", retitled);
        await page.ClickAsync("button[value=save]");
        await page.WaitForURLAsync("**/journeys/trial/edit?notice=**");

        var journeys = live.Services.GetRequiredService<JourneyStore>();
        journeys.Latest(journeys.Find("trial")!).Yaml.ShouldBe(retitled);
    }

    private static async Task<LiveWorkspace> StartAsync()
    {
        var live = await LiveWorkspace.StartAsync(Cancel);
        live.Services.GetRequiredService<UserStore>().Create(Email, "Eda the editor", Password, Role.Editor);
        live.Services.GetRequiredService<JourneyStore>().Create(EditorTests.Yaml, "seed");
        return live;
    }

    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/signin");
        await page.FillAsync("input[name=email]", Email);
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/journeys");
    }

    /// <summary>Opens the editor and waits for its first check of the text, which brings the ids completion offers.</summary>
    private static async Task<IPage> OpenEditorAsync(LiveWorkspace live)
    {
        var page = await live.NewPageAsync();
        await SignInAsync(page);
        await page.RunAndWaitForResponseAsync(
            () => page.GotoAsync("/journeys/trial/edit"),
            r => r.Url.EndsWith("/journeys/trial/preview", StringComparison.Ordinal));
        await page.Locator(".cm-content").WaitForAsync();
        return page;
    }
}
