using Microsoft.Playwright;
using static Trailmap.Web.Tests.Browser.PageQualityTests;

namespace Trailmap.Web.Tests.Browser;

/// <summary>
/// The paths page's Sankey in Chromium, over the awareness-to-advocacy template's generated customers: the drawing
/// shows one visible band per link of the table beneath it, each node a visible box, and asking for a lower minimum
/// share through the form draws at least as many links.
/// </summary>
public sealed class SankeyInBrowserTests
{
    private const string Slug = "awareness-to-advocacy";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // A band's box leaves out its stroke, so a level band is 0 px high: it shows when it spans across and has a stroke.
    private static Task<int> VisibleAsync(IPage page, string selector) => page.EvaluateAsync<int>(
        """
        s => [...document.querySelectorAll(s)].filter(e => {
            const r = e.getBoundingClientRect(), style = getComputedStyle(e);
            return r.width > 0 && (r.height > 0 || parseFloat(style.strokeWidth) > 0) && style.visibility === 'visible' && style.display !== 'none';
        }).length
        """,
        selector);

    [Fact]
    public async Task The_sankey_draws_a_band_for_every_link_and_the_form_redraws_it()
    {
        await using var live = await LiveWorkspace.StartAsync(Cancel);
        await SeedAsync(live);
        var page = await SignedInPageAsync(live);
        await page.SetViewportSizeAsync(1440, 900);

        await page.GotoAsync("/journeys/" + Slug + "/paths");
        await page.WaitForSelectorAsync("svg.sankey");
        var rows = await page.Locator("table.sankey-links tbody tr").CountAsync();
        rows.ShouldBeGreaterThan(0);
        (await VisibleAsync(page, "svg.sankey path.sankey-link")).ShouldBe(rows);
        var nodes = await page.Locator("svg.sankey g.sankey-node").CountAsync();
        nodes.ShouldBeGreaterThan(1);
        (await VisibleAsync(page, "svg.sankey g.sankey-node rect")).ShouldBe(nodes);
        (await page.Locator(".tabs a.active").AllInnerTextsAsync()).ShouldBe(["Paths"]);

        await page.FillAsync("input[name=min-share]", "0");
        await page.ClickAsync(".paths-form button[type=submit]");
        // Generous: on a loaded machine the redraw over every event can take longer than the default 30 s.
        await page.WaitForURLAsync("**min-share=0**", new PageWaitForURLOptions { Timeout = 120_000 });
        var all = await page.Locator("table.sankey-links tbody tr").CountAsync();
        all.ShouldBeGreaterThanOrEqualTo(rows);
        (await VisibleAsync(page, "svg.sankey path.sankey-link")).ShouldBe(all);
    }
}
