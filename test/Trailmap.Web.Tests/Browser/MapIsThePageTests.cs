using Microsoft.Playwright;
using static Trailmap.Web.Tests.Browser.PageQualityTests;

namespace Trailmap.Web.Tests.Browser;

/// <summary>
/// The map is the page, in Chromium: stage headers stay in view and lane labels stay at the left while the map
/// scrolls, in the workspace, on a share page and in an embed on its own; zoom and fit-to-width change the map's
/// scale; stages and KPIs open their drill-downs by mouse and keyboard in the workspace, and a share link opens none.
/// The journey is the awareness-to-advocacy template: five stages, awareness first; its KPI trial-signup-rate is a
/// rate on the consideration stage and month3-retention a retention metric of the whole journey.
/// </summary>
public sealed class MapIsThePageTests
{
    private const string Slug = "awareness-to-advocacy";

    /// <summary>The width of the map's first column, the lane labels, in the map document's CSS at 100%.</summary>
    private const double LabelColumn = 176;

    /// <summary>The map's narrowest width at 100%: the label column and five stage columns of at least 236 px.</summary>
    private const double MapWidth = LabelColumn + (5 * 236);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stage_header_stays_visible_after_scrolling_in_the_workspace_the_share_page_and_an_embed()
    {
        await using var live = await LiveWorkspace.StartAsync(Cancel);
        await SeedAsync(live);
        var page = await SignedInPageAsync(live);
        await page.SetViewportSizeAsync(1440, 900);
        var share = await CreateShareLinkAsync(page);

        // The workspace and the share page frame the map and grow the frame, so the page itself scrolls.
        foreach (var path in new[] { "/journeys/" + Slug, share })
        {
            await page.GotoAsync(path);
            var frame = await GrownMapAsync(page);
            var map = await page.EvaluateAsync<double[]>("""
                () => { const f = document.querySelector('iframe.map-frame'); const m = f.contentDocument.querySelector('.map').getBoundingClientRect();
                        return [f.getBoundingClientRect().top + window.scrollY + f.clientTop + m.top, m.height]; }
                """);
            map[1].ShouldBeGreaterThan(1200, $"{path}: the map must be tall enough to scroll 600 px into it");
            await page.EvaluateAsync("y => window.scrollTo(0, y)", map[0] + 600);

            // Unstuck, the header's top would be 600 px above the window; stuck, it is at the window's top.
            await page.WaitForFunctionAsync("""
                () => { const f = document.querySelector('iframe.map-frame'); const h = f.contentDocument.querySelector('.lane-stage > .stage-head');
                        return Math.abs(f.getBoundingClientRect().top + f.clientTop + h.getBoundingClientRect().top) < 2; }
                """);
            (await StageNameOnTopAsync(frame)).ShouldBeTrue($"{path}: the first stage's name is covered");
        }

        // An embed on another site: the frame scrolls itself, and the header stays at its top the same way.
        await page.GotoAsync(share + "/embed");
        await page.WaitForSelectorAsync(".map-tools");
        var top = await page.EvaluateAsync<double>("() => document.querySelector('.map').getBoundingClientRect().top + window.scrollY");
        await page.EvaluateAsync("y => window.scrollTo(0, y)", top + 600);
        await page.WaitForFunctionAsync("() => Math.abs(document.querySelector('.lane-stage > .stage-head').getBoundingClientRect().top) < 2");
        (await StageNameOnTopAsync(page.MainFrame)).ShouldBeTrue("embed: the first stage's name is covered");
    }

    [Fact]
    public async Task Lane_labels_stay_at_the_left_when_the_map_scrolls_sideways()
    {
        await using var live = await LiveWorkspace.StartAsync(Cancel);
        await SeedAsync(live);
        var page = await SignedInPageAsync(live);
        await page.SetViewportSizeAsync(390, 800);
        await page.GotoAsync("/journeys/" + Slug);
        var frame = await GrownMapAsync(page);

        var offsets = await frame.EvaluateAsync<double[]>("""
            () => { const s = document.querySelector('.map-scroll'); s.scrollLeft = 500;
                    const label = document.querySelector('.lane-touchpoints > .lane-label');
                    return [s.scrollLeft, label.getBoundingClientRect().left - (s.getBoundingClientRect().left + s.clientLeft)]; }
            """);
        offsets[0].ShouldBe(500, "the map did not scroll sideways at 390 px");
        offsets[1].ShouldBe(0, 0.5);
    }

    [Fact]
    public async Task A_click_on_a_KPI_opens_its_drill_down_and_back_returns_to_the_map()
    {
        await using var live = await LiveWorkspace.StartAsync(Cancel);
        await SeedAsync(live);
        var page = await SignedInPageAsync(live);
        await page.GotoAsync("/journeys/" + Slug);
        var frame = await GrownMapAsync(page);

        // On the value, not the name: the whole badge is the link.
        await ClickValueAsync(frame.Locator(".lane-kpis .kpi-badge[data-kpi='trial-signup-rate']"));
        await page.WaitForURLAsync("**/journeys/" + Slug + "/kpis#kpi-trial-signup-rate");
        (await page.EvaluateAsync<string>("() => document.querySelector('tr:target').dataset.kpi")).ShouldBe("trial-signup-rate");

        await page.GoBackAsync();
        await page.WaitForURLAsync("**/journeys/" + Slug);
        frame = await GrownMapAsync(page);

        // A retention metric opens the retention view of its own definition.
        await ClickValueAsync(frame.Locator(".metrics .kpi-badge[data-kpi='month3-retention']"));
        await page.WaitForURLAsync("**/journeys/" + Slug + "/retention?kpi=month3-retention");
        (await page.Locator("main").InnerTextAsync()).ShouldContain("Month-3 retention");
    }

