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
using Trailmap.Web.Journeys;
using Trailmap.Web.State;

// Usage: Trailmap.PageBench STORE.duckdb TEMPLATE REQUESTS
// Serves STORE (events already imported) on loopback, adds TEMPLATE's journey, signs in and times GET /journeys/{slug}:
// the first request (cold: events loaded and analyzed) apart, then REQUESTS warm ones, printing p50/p95/p99.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Trailmap.PageBench STORE.duckdb TEMPLATE REQUESTS");
    return 2;
}

var (db, template, requests) = (args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
const string Email = "bench@example.test";
const string Password = "bench password 123";
string slug;
using (var workspace = new WorkspaceDb(db))
{
    var users = new UserStore(workspace, TimeProvider.System);
    if (users.FindByEmail(Email) is null)
    {
        users.Create(Email, "Bench", Password, Role.Viewer);
    }

    var journeys = new JourneyStore(workspace, TimeProvider.System);
    slug = journeys.Create(TemplateCatalog.ReadYaml(template), Email, "bench").Slug;
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

var watch = Stopwatch.StartNew();
var first = await http.GetAsync("/journeys/" + slug);
first.EnsureSuccessStatusCode();
var cold = watch.Elapsed.TotalMilliseconds;
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

times.Sort();
double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"journey page {slug}: cold {cold:F0} ms (load + analyze); warm over {requests} requests p50 {P(0.50):F1} ms, p95 {P(0.95):F1} ms, p99 {P(0.99):F1} ms; peak working set {peakAfterLoad / 1048576.0:F0} MB"));
await app.StopAsync();
return 0;
