using Microsoft.Playwright;
using Shouldly;
using Trailmap.Journeys;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Rendering;
using Trailmap.Testing;
using Xunit;

namespace Trailmap.Export.Tests;

/// <summary>
/// The interventions' lift is in the PNG export, checked without OCR: the same map is exported twice with two
/// different measured lifts for samples/complete.yaml's re-engagement rule, and the two pictures must differ, only
/// where Chromium lays out the lift's text (its line in the Interventions lane and on the rule's card). A PNG that
/// drops the lift, or draws it from the wrong numbers, makes the two pictures the same there, and the test fails.
/// </summary>
public sealed class LiftInPngTests
{
    private const double Scale = 2; // the exporter's device scale factor: device pixels per CSS pixel

    // reengage: 36 of 120 treated converted, 3 of 14 held out; two lifts with the same digits in the same places, so
    // the line's width and wrapping are the same: +8.6 pts (-18.6 to +24.9) and +3.1 pts (-12.4 to +19.7).
    private static InterventionActual Reengage(double lift, double low, double high) => new()
    {
        Id = "reengage",
        Goal = "Board Shared",
        Treated = 120,
        TreatedConverted = 36,
        HeldOut = 14,
        HeldOutConverted = 3,
        Pending = 5,
        Lift = lift,
        LiftLow = low,
        LiftHigh = high,
    };

    [Fact]
    public async Task Two_measured_lifts_give_pictures_that_differ_exactly_where_the_lift_is_written()
    {
        ChromiumFixture.RequireChromium();
        var cancel = TestContext.Current.CancellationToken;
        var journey = JourneyFile.Load(RepoPaths.Sample("complete.yaml")).Journey!;
        var first = Reengage(0.0857, -0.1864, 0.2494);
        var second = Reengage(0.0312, -0.1243, 0.1972);
        first.Summary().ShouldStartWith("lift +8.6 pts (95% CI -18.6 to +24.9)");
        second.Summary().ShouldStartWith("lift +3.1 pts (95% CI -12.4 to +19.7)");
        var htmlA = HtmlRenderer.Render(journey, new JourneyActuals { Journey = journey.Id, Interventions = [first] });
        var htmlB = HtmlRenderer.Render(journey, new JourneyActuals { Journey = journey.Id, Interventions = [second] });

        var dir = Path.Combine(RepoPaths.Artifacts, "lift-png");
        Directory.CreateDirectory(dir);
        var (pathA, pathB) = (Path.Combine(dir, "lift-a.png"), Path.Combine(dir, "lift-b.png"));
        await using (var exporter = await ChromiumExporter.StartAsync())
        {
            await exporter.ExportPngAsync(htmlA, pathA, cancel);
            await exporter.ExportPngAsync(htmlB, pathB, cancel);
        }

        // Where the lift's text lies, from Chromium's layout of the same HTML at the exporter's width and scale.
        var boxes = await LiftBoxesAsync(htmlA);
        boxes.Count.ShouldBe(2, "the lift's line in the Interventions lane and on the rule's card");

        var (inside, outside) = RasterPixels.Differences(pathA, pathB, boxes);

        // Each place that writes the lift changed, and nothing else in the picture did.
        inside[0].ShouldBeGreaterThan(0, "the lift in the Interventions lane is not in the PNG");
        inside[1].ShouldBeGreaterThan(0, "the lift on the rule's card is not in the PNG");
        outside.ShouldBe(0, "pixels changed away from the lift's text");
    }

    /// <summary>
    /// The device-pixel rectangles of the lift's text (lane first, then card), laid out as the exporter lays out the
    /// page: 1600 CSS px wide at scale 2, widened to the map, measured from the top of the page.
    /// </summary>
    private static async Task<IReadOnlyList<(double X, double Y, double Width, double Height)>> LiftBoxesAsync(string html)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ChromiumExporter.LaunchAsync(playwright);
        // As the exporter's page: no script runs in the map, which could lay it out otherwise.
        var page = await browser.NewPageAsync(new BrowserNewPageOptions
        {
            ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
            DeviceScaleFactor = (float)Scale,
            Offline = true,
            JavaScriptEnabled = false,
        });
        await page.SetContentAsync(html, new PageSetContentOptions { WaitUntil = WaitUntilState.Load });
        await ChromiumExporter.FitToContentAsync(page);
        var rects = await page.EvaluateAsync<double[][]>(
            """
            () => {
              const lane = [...document.querySelectorAll('.lane-interventions [data-rule="reengage"] .lift')];
              const card = [...document.querySelectorAll('dt')].filter(dt => dt.textContent.trim() === 'Lift').map(dt => dt.nextElementSibling);
              return [...lane, ...card].map(e => {
                const r = e.getBoundingClientRect();
                return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height];
              });
            }
            """);
        // A pixel or two around each box for anti-aliasing at the glyphs' edges.
        return [.. rects.Select(r => (((r[0] - 1) * Scale), ((r[1] - 1) * Scale), ((r[2] + 2) * Scale), ((r[3] + 2) * Scale)))];
    }
}
