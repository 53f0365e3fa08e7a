using System.Text;
using Shouldly;
using Trailmap.Journeys;
using Trailmap.Journeys.Rendering;
using Trailmap.Testing;

using Xunit;

namespace Trailmap.Export.Tests;

/// <summary>
/// Colour emoji are really drawn in colour in the PNG and the PDF of samples/seed-004-restate.yaml, a customer's
/// document full of them (🚀, 🎉, 🔥, ✅...). The control is the same map with every emoji replaced by a letter: the map's own
/// colours (chips, markers, curves) are in both, so the difference in strongly coloured pixels is what the emoji add.
/// With no colour emoji font they would print as grey boxes or outlines, and the difference would be about nothing.
/// </summary>
public sealed class EmojiInExportsTests
{
    private static readonly string Seed = RepoPaths.Sample("seed-004-restate.yaml");

    /// <summary>Emoji (and their joiners and presentation selectors) as they occur in journey text.</summary>
    private static bool IsEmoji(Rune r) =>
        r.Value is >= 0x1F000 and <= 0x1FAFF or >= 0x2600 and <= 0x27BF or >= 0x2B00 and <= 0x2BFF or 0xFE0F or 0x200D;

    /// <summary>The text with each emoji replaced by the letter o (which keeps YAML indentation and plain scalars valid).</summary>
    private static string WithoutEmoji(string text) =>
        string.Concat(text.EnumerateRunes().Where(r => r.Value is not (0xFE0F or 0x200D)).Select(r => IsEmoji(r) ? "o" : r.ToString()));

    private static string Html(string yaml)
    {
        var file = JourneyFile.FromText(yaml);
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        return HtmlRenderer.Render(file.Journey!);
    }

    /// <summary>How many emoji the HTML page has in its source (its text and its stylesheet).</summary>
    private static int EmojiIn(string html) => html.EnumerateRunes().Count(r => IsEmoji(r) && r.Value is not (0xFE0F or 0x200D));

    [Fact]
    public async Task The_png_shows_the_documents_emoji_in_colour()
    {
        ChromiumFixture.RequireChromium();
        var yaml = await File.ReadAllTextAsync(Seed, TestContext.Current.CancellationToken);
        var withEmoji = Html(yaml);
        var control = Html(WithoutEmoji(yaml));
        // The page's own symbols (the ✓ of its stylesheet) are in both; the rest are the document's.
        var emoji = EmojiIn(withEmoji) - EmojiIn(control);
        emoji.ShouldBeGreaterThan(20);

        var path = Path.Combine(RepoPaths.Artifacts, "seed-004-emoji.png");
        var controlPath = Path.Combine(RepoPaths.Artifacts, "seed-004-no-emoji.png");
        await using (var exporter = await ChromiumExporter.StartAsync())
        {
            await exporter.ExportPngAsync(withEmoji, path, TestContext.Current.CancellationToken);
            await exporter.ExportPngAsync(control, controlPath, TestContext.Current.CancellationToken);
        }

        var added = RasterPixels.CountPng(path, RasterPixels.Saturated) - RasterPixels.CountPng(controlPath, RasterPixels.Saturated);

        // Card text is 13 CSS px, drawn at twice the pixel density: an emoji covers about 26 x 26 = 676 device pixels,
        // and a colour emoji fills well over a fifth of its box with strong colour. Half of the page's emoji at a
        // fifth of 676 pixels is the least the emoji may add.
        added.ShouldBeGreaterThan(emoji / 2 * 676 / 5, $"{emoji} emoji added {added} strongly coloured pixels");
    }

    [Fact]
    public async Task The_pdf_shows_the_documents_emoji_in_colour()
    {
        ChromiumFixture.RequireChromium();
        var yaml = await File.ReadAllTextAsync(Seed, TestContext.Current.CancellationToken);
        var withEmoji = Html(yaml);
        var control = Html(WithoutEmoji(yaml));
        var emoji = EmojiIn(withEmoji) - EmojiIn(control);

        var path = Path.Combine(RepoPaths.Artifacts, "seed-004-emoji.pdf");
        var controlPath = Path.Combine(RepoPaths.Artifacts, "seed-004-no-emoji.pdf");
        await using (var exporter = await ChromiumExporter.StartAsync())
        {
            await exporter.ExportPdfAsync(withEmoji, path, PageSize.A3, TestContext.Current.CancellationToken);
            await exporter.ExportPdfAsync(control, controlPath, PageSize.A3, TestContext.Current.CancellationToken);
        }

        const int Dpi = 150;
        var added = RasterPixels.CountPdf(path, Dpi, RasterPixels.Saturated) - RasterPixels.CountPdf(controlPath, Dpi, RasterPixels.Saturated);

        // The PDF lays the page out at the printable width and prints it at 60 % of full size or more
        // (docs/rendering.md): a 13 px emoji is then at least 7.8 CSS px, 7.8 / 96 inch, so 12 pixels across at
        // 150 dpi, 144 pixels; a fifth of them strongly coloured for half of the page's emoji is the least they add.
        added.ShouldBeGreaterThan(emoji / 2 * 144 / 5, $"{emoji} emoji added {added} strongly coloured pixels");
    }
}