    [Fact]
    public async Task The_keyboard_reaches_a_stage_link_with_a_visible_focus_and_Enter_opens_the_stage()
    {
        await using var live = await LiveWorkspace.StartAsync(Cancel);
        await SeedAsync(live);
        var page = await SignedInPageAsync(live);
        await page.GotoAsync("/journeys/" + Slug);
        var frame = await GrownMapAsync(page);

        string? reached = null;
        for (var i = 0; i < 150 && reached is null; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await frame.EvaluateAsync<string?>("() => { const a = document.activeElement; return document.hasFocus() && a && a.matches('.stage-name a') ? a.getAttribute('href') : null; }");
        }

        reached.ShouldBe("/journeys/" + Slug + "/stages/awareness", "Tab never reached the first stage's link");
        var outline = await frame.EvaluateAsync<string[]>("() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }");
        outline[0].ShouldNotBe("none", "the focused stage link has no visible focus");
        outline[1].ShouldBe("3px");

        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/journeys/" + Slug + "/stages/awareness");
        (await page.Locator("h2.stage-name").InnerTextAsync()).ShouldBe("Awareness");
    }

    [Fact]
    public async Task Going_back_with_Shift_Tab_never_leaves_the_focus_under_the_stuck_stage_row()
    {
        await using var live = await LiveWorkspace.StartAsync(Cancel);
        await SeedAsync(live);
        var page = await SignedInPageAsync(live);
        await page.SetViewportSizeAsync(1440, 900);
        await page.GotoAsync("/journeys/" + Slug);
        var frame = await GrownMapAsync(page);

        // From the map's last link (focusing it scrolls the page to it, so the stage row is stuck above it), back
        // through the lanes: the jump from the KPIs up to the touchpoints is where the browser would put the focus
        // at the top of the window, under the stage row.
        await frame.EvaluateAsync("() => { const links = document.querySelectorAll('.map .map-link'); links[links.length - 1].focus(); }");
        var checkedUnderRow = 0;
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Shift+Tab");
            var inLanes = await frame.EvaluateAsync<bool>("() => { const a = document.activeElement; return !!a && a.matches('.map .map-link') && !a.closest('.lane-stage'); }");
            if (!inLanes)
            {
                break;
            }

            // Visible: inside the window and not covered, i.e. what the browser hits at its centre is the link.
            await page.WaitForFunctionAsync("""
                () => { const f = document.querySelector('iframe.map-frame'); const d = f.contentDocument; const a = d.activeElement;
                        const r = a.getBoundingClientRect(); const top = f.getBoundingClientRect().top + f.clientTop + r.top;
                        const line = a.getClientRects()[0]; // a name wrapped over lines: its first line's box
                        const hit = d.elementFromPoint(line.left + Math.min(10, line.width / 2), line.top + line.height / 2);
                        return top >= 0 && top + r.height <= window.innerHeight && (hit === a || a.contains(hit)); }
                """, null, new() { Timeout = 5000 }).ContinueWith(
                async t =>
                {
                    if (t.IsFaulted)
                    {
                        var state = await page.EvaluateAsync<string>("""
                            () => { const f = document.querySelector('iframe.map-frame'); const d = f.contentDocument; const a = d.activeElement;
                                    const r = a.getBoundingClientRect(); const hit = d.elementFromPoint(r.left + Math.min(10, r.width / 2), r.top + r.height / 2);
                                    const m = d.querySelector('.map');
                                    return JSON.stringify({ a: a.outerHTML.slice(0, 120), top: f.getBoundingClientRect().top + f.clientTop + r.top, h: r.height, inner: window.innerHeight,
                                      hit: hit && hit.outerHTML.slice(0, 80), stuck: m.className, y: m.style.getPropertyValue('--stuck-y'), keep: m.style.getPropertyValue('--stuck-keep'), sy: window.scrollY }); }
                            """);
                        throw new InvalidOperationException($"after {i + 1} Shift+Tab: {state}");
                    }
                },
                TaskScheduler.Default).Unwrap();
            if (await frame.EvaluateAsync<bool>("() => document.querySelector('.map').classList.contains('stuck')"))
            {
                checkedUnderRow++;
            }
        }

