using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Trailmap.Export;
using Trailmap.Journeys.Templates;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Exports;

public sealed partial class ExportTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Each text format: URL segment, file extension, content type, and a prefix of the content any such file starts with.</summary>
    public static TheoryData<string, string, string, string> TextFormats => new()
    {
        { "html", "html", "text/html", "<!DOCTYPE html>" },
        { "svg", "svg", "image/svg+xml", "<svg" },
        { "md", "md", "text/markdown", "# SaaS free trial to paid" },
        { "mermaid", "mmd", "text/plain", "journey\n    title SaaS free trial to paid" },
        { "csv", "csv", "text/csv", "lane," },
        { "json", "json", "application/json", "{" },
    };

    [Theory]
    [MemberData(nameof(TextFormats))]
    public async Task A_viewer_downloads_each_text_format_as_an_attachment_named_slug_v_version(string format, string extension, string contentType, string start)
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);

        var response = await viewer.GetAsync($"/journeys/{stored.Slug}/export/{format}", Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentDisposition.FileName!.Trim('"').ShouldBe($"saas-trial-v1.{extension}");
        response.Content.Headers.ContentType!.MediaType.ShouldBe(contentType);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        text.TrimStart().ShouldStartWith(start);
        if (format == "json")
        {
            JsonDocument.Parse(text).RootElement.ValueKind.ShouldBe(JsonValueKind.Object);
        }
    }

    [Fact]
    public async Task The_export_page_links_every_format_and_the_file_name_follows_the_version()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        var stored = journeys.Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        stored = journeys.Save(stored, TemplateCatalog.ReadYaml("saas-trial") + "\n# second version\n", "test", "v2");
        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);

        var page = await viewer.GetStringAsync($"/journeys/{stored.Slug}/export", Cancel);
        foreach (var f in new[] { "html", "pdf?size=a3", "pdf?size=a4", "png", "svg", "md", "mermaid", "csv", "json" })
        {
            page.ShouldContain($"href=\"/journeys/saas-trial/export/{f}\"");
        }

        page.ShouldContain("class=\"active\" aria-current=\"page\">Export</a>");
        var md = await viewer.GetAsync($"/journeys/{stored.Slug}/export/md", Cancel);
        md.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("saas-trial-v2.md");
    }

    [Fact]
    public async Task Unknown_formats_sizes_and_journeys_get_pages_that_say_so()
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);

        var format = await viewer.GetAsync($"/journeys/{stored.Slug}/export/docx", Cancel);
        format.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await format.Content.ReadAsStringAsync(Cancel)).ShouldContain("There is no export format &quot;docx&quot;");

        var size = await viewer.GetAsync($"/journeys/{stored.Slug}/export/pdf?size=letter", Cancel);
        size.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await size.Content.ReadAsStringAsync(Cancel)).ShouldContain("use a3 or a4");

        (await viewer.GetAsync("/journeys/nope/export/html", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await factory.Anonymous().GetAsync($"/journeys/{stored.Slug}/export/html", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Without_Chromium_pdf_and_png_answer_with_a_page_that_says_what_to_install()
    {
        using var factory = new WorkspaceFactory(o => o with { ChromiumPath = "/nonexistent/chromium" });
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);

        foreach (var format in new[] { "pdf", "png" })
        {
            var response = await viewer.GetAsync($"/journeys/{stored.Slug}/export/{format}", Cancel);
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            response.Content.Headers.ContentDisposition.ShouldBeNull();
            var html = await response.Content.ReadAsStringAsync(Cancel);
            html.ShouldContain("no Chromium at &#x27;/nonexistent/chromium&#x27;");
            html.ShouldContain("href=\"/journeys/saas-trial/export/html\"", customMessage: "the other formats stay offered");
        }
    }

    [Fact]
    public async Task With_Chromium_pdf_comes_in_a3_and_a4_and_png_is_a_png()
    {
        var chromium = FindChromium();
        if (chromium is null)
        {
            Assert.Skip($"No Chromium at ${ChromiumLocator.EnvironmentVariable} or /usr/bin/chromium; PDF and PNG exports are not tested here.");
        }

        using var factory = new WorkspaceFactory(o => o with { ChromiumPath = chromium });
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);

        var a3 = await DownloadAsync(viewer, $"/journeys/{stored.Slug}/export/pdf?size=a3", "application/pdf", "saas-trial-v1.pdf");
        var a4 = await DownloadAsync(viewer, $"/journeys/{stored.Slug}/export/pdf?size=a4", "application/pdf", "saas-trial-v1.pdf");
        Encoding.ASCII.GetString(a3, 0, 5).ShouldBe("%PDF-");
        Encoding.ASCII.GetString(a4, 0, 5).ShouldBe("%PDF-");

        // Landscape pages: A3 is 420 mm wide = 420 / 25.4 * 72 = 1190.6 pt, A4 is 297 mm = 841.9 pt.
        PageWidth(a3).ShouldBe(1190.6, 2);
        PageWidth(a4).ShouldBe(841.9, 2);

        var png = await DownloadAsync(viewer, $"/journeys/{stored.Slug}/export/png", "image/png", "saas-trial-v1.png");
        png[..8].ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
    }

    private static async Task<byte[]> DownloadAsync(HttpClient client, string path, string contentType, string fileName)
    {
        var response = await client.GetAsync(path, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        response.Content.Headers.ContentType!.MediaType.ShouldBe(contentType);
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentDisposition.FileName!.Trim('"').ShouldBe(fileName);
        return await response.Content.ReadAsByteArrayAsync(Cancel);
    }

    private static double PageWidth(byte[] pdf)
    {
        var match = MediaBox().Match(Encoding.Latin1.GetString(pdf));
        match.Success.ShouldBeTrue("the PDF names its page size");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string? FindChromium() =>
        Environment.GetEnvironmentVariable(ChromiumLocator.EnvironmentVariable) is { Length: > 0 } env && File.Exists(env) ? env
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : null;

    [GeneratedRegex(@"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+[0-9.]+\s*\]")]
    private static partial Regex MediaBox();
}
