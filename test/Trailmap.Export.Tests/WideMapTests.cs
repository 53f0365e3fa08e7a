using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shouldly;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Testing;

using Xunit;

namespace Trailmap.Export.Tests;

/// <summary>
/// Maps of 3 to 20 stages in real Chromium: every stage column is inside the picture or the page, no card's text
/// leaves its box, and a printed map repeats its stage headers and lane labels on each page without breaking words.
/// </summary>
public sealed class WideMapTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string[] StageNames =
    [
        "Awareness", "Consideration", "Engagement", "Evaluation", "Signup", "Onboarding", "Activation", "Adoption",
        "Habit", "Collaboration", "Expansion", "Purchase", "Renewal", "Retention", "Loyalty", "Referral", "Advocacy",
        "Support", "Reactivation", "Community",
    ];

    /// <summary>A journey of <paramref name="stages"/> stages with everything a stage can hold, emoji feelings included.</summary>
    public static Journey Journey(int stages)
    {
        var yaml = new StringBuilder("version: 1\nid: wide\ntitle: A journey of ").Append(stages).Append(" stages\nstages:\n");
        for (var i = 0; i < stages; i++)
        {
            var id = "s" + i.ToString(CultureInfo.InvariantCulture);
            yaml.Append(CultureInfo.InvariantCulture, $"""
              - id: {id}
                name: {StageNames[i]}
                goal: Customers understand what {StageNames[i].ToLowerInvariant()} gives them within the first week
                description: The team tracks every step of {StageNames[i].ToLowerInvariant()} and fixes what slows customers down.
                touchpoints:
                  - {"{"} id: tp-{id}, name: Personalised onboarding email with a checklist, channel: email, owner: Lifecycle marketing {"}"}
                actions: [Reads the comparison of plans and pricing]
                thoughts: ["Will my whole team actually use this every day?"]
                emotion: {"{"} score: {1 + (i % 5)}, feelings: ["🤔 Curious", "😐 Overwhelmed"] {"}"}
                pain_points:
                  - {"{"} text: Importing existing projects needs a spreadsheet export first, severity: high {"}"}
                opportunities:
                  - {"{"} text: One-click import from the previous tool, type: automate, priority: high, status: planned {"}"}
                kpis:
                  - {"{"} id: k-{id}, name: Completion of {StageNames[i].ToLowerInvariant()}, type: rate, event: Step Done, target: ">= 40%" {"}"}

            """);
        }

        var file = JourneyFile.FromText(yaml.ToString(), "wide.yaml");
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        return file.Journey!;
    }

    // Stage columns, and whether each lies inside the page and inside the map's visible box (not scrolled away).
    private const string ColumnsScript = """
        () => {
          const pageWidth = document.documentElement.scrollWidth;
          return Array.from(document.querySelectorAll('[data-lane="stage"]')).map(c => {
            const r = c.getBoundingClientRect();
            const box = c.closest('.map-scroll').getBoundingClientRect();
            return { id: c.dataset.stage, left: r.left + window.scrollX, right: r.right + window.scrollX, pageWidth,
                     inBox: r.left >= box.left - 1 && r.right <= box.right + 1 };
          });
        }
        """;

    // Every card whose content is wider or taller than its box, or whose text runs past its right edge.
    private const string OverflowScript = """
        () => {
          const cards = document.querySelectorAll('.map .item, .map .kpi-badge, .map .moment, .map .thought, .map .stage-head, .map .feelings li');
          const bad = [];
          for (const card of cards) {
            const box = card.getBoundingClientRect();
            const wide = card.scrollWidth > card.clientWidth + 1 || card.scrollHeight > card.clientHeight + 1;
            const outside = Array.from(card.querySelectorAll('*')).some(e => {
              if (getComputedStyle(e).textOverflow === 'ellipsis') return false;
              const r = e.getBoundingClientRect();
              return r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1);
            });
            if (wide || outside) bad.push(card.className + ': ' + card.textContent.slice(0, 60));
          }
          return bad;
        }
        """;

    // Words of stage names and card titles that the layout split over two lines.
    private const string BrokenWordsScript = """
        () => {
          const broken = [];
          for (const el of document.querySelectorAll('.stage-name, .item-title, .lane-name, .kpi-name')) {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const re = /\S+/g;
              let m;
              while ((m = re.exec(node.data)) !== null) {
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (tops.size > 1) broken.push(m[0]);
              }
            }
          }
          return broken;
        }
        """;

    private sealed class Column
    {
        public string Id { get; set; } = "";
        public double Left { get; set; }
        public double Right { get; set; }
        public double PageWidth { get; set; }
        public bool InBox { get; set; }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(20)]
    public async Task The_png_shows_every_stage_and_no_card_overflows(int stages)
    {
        var html = HtmlRenderer.Render(Journey(stages));
        await using var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 }, Offline = true, JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.SetContentAsync(html);
        await ChromiumExporter.FitToContentAsync(page);

        var columns = await page.EvaluateAsync<Column[]>(ColumnsScript);
        columns.Select(c => c.Id).ShouldBe(Enumerable.Range(0, stages).Select(i => "s" + i.ToString(CultureInfo.InvariantCulture)));
        foreach (var c in columns)
        {
            c.InBox.ShouldBeTrue($"stage {c.Id} is scrolled out of the map's box");
            c.Left.ShouldBeGreaterThanOrEqualTo(0);
            c.Right.ShouldBeLessThanOrEqualTo(c.PageWidth + 0.5, $"stage {c.Id} ends past the page");
        }

        (await page.EvaluateAsync<string[]>(OverflowScript)).ShouldBeEmpty();
        (await page.EvaluateAsync<string[]>(BrokenWordsScript)).ShouldBeEmpty();
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Artifacts, $"wide-{stages}-stages-page.png"), FullPage = true });

        // The exported PNG is as wide as the page that holds every column, at twice the pixel density.
        var path = Path.Combine(RepoPaths.Artifacts, $"wide-{stages}-stages.png");
        await using (var exporter = await ChromiumExporter.StartAsync())
        {
            await exporter.ExportPngAsync(html, path, TestContext.Current.CancellationToken);
        }

        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        var pngWidth = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4));
        pngWidth.ShouldBeGreaterThanOrEqualTo((int)Math.Floor(columns.Max(c => c.Right) * 2));
    }

    [Theory]
    // Stages a page: A3 landscape (420 - 20) mm = 1511.8 px, (1511.8 - 136) / 170 = 8; A4 landscape 1046.9 px: 5;
    // A3 portrait the same as A4 landscape: 5; A4 portrait (210 - 20) mm = 718.1 px: 3.
    [InlineData(PageSize.A3, PageOrientation.Landscape, 8)]
    [InlineData(PageSize.A4, PageOrientation.Landscape, 5)]
    [InlineData(PageSize.A3, PageOrientation.Portrait, 5)]
    [InlineData(PageSize.A4, PageOrientation.Portrait, 3)]
    public void Stages_per_page_follow_the_printable_width(PageSize size, PageOrientation orientation, int expected) =>
        ChromiumExporter.StagesPerPage(size, orientation).ShouldBe(expected);

    [Theory]
    // 20 stages at 8 a page: 3 blocks of 7, 7, 6. At 3 a page: 7 blocks, 3 x 6 and 2.
    [InlineData(20, 8, new[] { 7, 7, 6 })]
    [InlineData(20, 3, new[] { 3, 3, 3, 3, 3, 3, 2 })]
    // 9 at 5: 5 and 4, never 5 and a lonely column.
    [InlineData(9, 5, new[] { 5, 4 })]
    [InlineData(3, 8, new[] { 3 })]
    public void Blocks_are_balanced(int stages, int perPage, int[] expected) =>
        HtmlPrint.Blocks(stages, perPage).Select(b => b.Count).ShouldBe(expected);

    [Theory]
    [InlineData(3, PageSize.A4, PageOrientation.Portrait)]
    [InlineData(9, PageSize.A3, PageOrientation.Landscape)]
    [InlineData(15, PageSize.A4, PageOrientation.Landscape)]
    [InlineData(20, PageSize.A3, PageOrientation.Portrait)]
    [InlineData(20, PageSize.A4, PageOrientation.Portrait)]
    public async Task The_pdf_prints_the_map_in_blocks_with_headers_and_lane_labels_on_each(int stages, PageSize size, PageOrientation orientation)
    {
        var journey = Journey(stages);
        var perPage = ChromiumExporter.StagesPerPage(size, orientation);
        var html = HtmlRenderer.Render(journey, stagesPerBlock: perPage);
        var blocks = (stages + perPage - 1) / perPage;
        var (widthMm, heightMm) = ChromiumExporter.PageMillimetres(size, orientation);
        var printableWidth = (int)Math.Floor((widthMm - 20) * 96 / 25.4);

        await using var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = printableWidth, Height = 1000 }, Offline = true, JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.SetContentAsync(html);
        await page.EmulateMediaAsync(new() { Media = Media.Print });

        (await page.Locator(".map-block, .map-scroll").CountAsync()).ShouldBe(blocks);
        // Each block carries its own stage header row and the same lane labels.
        var labelsPerBlock = await page.EvaluateAsync<string[]>(
            "() => Array.from(document.querySelectorAll('.map-scroll')).map(b => Array.from(b.querySelectorAll('.lane-name')).map(l => l.textContent).join('|'))");
        labelsPerBlock.Distinct().Count().ShouldBe(1);
        labelsPerBlock[0].ShouldStartWith("Stage|Touchpoints|Actions|Thoughts|Emotion");

        var columns = await page.EvaluateAsync<Column[]>(ColumnsScript);
        columns.Length.ShouldBe(stages);
        columns.ShouldAllBe(c => c.InBox && c.Right <= printableWidth + 0.5);
        // Steps run on across blocks: the last stage is numbered as the last.
        (await page.Locator(".step").Last.TextContentAsync()).ShouldBe(stages.ToString("00", CultureInfo.InvariantCulture));
        (await page.EvaluateAsync<string[]>(OverflowScript)).ShouldBeEmpty();
        (await page.EvaluateAsync<string[]>(BrokenWordsScript)).ShouldBeEmpty();

        var path = Path.Combine(RepoPaths.Artifacts, $"wide-{stages}-stages-{size}-{orientation}.pdf");
        await using (var exporter = await ChromiumExporter.StartAsync())
        {
            await exporter.ExportPdfAsync(html, path, size, orientation, TestContext.Current.CancellationToken);
        }

        var text = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        var boxes = Regex.Matches(text, @"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]");
        boxes.Count.ShouldBeGreaterThan(0);
        foreach (Match box in boxes)
        {
            // 1 mm = 72 / 25.4 pt.
            double.Parse(box.Groups[1].Value, CultureInfo.InvariantCulture).ShouldBe(widthMm * 72 / 25.4, 1.0);
            double.Parse(box.Groups[2].Value, CultureInfo.InvariantCulture).ShouldBe(heightMm * 72 / 25.4, 1.0);
        }

        // The journey has no personas or other sections, so the PDF is its map: one full page a block, the header on
        // the first. A block that overflowed, or a header alone on a half-empty first page, would add a page.
        Regex.Matches(text, @"/Type\s*/Page\b").Count.ShouldBe(blocks);
    }
}