        checkedUnderRow.ShouldBeGreaterThan(0, "the stage row was never stuck while going back through the map");
        (await frame.EvaluateAsync<bool>("() => document.activeElement.matches('.map-link')")).ShouldBeTrue();
    }

    [Fact]
    public async Task Zoom_and_fit_to_width_change_the_maps_scale()
    {
        await using var live = await LiveWorkspace.StartAsync(Cancel);
        await SeedAsync(live);
        var page = await SignedInPageAsync(live);
        await page.SetViewportSizeAsync(800, 900);
        await page.GotoAsync("/journeys/" + Slug);
        var frame = await GrownMapAsync(page);
        const string LabelWidth = "() => document.querySelector('.lane-stage > .lane-label').getBoundingClientRect().width";

        (await frame.EvaluateAsync<double>(LabelWidth)).ShouldBe(LabelColumn, 0.5);
        (await frame.Locator(".map-zoom").InnerTextAsync()).ShouldBe("100%");

        // One step in from 100% is 110%.
        await frame.GetByRole(AriaRole.Button, new() { Name = "Zoom in" }).ClickAsync();
        (await frame.Locator(".map-zoom").InnerTextAsync()).ShouldBe("110%");
        (await frame.EvaluateAsync<double>(LabelWidth)).ShouldBe(LabelColumn * 1.1, 0.5);

        // Two steps out from 110% are 90%.
        await frame.GetByRole(AriaRole.Button, new() { Name = "Zoom out" }).ClickAsync();
        await frame.GetByRole(AriaRole.Button, new() { Name = "Zoom out" }).ClickAsync();
        (await frame.Locator(".map-zoom").InnerTextAsync()).ShouldBe("90%");
        (await frame.EvaluateAsync<double>(LabelWidth)).ShouldBe(LabelColumn * 0.9, 0.5);

        // At 800 px five stages of at least 236 px do not fit: the map scrolls sideways until fitted to the width.
        await frame.GetByRole(AriaRole.Button, new() { Name = "100%" }).ClickAsync();
        var scroll = "() => { const s = document.querySelector('.map-scroll'); return [s.scrollWidth, s.clientWidth]; }";
        var before = await frame.EvaluateAsync<double[]>(scroll);
        before[0].ShouldBe(MapWidth, 1, "at 100% the map is as wide as its columns' minimum");
        before[0].ShouldBeGreaterThan(before[1]);
        await frame.GetByRole(AriaRole.Button, new() { Name = "Fit width" }).ClickAsync();
        var after = await frame.EvaluateAsync<double[]>(scroll);
        after[0].ShouldBeLessThanOrEqualTo(after[1], "after fitting, the map still scrolls sideways");
        var zoom = double.Parse((await frame.Locator(".map-zoom").InnerTextAsync()).TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture) / 100;
        zoom.ShouldBeLessThan(1);
        // The fitted zoom is the box's width over the map's width at 100%, rounded down to the percent shown.
        zoom.ShouldBe(Math.Floor(before[1] / before[0] * 100) / 100, 0.0001);
    }

    [Fact]
    public async Task A_share_link_map_has_the_controls_and_no_links_into_the_workspace()
    {
        await using var live = await LiveWorkspace.StartAsync(Cancel);
        await SeedAsync(live);
        var page = await SignedInPageAsync(live);
        var share = await CreateShareLinkAsync(page);

        var stranger = await live.NewPageAsync();
        await stranger.GotoAsync(share);
        var frame = await GrownMapAsync(stranger);
        (await frame.Locator(".map-tools button").CountAsync()).ShouldBe(4);
        (await frame.Locator("a").CountAsync()).ShouldBe(0);
        (await frame.Locator(".stage-name").First.InnerTextAsync()).ShouldBe("Awareness");
    }

    /// <summary>Clicks a KPI badge in the middle of its value, away from the name that carries the link.</summary>
    private static async Task ClickValueAsync(ILocator badge)
    {
        await badge.ScrollIntoViewIfNeededAsync();
        var outer = (await badge.BoundingBoxAsync())!;
        var value = (await badge.Locator(".kpi-value").BoundingBoxAsync())!;
        await badge.ClickAsync(new() { Position = new() { X = value.X - outer.X + (value.Width / 2), Y = value.Y - outer.Y + (value.Height / 2) } });
    }

    /// <summary>The framed map once map.js has run and the frame has grown to the map's full height.</summary>
    private static async Task<IFrame> GrownMapAsync(IPage page)
    {
        await page.WaitForFunctionAsync("""
            () => { const f = document.querySelector('iframe.map-frame'); const d = f && f.contentDocument;
                    return d && d.readyState === 'complete' && d.querySelector('.map-tools') && d.documentElement.scrollHeight <= d.documentElement.clientHeight; }
            """);
        return (await (await page.QuerySelectorAsync("iframe.map-frame"))!.ContentFrameAsync())!;
    }

    /// <summary>Whether the first stage's name is what the browser hits at its centre, i.e. nothing covers it.</summary>
    private static Task<bool> StageNameOnTopAsync(IFrame frame) => frame.EvaluateAsync<bool>("""
        () => { const n = document.querySelector('.lane-stage .stage-name'); const r = n.getBoundingClientRect();
                const hit = document.elementFromPoint(r.left + Math.min(20, r.width / 2), r.top + r.height / 2); return n.contains(hit); }
        """);
}
