using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Trailmap.Journeys;
using Trailmap.Journeys.Generation;
using Trailmap.Journeys.Templates;
using Trailmap.Testing;
using Trailmap.Web.Accounts;

namespace Trailmap.Web.Tests.Browser;

/// <summary>
/// The path a product manager takes on day one, in Debian's Chromium against real Kestrel: sign in, create a journey
/// from a template, import events, see actuals on the map, edit a stage, see the new version and its diff, open a
/// share link read-only in a fresh browser, export a PDF. Screenshots of each step are kept as test artifacts.
/// </summary>
public sealed class MainUserPathTests
{
    private const string Email = "pm@example.test";
    private const string Password = "a long enough password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_product_manager_goes_from_sign_in_to_a_shared_measured_map_and_a_pdf()
    {
        await using var live = await LiveWorkspace.StartAsync(Cancel);
        live.Services.GetRequiredService<UserStore>().Create(Email, "Pat the PM", Password, Role.Editor);
        var shots = Path.Combine(RepoPaths.Artifacts, "browser-main-path");
        Directory.CreateDirectory(shots);
        var page = await live.NewPageAsync();
        async Task Shot(string name) => await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, name + ".png"), FullPage = true });

        // 1. Sign in through the form.
        await page.GotoAsync("/journeys");
        page.Url.ShouldContain("/signin");
        await page.FillAsync("input[name=email]", Email);
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/journeys");
        await Shot("01-journeys");

        // 2. Create a journey from the saas-trial template.
        await page.GotoAsync("/templates");
        await page.ClickAsync("form:has(input[name=template][value=saas-trial]) button[type=submit]");
        await page.WaitForURLAsync("**/journeys/saas-trial**");
        (await page.TextContentAsync("h1")).ShouldBe("SaaS free trial to paid");
        await Shot("02-created");

        // 3. Import generated events through the import page.
        var journey = JourneyFile.FromText(TemplateCatalog.ReadYaml("saas-trial")).Journey!;
        var events = Path.Combine(live.Dir, "events.jsonl");
        await using (var file = File.Create(events))
        {
            EventGenerator.WriteJsonl(journey, new GeneratorOptions { Customers = 300, Seed = 7 }, file);
        }

        var expectedCustomers = DistinctCustomers(events);
        await page.GotoAsync("/import");
        await page.SetInputFilesAsync("input[type=file][name=file]", events);
        await page.ClickAsync("form.import-form button[type=submit]");
        await page.WaitForURLAsync("**/import/jobs/**");
        await page.Locator("[data-result=imported]").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        await Shot("03-imported");

        // 4. The map shows actuals: as many customers as the file has distinct ids (counted above, not by Trailmap).
        await page.GotoAsync("/journeys/saas-trial");
        var customers = await page.Locator(".summary .stat:has-text('Customers') strong").TextContentAsync();
        customers!.Replace(",", "", StringComparison.Ordinal).ShouldBe(expectedCustomers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var map = page.FrameLocator("iframe.map-frame");
        await map.Locator("text=Customers measured").WaitForAsync();
        await Shot("04-measured-map");

        // 5. Edit a stage's cards without touching YAML.
        await page.GotoAsync("/journeys/saas-trial/stages/discover/edit");
        await page.FillAsync("input[name=name]", "Discover the product");
        await page.ClickAsync("form.stage-form button[type=submit]");
        await page.WaitForURLAsync("**/journeys/saas-trial/edit?notice=**");
        (await page.TextContentAsync(".notice"))!.ShouldContain("as version 2");
        await Shot("05-stage-edited");

        // 6. The new version is in the history, and its diff shows exactly the renamed line.
        await page.GotoAsync("/journeys/saas-trial/history");
        (await page.Locator("a[href='/journeys/saas-trial/history/2']").CountAsync()).ShouldBe(1);
        await page.GotoAsync("/journeys/saas-trial/diff?from=1&to=2");
        var diff = await page.Locator("main").InnerTextAsync();
        diff.ShouldContain("name: Discover the product");
        diff.ShouldContain("name: Discover");
        await Shot("06-diff");

        // 7. A share link opens read-only in a fresh browser profile with no session.
        await page.GotoAsync("/journeys/saas-trial/share");
        await page.ClickAsync("form.share-form button[type=submit]");
        var shareUrl = await page.InputValueAsync("#share-url");
        shareUrl.ShouldContain("/s/");
        var stranger = await live.NewPageAsync();
        var response = await stranger.GotoAsync(shareUrl);
        response!.Status.ShouldBe(200);
        (await stranger.ContentAsync()).ShouldContain("SaaS free trial to paid");
        (await stranger.Locator("form[action='/signout']").CountAsync()).ShouldBe(0);
        (await stranger.Locator("a[href='/journeys/saas-trial/edit']").CountAsync()).ShouldBe(0);
        await stranger.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "07-shared.png"), FullPage = true });
        var editAttempt = await stranger.GotoAsync("/journeys/saas-trial/edit");
        stranger.Url.ShouldContain("/signin");
        editAttempt!.Status.ShouldBe(200);

        // 8. Export a PDF from the export page.
        await page.GotoAsync("/journeys/saas-trial/export");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a:has-text('PDF A3')"));
        var pdf = Path.Combine(shots, "08-export.pdf");
        await download.SaveAsAsync(pdf);
        var head = new byte[5];
        await using (var stream = File.OpenRead(pdf))
        {
            await stream.ReadExactlyAsync(head, Cancel);
        }

        System.Text.Encoding.ASCII.GetString(head).ShouldBe("%PDF-");
        download.SuggestedFilename.ShouldBe("saas-trial-v2.pdf");
    }

    /// <summary>Distinct user ids in a Segment JSONL file, read independently of Trailmap's importer.</summary>
    private static int DistinctCustomers(string path)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("type", out var type) && type.GetString() == "track"
                && doc.RootElement.TryGetProperty("userId", out var id))
            {
                ids.Add(id.GetString()!);
            }
        }

        return ids.Count;
    }
}
