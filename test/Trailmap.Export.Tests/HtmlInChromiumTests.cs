using Shouldly;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Testing;

using Xunit;

namespace Trailmap.Export.Tests;

public sealed class HtmlInChromiumTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static Journey Load(string sample) =>
        JourneyFile.Load(RepoPaths.Sample(sample)).Journey ?? throw new InvalidOperationException(sample + " does not parse");

    [Fact]
    public async Task The_map_shows_every_stage_as_a_column_and_its_lanes_as_rows()
    {
        var journey = Load("complete.yaml");
        var html = HtmlRenderer.Render(journey);
        await using var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 }, Offline = true });
        var page = await context.NewPageAsync();
        await page.SetContentAsync(html);

        // The sample has four stages: discover, signup, activate, pay (samples/complete.yaml).
        string[] stageIds = ["discover", "signup", "activate", "pay"];
        var columnsLeft = new List<float>();
        foreach (var id in stageIds)
        {
            var header = page.Locator($"[data-stage=\"{id}\"][data-lane=\"stage\"]");
            (await header.CountAsync()).ShouldBe(1, $"one header cell for stage {id}");
            await header.ScrollIntoViewIfNeededAsync();
            (await header.IsVisibleAsync()).ShouldBeTrue($"stage {id} is visible");
            var box = await header.BoundingBoxAsync();
            box.ShouldNotBeNull();
            columnsLeft.Add(box.X + (await page.EvaluateAsync<float>("() => window.scrollX")));
        }

        // Columns: each stage header sits to the right of the previous one.
        columnsLeft.ShouldBe(columnsLeft.Order().ToList(), "stages are laid out left to right in file order");
        columnsLeft.Distinct().Count().ShouldBe(4);

        // Rows: the lanes the sample fills, each a visible row whose label reads as the lane.
        string[] lanes = ["touchpoints", "actions", "thoughts", "emotion", "pain-points", "opportunities", "kpis"];
        var rowsTop = new List<float>();
        foreach (var lane in lanes)
        {
            // A lane is a grid row (display: contents); its label is the box a reader sees.
            var row = page.Locator($".lane-{lane} .lane-label").First;
            (await row.IsVisibleAsync()).ShouldBeTrue($"lane {lane} is visible");
            rowsTop.Add((await row.BoundingBoxAsync())!.Y);
        }

        rowsTop.Distinct().Count().ShouldBe(lanes.Length, "every lane is its own row");
        (await page.GetByText("Import from the old tracker needs a CSV export first").IsVisibleAsync()).ShouldBeTrue();

        await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Artifacts, "complete-map.png"), FullPage = true });
    }

    [Fact]
    public async Task The_emotion_curve_is_drawn_through_every_scored_stage()
    {
        var journey = Load("complete.yaml");
        await using var context = await chromium.Browser.NewContextAsync(new() { Offline = true });
        var page = await context.NewPageAsync();
        await page.SetContentAsync(HtmlRenderer.Render(journey));
        var polyline = page.Locator("svg polyline").First;
        (await polyline.IsVisibleAsync()).ShouldBeTrue();
        var points = (await polyline.GetAttributeAsync("points"))!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // All four stages of the sample carry an emotion score (3, 4, 2, 4).
        points.Length.ShouldBe(4);
        var ys = points.Select(p => double.Parse(p.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        // Higher score, higher on screen (smaller y): 4 above 3 above 2, and the two 4s level.
        ys[1].ShouldBeLessThan(ys[0]);
        ys[0].ShouldBeLessThan(ys[2]);
        ys[3].ShouldBe(ys[1], 0.001);
    }
}
