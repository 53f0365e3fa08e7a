using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Generation;
using Trailmap.Journeys.Templates;
using Trailmap.Testing;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;

namespace Trailmap.Web.Tests.Browser;

/// <summary>
/// Every page type of the workspace in Chromium at a desktop (1440 px) and a phone (390 px) width: axe-core finds no
/// serious or critical accessibility violation, the console stays free of errors (a missing favicon is one), no
/// request for the page's own assets fails, and a full-page screenshot of each is kept under
/// artifacts/test/screenshots. Then the small layout faults users reported, each checked where it showed.
/// </summary>
public sealed class PageQualityTests
{
    private const string Email = "editor@example.test";
    private const string Password = "a long enough password";
    private const string Slug = "awareness-to-advocacy";

    private static readonly int[] Widths = [1440, 390];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_page_type_passes_axe_has_a_clean_console_and_is_kept_as_screenshots_at_two_widths()
    {
        var axe = AxeScript();
        await using var live = await LiveWorkspace.StartAsync(Cancel);
        await SeedAsync(live);
        var page = await SignedInPageAsync(live);
        var customer = await FirstCustomerPathAsync(page);
        var share = await CreateShareLinkAsync(page);

        (string Name, string Path)[] pages =
        [
            ("journeys", "/journeys"),
            ("map", "/journeys/" + Slug),
            ("stage", "/journeys/" + Slug + "/stages/consideration"),
            ("funnel", "/journeys/" + Slug + "/funnel?over-time=week&correlation=on"),
            ("paths", "/journeys/" + Slug + "/paths"),
            ("kpis", "/journeys/" + Slug + "/kpis"),
            ("retention", "/journeys/" + Slug + "/retention"),
            ("cohorts", "/journeys/" + Slug + "/cohorts"),
            ("customers", "/journeys/" + Slug + "/customers"),
            ("customer", customer),
            ("interventions", "/journeys/" + Slug + "/interventions"),
            ("editor", "/journeys/" + Slug + "/edit"),
            ("history", "/journeys/" + Slug + "/history"),
            ("share", "/journeys/" + Slug + "/share"),
            ("export", "/journeys/" + Slug + "/export"),
            ("templates", "/templates"),
            ("import", "/import"),
            ("dead-letters", "/automation/dead-letters"),
            ("account", "/account"),
            ("shared-map", share),
            ("embed", share + "/embed"),
        ];

        var shots = Path.Combine(RepoPaths.Artifacts, "screenshots");
        Directory.CreateDirectory(shots);
        var failures = new List<string>();
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            foreach (var (name, path) in pages)
            {
                var problems = new List<string>();
                void OnConsole(object? sender, IConsoleMessage m)
                {
                    if (m.Type == "error")
                    {
                        problems.Add("console error: " + m.Text);
                    }
                }

                void OnResponse(object? sender, IResponse r)
                {
                    if (r.Status >= 400)
                    {
                        problems.Add($"{r.Status} for {r.Url}");
                    }
                }

                void OnPageError(object? sender, string e) => problems.Add("script error: " + e);

                page.Console += OnConsole;
                page.Response += OnResponse;
                page.PageError += OnPageError;
                var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
                response!.Status.ShouldBe(200, $"{name} at {path}");
                problems.AddRange(await AxeAsync(page, axe));
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, $"{name}-{width}.png"), FullPage = true });
                page.Console -= OnConsole;
                page.Response -= OnResponse;
                page.PageError -= OnPageError;
                failures.AddRange(problems.Select(p => $"{name} ({path}) at {width}px: {p}"));
            }
        }

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    [Fact]
    public async Task The_reported_layout_faults_are_gone()
    {
        await using var live = await LiveWorkspace.StartAsync(Cancel);
        await SeedAsync(live);
        var page = await SignedInPageAsync(live);

        // On a phone the main navigation stays within the screen (it scrolls inside its own row).
        await page.SetViewportSizeAsync(390, 800);
        await page.GotoAsync("/journeys/" + Slug);
        var bar = await page.EvaluateAsync<double[]>("() => { const h = document.querySelector('header.topbar'); return [h.scrollWidth, h.getBoundingClientRect().right, window.innerWidth]; }");
        bar[0].ShouldBeLessThanOrEqualTo(bar[2], "the top bar is wider than the screen");
        bar[1].ShouldBeLessThanOrEqualTo(bar[2]);
        await page.SetViewportSizeAsync(1440, 900);

        // A stage's drill-down highlights the tab it belongs to, the map.
        await page.GotoAsync("/journeys/" + Slug + "/stages/consideration");
        (await page.Locator(".tabs a.active").AllInnerTextsAsync()).ShouldBe(["Map"]);

        // A customer's stage list keeps a space between a stage's name and when it was entered.
        await page.GotoAsync(await FirstCustomerPathAsync(page));
        var reached = await page.Locator(".stage-visits li.reached").First.InnerTextAsync();
        reached.ShouldMatch(@"^\S.*\S entered \d{4}-\d{2}-\d{2}");

        // The editor's list of stage forms has no list bullets run in between the names.
        await page.GotoAsync("/journeys/" + Slug + "/edit");
        var bullets = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('ul.stage-links li')].map(li => getComputedStyle(li).listStyleType)");
        bullets.ShouldNotBeEmpty();
        bullets.ShouldAllBe(b => b == "none");

        // The new share link is shown whole, not cut off by a narrow box.
        var share = await CreateShareLinkAsync(page);
        share.ShouldStartWith("/s/");
        var box = await page.EvaluateAsync<double[]>("() => { const i = document.getElementById('share-url'); return [i.scrollWidth, i.clientWidth]; }");
        box[0].ShouldBeLessThanOrEqualTo(box[1], "the share link does not fit its box");

        // Every document that names no icon still gets one instead of a 404.
        var icon = await page.APIRequest.GetAsync("/favicon.ico");
        icon.Status.ShouldBe(200);
        icon.Headers["content-type"].ShouldStartWith("image/svg+xml");
    }

    [Fact]
    public async Task The_framed_map_grows_to_its_full_height_so_the_page_scrolls_once()
    {
        await using var live = await LiveWorkspace.StartAsync(Cancel);
        await SeedAsync(live);
        var page = await SignedInPageAsync(live);
        await page.SetViewportSizeAsync(1440, 900);
        var share = await CreateShareLinkAsync(page);

        foreach (var path in new[] { "/journeys/" + Slug, share })
        {
            await page.GotoAsync(path);
            await page.WaitForFunctionAsync("""
                () => { const f = document.querySelector('iframe.map-frame'); const d = f && f.contentDocument;
                        return d && d.readyState === 'complete' && d.documentElement.scrollHeight <= d.documentElement.clientHeight; }
                """);
            var sizes = await page.EvaluateAsync<double[]>("() => { const d = document.querySelector('iframe.map-frame').contentDocument.documentElement; return [d.scrollHeight, d.clientHeight, window.innerHeight]; }");
            sizes[0].ShouldBeGreaterThan(sizes[2], $"{path}: the map is taller than the window, so a fixed-height frame would scroll inside the page");
            sizes[0].ShouldBeLessThanOrEqualTo(sizes[1], $"{path}: the frame has no scrollbar of its own");
        }
    }

    /// <summary>axe-core from the test project's npm packages (package-lock.json pins it; eng/install-test-deps.sh installs it).</summary>
    internal static string AxeScript()
    {
        var path = Path.Combine(RepoPaths.Root, "test", "Trailmap.Web.Tests", "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(path))
        {
            var why = $"axe-core is not installed at {path}: run `npm ci --prefix test/Trailmap.Web.Tests` (eng/install-test-deps.sh does)";
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            {
                throw new InvalidOperationException(why);
            }

            Assert.Skip(why);
        }

        return File.ReadAllText(path);
    }

    /// <summary>The serious and critical WCAG 2 A/AA violations axe finds on the page and its frames, one line each.</summary>
    internal static async Task<List<string>> AxeAsync(IPage page, string axe)
    {
        foreach (var frame in page.Frames)
        {
            await frame.EvaluateAsync(axe);
        }

        var json = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0].target.join(' ')}: ${(v.nodes[0].failureSummary || '').replace(/\s+/g, ' ').slice(0, 200)})`);
            }
            """);
        return [.. json.EnumerateArray().Select(v => "axe " + v.GetString())];
    }

    /// <summary>The awareness-to-advocacy template with 300 generated customers, whose rules send email and Slack.</summary>
    internal static async Task SeedAsync(LiveWorkspace live)
    {
        live.Services.GetRequiredService<UserStore>().Create(Email, "Eda the editor", Password, Role.Editor);
        var yaml = TemplateCatalog.ReadYaml(Slug);
        live.Services.GetRequiredService<JourneyStore>().Create(yaml, "test");
        var events = Path.Combine(live.Dir, "events.jsonl");
        await using (var file = File.Create(events))
        {
            EventGenerator.WriteJsonl(JourneyFile.FromText(yaml).Journey!, new GeneratorOptions { Customers = 300, Seed = 11 }, file);
        }

        var data = live.Services.GetRequiredService<EventData>();
        await data.UseAsync(store => EventImporter.Import(store, [events]), Cancel);
        data.Changed();
    }

    internal static async Task<IPage> SignedInPageAsync(LiveWorkspace live)
    {
        var page = await live.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.FillAsync("input[name=email]", Email);
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/journeys");
        return page;
    }

    private static async Task<string> FirstCustomerPathAsync(IPage page)
    {
        await page.GotoAsync("/journeys/" + Slug + "/customers");
        return (await page.Locator($"main a[href^='/journeys/{Slug}/customers/']").First.GetAttributeAsync("href"))!;
    }

    /// <summary>Creates a share link through the form and returns its path.</summary>
    internal static async Task<string> CreateShareLinkAsync(IPage page)
    {
        await page.GotoAsync("/journeys/" + Slug + "/share");
        await page.ClickAsync("form.share-form button[type=submit]");
        var url = await page.InputValueAsync("#share-url");
        return new Uri(url).AbsolutePath;
    }
}
