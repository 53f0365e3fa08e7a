using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Shouldly;
using Trailmap.Drafting.Tests;
using Trailmap.Export;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>trailmap draft --render</c>: the deliverable beside the drafted YAML, against a loopback scripted model.</summary>
public sealed class DraftRenderCommandTests : IDisposable
{
    // A stage name with markup and an ampersand: every renderer must escape what a model drafts.
    private const string Journey = """
        { "version": 1, "id": "agency-trial", "title": "Agency trial",
          "personas": [ { "id": "lead", "name": "Lea the lead" } ],
          "stages": [
            { "id": "signup", "name": "Sign up <b>fast</b> & free", "entry": "Signed Up", "kpis": [ { "id": "signups", "name": "Signups", "type": "count", "event": "Signed Up", "target": ">= 50" } ] },
            { "id": "pay", "name": "Pay", "entry": "Subscription Started", "kpis": [ { "id": "trial-to-paid", "name": "Trial to paid", "type": "conversion", "target": ">= 20%" } ] } ] }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-draft-render-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string PathOf(string name) => Path.Combine(_dir, name);

    private async Task<string> BriefAsync()
    {
        var path = PathOf("brief.md");
        await File.WriteAllTextAsync(path, "A project tool for small agencies.", Cancel);
        return path;
    }

    private static ScriptedChatServer Model(string journey) =>
        ScriptedChatServer.Start(new ScriptedAnswer.Text("Segments."), new ScriptedAnswer.Text("Personas."), new ScriptedAnswer.Text(journey));

    [Fact]
    public async Task The_text_formats_are_written_beside_the_draft_each_as_a_progress_step()
    {
        await using var server = Model(Journey);
        var output = PathOf("journey.yaml");

        var run = await CliRun.RunAsync("draft", await BriefAsync(), "-o", output, "--model-url", server.Url.ToString(), "--model", "scripted",
            "--render", "html, svg,MD,mermaid,csv,json");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Err.ShouldContain("render 1/6 html...");
        run.Err.ShouldContain($"render 1/6 html: wrote {PathOf("journey.html")}");
        run.Err.ShouldContain($"render 6/6 json: wrote {PathOf("journey.json")}");
        run.Err.IndexOf("step 3/3 journey map", StringComparison.Ordinal).ShouldBeLessThan(run.Err.IndexOf("render 1/6", StringComparison.Ordinal));

        var html = await File.ReadAllTextAsync(PathOf("journey.html"), Cancel);
        html.ShouldStartWith("<!DOCTYPE html>", Case.Insensitive);
        html.ShouldContain("Sign up &lt;b&gt;fast&lt;/b&gt; &amp; free");
        html.ShouldNotContain("<b>fast</b>");
        html.ShouldContain(">Pay<");

        var svg = await File.ReadAllTextAsync(PathOf("journey.svg"), Cancel);
        svg.ShouldContain("<svg");
        svg.ShouldContain("&lt;b");
        svg.ShouldNotContain("<b>");

        var md = await File.ReadAllTextAsync(PathOf("journey.md"), Cancel);
        md.ShouldContain("Agency trial");
        md.ShouldNotContain("<b>fast</b>");

        (await File.ReadAllTextAsync(PathOf("journey.mmd"), Cancel)).TrimStart().ShouldStartWith("journey");
        // The header row is "lane" then the stage names; a spreadsheet cell is plain text, and these names hold no comma or quote to need quoting.
        (await File.ReadAllTextAsync(PathOf("journey.csv"), Cancel)).Split("\r\n")[0].ShouldBe("lane,Sign up <b>fast</b> & free,Pay");

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(PathOf("journey.json"), Cancel));
        json.RootElement.GetProperty("id").GetString().ShouldBe("agency-trial");
        json.RootElement.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ShouldBe(["Sign up <b>fast</b> & free", "Pay"]);
    }

    [Fact]
    public async Task Png_pdf_and_zip_come_from_Chromium_and_are_what_they_claim()
    {
        Assert.SkipWhen(FindChromium() is null, $"No Chromium at ${ChromiumLocator.EnvironmentVariable} or /usr/bin/chromium; PNG, PDF and zip renders are not tested here.");
        await using var server = Model(Journey);
        var output = PathOf("journey.yaml");

        var run = await CliRun.RunAsync("draft", await BriefAsync(), "-o", output, "--model-url", server.Url.ToString(), "--model", "scripted",
            "--render", "png,pdf,zip", "--chromium", FindChromium()!);

        run.ExitCode.ShouldBe(0, run.ToString());
        var png = await File.ReadAllBytesAsync(PathOf("journey.png"), Cancel);
        png[..8].ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        Encoding.ASCII.GetString((await File.ReadAllBytesAsync(PathOf("journey.pdf"), Cancel))[..5]).ShouldBe("%PDF-");

        await using var zip = await ZipFile.OpenReadAsync(PathOf("journey.zip"), Cancel);
        zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ShouldBe(
            ["README.md", "journey.csv", "journey.html", "journey.json", "journey.md", "journey.pdf", "journey.png", "journey.schema.json", "journey.svg", "journey.yaml"]);
        using var reader = new StreamReader(await zip.GetEntry("journey.yaml")!.OpenAsync(Cancel));
        (await reader.ReadToEndAsync(Cancel)).ShouldBe(await File.ReadAllTextAsync(output, Cancel));
        await using var zipPng = await zip.GetEntry("journey.png")!.OpenAsync(Cancel);
        var magic = new byte[8];
        await zipPng.ReadExactlyAsync(magic, Cancel);
        magic.ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
    }

    [Fact]
    public async Task An_unknown_format_lists_the_valid_ones_before_the_model_is_asked()
    {
        await using var server = Model(Journey);

        var run = await CliRun.RunAsync("draft", await BriefAsync(), "-o", PathOf("journey.yaml"), "--model-url", server.Url.ToString(), "--model", "scripted",
            "--render", "html,docx");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Err.ShouldContain("'docx' is not a format");
        run.Err.ShouldContain("html, svg, png, pdf, md, mermaid, csv, json, zip");
        run.Err.ShouldNotContain("   at ");
        server.Requests.Count.ShouldBe(0);
        Directory.GetFiles(_dir).Select(Path.GetFileName).ShouldBe(["brief.md"]);
    }

    [Fact]
    public async Task An_empty_format_and_an_existing_render_target_are_refused_before_the_model_is_asked()
    {
        await using var server = Model(Journey);
        var brief = await BriefAsync();
        await File.WriteAllTextAsync(PathOf("journey.html"), "mine", Cancel);

        var empty = await CliRun.RunAsync("draft", brief, "-o", PathOf("journey.yaml"), "--model-url", server.Url.ToString(), "--model", "m", "--render", "html,,svg");
        var exists = await CliRun.RunAsync("draft", brief, "-o", PathOf("journey.yaml"), "--model-url", server.Url.ToString(), "--model", "m", "--render", "svg,html");

        empty.ExitCode.ShouldBe(1, empty.ToString());
        empty.Err.ShouldContain("empty format");
        exists.ExitCode.ShouldBe(1, exists.ToString());
        exists.Err.ShouldContain($"'{PathOf("journey.html")}' already exists");
        exists.Err.ShouldContain("--force");
        server.Requests.Count.ShouldBe(0);
        (await File.ReadAllTextAsync(PathOf("journey.html"), Cancel)).ShouldBe("mine");
    }

    [Fact]
    public async Task A_draft_that_stays_invalid_is_not_rendered_and_says_so()
    {
        var broken = Journey.Replace("\">= 20%\"", "\"twenty\"", StringComparison.Ordinal);
        broken.ShouldNotBe(Journey);
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text("Segments."), new ScriptedAnswer.Text("Personas."), new ScriptedAnswer.Text(broken), new ScriptedAnswer.Text(broken));

        var run = await CliRun.RunAsync("draft", await BriefAsync(), "-o", PathOf("journey.yaml"), "--model-url", server.Url.ToString(), "--model", "scripted",
            "--repairs", "1", "--render", "html,svg");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Err.ShouldContain("Nothing was rendered");
        run.Err.ShouldNotContain("render 1/2");
        File.Exists(PathOf("journey.html")).ShouldBeFalse();
        File.Exists(PathOf("journey.svg")).ShouldBeFalse();
        File.Exists(PathOf("journey.draft.yaml")).ShouldBeTrue();
    }

    private static string? FindChromium() =>
        Environment.GetEnvironmentVariable(ChromiumLocator.EnvironmentVariable) is { Length: > 0 } env && File.Exists(env) ? env
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : null;
}
