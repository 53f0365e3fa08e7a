using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Shouldly;
using Trailmap.Journeys;
using Trailmap.Journeys.Rendering;
using Trailmap.Testing;

using Xunit;

namespace Trailmap.Export.Tests;

public sealed class PngAndPdfExportTests
{
    private static string Html() =>
        HtmlRenderer.Render(JourneyFile.Load(RepoPaths.Sample("complete.yaml")).Journey!);

    [Fact]
    public async Task Png_is_a_full_page_image_at_twice_the_pixel_density()
    {
        ChromiumFixture.RequireChromium();
        var path = Path.Combine(RepoPaths.Artifacts, "complete-export.png");
        await using (var exporter = await ChromiumExporter.StartAsync())
        {
            await exporter.ExportPngAsync(Html(), path, TestContext.Current.CancellationToken);
        }

        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        bytes.AsSpan(0, 8).ToArray().ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
        // IHDR holds width and height big-endian at bytes 16..23; the viewport is 1600 CSS px at scale 2.
        var width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4));
        var height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4));
        width.ShouldBeGreaterThanOrEqualTo(3200);
        height.ShouldBeGreaterThan(800);
        File.Exists(path + ".partial").ShouldBeFalse();
    }

    [Theory]
    // A3 landscape is 420 x 297 mm = 1190.55 x 841.89 pt; A4 landscape 297 x 210 mm = 841.89 x 595.28 pt.
    [InlineData(PageSize.A3, 1190.55, 841.89)]
    [InlineData(PageSize.A4, 841.89, 595.28)]
    public async Task Pdf_pages_are_landscape_at_the_requested_size(PageSize size, double widthPt, double heightPt)
    {
        ChromiumFixture.RequireChromium();
        var path = Path.Combine(RepoPaths.Artifacts, $"complete-export-{size}.pdf");
        await using (var exporter = await ChromiumExporter.StartAsync())
        {
            await exporter.ExportPdfAsync(Html(), path, size, TestContext.Current.CancellationToken);
        }

        var text = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        text.ShouldStartWith("%PDF-");
        var boxes = Regex.Matches(text, @"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]");
        boxes.Count.ShouldBeGreaterThan(0);
        foreach (Match box in boxes)
        {
            double.Parse(box.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(widthPt, 1.0);
            double.Parse(box.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(heightPt, 1.0);
        }
    }

    [Theory]
    // Printable A3 width: (420 - 2 x 10) mm x 96/25.4 px/mm = 1511.81 px. 3023.62 px of content prints at half size.
    [InlineData(3023.62, PageSize.A3, 0.5)]
    // A4: (297 - 20) mm x 3.7795 = 1046.93 px; 2093.86 px prints at 0.5.
    [InlineData(2093.86, PageSize.A4, 0.5)]
    // A narrow map is never enlarged.
    [InlineData(800, PageSize.A3, 1.0)]
    // Chromium's floor for the print scale is 0.1.
    [InlineData(100000, PageSize.A4, 0.1)]
    public void The_print_scale_fits_the_map_width_to_the_page(double contentWidth, PageSize size, double expected) =>
        ChromiumExporter.FitScale(contentWidth, size).ShouldBe(expected, 0.001);

    [Fact]
    public async Task A_missing_chromium_is_reported_with_how_to_install_it()
    {
        var e = await Should.ThrowAsync<ChromiumNotFoundException>(() => ChromiumExporter.StartAsync("/nonexistent/chromium"));
        e.Message.ShouldContain("/nonexistent/chromium");
    }
}
