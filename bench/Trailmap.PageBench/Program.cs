using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Trailmap.Journeys.Templates;
using Trailmap.Web;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Journeys;
using Trailmap.Web.State;

// Usage: Trailmap.PageBench STORE.duckdb TEMPLATE REQUESTS [INGEST_EVENTS_PER_SECOND SECONDS]
// Serves STORE (events already imported) on loopback, adds TEMPLATE's journey, signs in and times GET /journeys/{slug}:
// the first request (cold: events loaded and analyzed) apart, then REQUESTS warm ones, printing p50/p95/p99.
// With INGEST_EVENTS_PER_SECOND, it then keeps a second client posting /v1/batch at that rate for SECONDS and times
// the page all along: every pump run changes the data, so this is the stale-while-revalidate path, and it reports
// how old the numbers shown were.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Trailmap.PageBench STORE.duckdb TEMPLATE REQUESTS [INGEST_EVENTS_PER_SECOND SECONDS]");
    return 2;
}

var (db, template, requests) = (args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
var ingestRate = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;
var ingestSeconds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 60;
string writeKey;
const string Email = "bench@example.test";
const string Password = "bench password 123";
string slug;
using (var workspace = new WorkspaceDb(db))
{
    var users = new UserStore(workspace, TimeProvider.System, new SessionStore(workspace, TimeProvider.System));
    if (users.FindByEmail(Email) is null)
    {
        users.Create(Email, "Bench", Password, Role.Viewer);
    }

    var journeys = new JourneyStore(workspace, TimeProvider.System);
    slug = journeys.Create(TemplateCatalog.ReadYaml(template), Email, "bench").Slug;
    writeKey = new ApiKeyStore(workspace, TimeProvider.System).Create("bench", ApiKeyKind.Ingest).Secret;
}

var app = WorkspaceServer.Build(new WorkspaceOptions { DbPath = db }, ["http://127.0.0.1:0"]);
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
var signin = await http.GetStringAsync("/signin");
var token = WebUtility.HtmlDecode(Regex.Match(signin, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
var response = await http.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
{
    ["email"] = Email,
    ["password"] = Password,
    ["__RequestVerificationToken"] = token,
}));
if (response.StatusCode != HttpStatusCode.Redirect)
{
    Console.Error.WriteLine("sign-in failed: " + response.StatusCode);
    return 1;
}

// Cold: the first measurement. The first request answers "measuring" after the bounded wait; the page refreshes
// itself (here: every 500 ms) until the numbers are there.
var watch = Stopwatch.StartNew();
var firstAnswer = double.NaN;
while (true)
{
    using var first = await http.GetAsync("/journeys/" + slug);
    var html = await first.Content.ReadAsStringAsync();
    first.EnsureSuccessStatusCode();
    firstAnswer = double.IsNaN(firstAnswer) ? watch.Elapsed.TotalMilliseconds : firstAnswer;
    if (html.Contains("Numbers as of", StringComparison.Ordinal))
    {
        break;
    }

    await Task.Delay(500);
}

var cold = watch.Elapsed.TotalMilliseconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first answer after {firstAnswer:F0} ms; numbers after {cold:F0} ms; loadavg {File.ReadAllText("/proc/loadavg").Trim()}"));
var peakAfterLoad = Process.GetCurrentProcess().PeakWorkingSet64;
var times = new List<double>(requests);
for (var i = 0; i < requests; i++)
{
    watch.Restart();
    using var page = await http.GetAsync("/journeys/" + slug);
    await page.Content.ReadAsByteArrayAsync();
    page.EnsureSuccessStatusCode();
    times.Add(watch.Elapsed.TotalMilliseconds);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"journey page {slug}: cold {cold:F0} ms (load + analyze); warm over {requests} requests {Percentiles(times)}; peak working set {peakAfterLoad / 1048576.0:F0} MB"));
if (ingestRate > 0)
{
    await UnderIngestionAsync();
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set of the whole run {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MB"));
await app.StopAsync();
return 0;

// Posts batches of 100 events (new customers' sign-ups and page views, timestamped now) at the rate asked, while
// timing the page back to back; reports latency, how old the numbers shown were, and how many runs finished.
async Task UnderIngestionAsync()
{
    using var ingest = new HttpClient { BaseAddress = new Uri(address) };
    ingest.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(writeKey + ":")));
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(ingestSeconds));
    var posted = 0L;

    // Four senders, as an SDK fleet would: one sender alone is bound by each request's round trip and fsync.
    const int Senders = 4;
    var batchesPerSecond = Math.Max(1.0, ingestRate / 100.0 / Senders);
    var poster = Task.WhenAll(Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
    {
        var clock = Stopwatch.StartNew();
        var n = 0L;
        while (!stop.IsCancellationRequested)
        {
            var due = TimeSpan.FromSeconds(n / batchesPerSecond);
            if (due > clock.Elapsed)
            {
                try
                {
                    await Task.Delay(due - clock.Elapsed, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var at = TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            var batch = string.Join(",", Enumerable.Range(0, 100).Select(i =>
                $$"""{"type":"track","userId":"live-{{sender}}-{{n}}-{{i / 2}}","event":"{{(i % 2 == 0 ? "Signed Up" : "Page Viewed")}}","timestamp":"{{at}}","messageId":"live-{{sender}}-{{n}}-{{i}}"}"""));
            using var content = new StringContent("{\"batch\":[" + batch + "]}", System.Text.Encoding.UTF8, "application/json");
            using var r = await ingest.PostAsync("/v1/batch", content);
            r.EnsureSuccessStatusCode();
            Interlocked.Add(ref posted, 100);
            n++;
        }
    })));

    var live = new List<double>();
    var ages = new List<double>();
    var measuring = 0;
    var asOfs = new HashSet<string>(StringComparer.Ordinal);
    while (!stop.IsCancellationRequested)
    {
        watch.Restart();
        using var page = await http.GetAsync("/journeys/" + slug);
        var html = await page.Content.ReadAsStringAsync();
        page.EnsureSuccessStatusCode();
        live.Add(watch.Elapsed.TotalMilliseconds);
        var asOf = Regex.Match(html, "Numbers as of ([0-9-]+ [0-9:]+) UTC");
        if (asOf.Success)
        {
            asOfs.Add(asOf.Groups[1].Value);
            var shown = DateTimeOffset.ParseExact(asOf.Groups[1].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            ages.Add((TimeProvider.System.GetUtcNow() - shown).TotalSeconds);
        }
        else
        {
            measuring++;
        }
    }

    await poster;
    var load = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"under ingestion ({posted:N0} events posted in {ingestSeconds} s, {posted / (double)ingestSeconds:N0}/s): {live.Count} page requests {Percentiles(live)}; "
        + $"numbers shown were {Quantile(ages, 0.5):F0} s old at the median, {(ages.Count > 0 ? ages.Max() : 0):F0} s at most; {asOfs.Count} distinct measurements shown; {measuring} 'measuring' pages; loadavg {load}"));
}

static double Quantile(List<double> values, double q)
{
    if (values.Count == 0)
    {
        return double.NaN;
    }

    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1))];
}

static string Percentiles(List<double> values) => string.Create(CultureInfo.InvariantCulture,
    $"p50 {Quantile(values, 0.50):F1} ms, p95 {Quantile(values, 0.95):F1} ms, p99 {Quantile(values, 0.99):F1} ms");
