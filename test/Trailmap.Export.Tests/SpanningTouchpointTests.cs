using Shouldly;
using Trailmap.Journeys;
using Trailmap.Journeys.Rendering;
using Trailmap.Testing;

using Xunit;

namespace Trailmap.Export.Tests;

/// <summary>
/// A touchpoint that spans several stages (samples/journey-wide.yaml: the setup call is written in Onboard with
/// <c>stages: [activate]</c>) is drawn once, across the Onboard and Activate columns, in Chromium.
/// </summary>
public sealed class SpanningTouchpointTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task The_setup_call_is_drawn_across_its_two_stage_columns()
    {
        var journey = JourneyFile.Load(RepoPaths.Sample("journey-wide.yaml")).Journey!;
        await using var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 }, Offline = true });
        var page = await context.NewPageAsync();
        await page.SetContentAsync(HtmlRenderer.Render(journey));

        var item = page.Locator("[data-lane=\"spans\"] [data-touchpoint=\"setup-call\"]");
        (await item.CountAsync()).ShouldBe(1);
        (await item.InnerTextAsync()).ShouldContain("Setup call");
        var box = (await item.BoundingBoxAsync())!;
        var onboard = (await page.Locator("[data-stage=\"onboard\"][data-lane=\"stage\"]").BoundingBoxAsync())!;
        var activate = (await page.Locator("[data-stage=\"activate\"][data-lane=\"stage\"]").BoundingBoxAsync())!;

        // Onboard and Activate are neighbours; the item starts in Onboard's column and ends in Activate's, each with the
        // 12 px a cell keeps free on its sides (a pixel of border and rounding either way).
        activate.X.ShouldBeGreaterThan(onboard.X);
        box.X.ShouldBe(onboard.X + 12, 3);
        (box.X + box.Width).ShouldBe(activate.X + activate.Width - 12, 3);

        // It is no longer listed in a single stage's touchpoints.
        (await page.Locator("[data-lane=\"touchpoints\"]").GetByText("Setup call").CountAsync()).ShouldBe(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Artifacts, "spanning-touchpoint.png"), FullPage = true });
    }
}
