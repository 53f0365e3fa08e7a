using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Trailmap.Journeys.Templates;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.DataImport;
using Trailmap.Web.Journeys;
using Trailmap.Web.State;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.DataImport;

/// <summary>
/// The import page end to end: a multipart upload through the real form, the importer on the workspace's DuckDB
/// file, the job page and its JSON status. (One class, so its tests never run two imports' temp folders at once.)
/// </summary>
public sealed partial class ImportTests
{
    // Lines: 1 header; 2-5 fine; 6 has a timestamp that is no time; 7 fine. Customers a, b, c.
    // a: Page Viewed, Signed Up. b: Page Viewed. c: Page Viewed, Signed Up (line 7; line 6 is rejected).
    private const string Csv = """
        user_id,event,timestamp,plan
        a,Page Viewed,2024-03-01T10:00:00Z,free
        a,Signed Up,2024-03-01T10:05:00Z,free
        b,Page Viewed,2024-03-02T09:00:00Z,free
        c,Page Viewed,2024-03-03T08:00:00Z,free
        c,Signed Up,yesterday-ish,free
        c,Signed Up,2024-03-03T08:30:00Z,team

        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_small_csv_with_one_bad_row_reports_its_line_and_moves_the_map()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        var stored = journeys.Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        (await client.GetStringAsync($"/journeys/{stored.Slug}", Cancel)).ShouldContain("No events yet");
        var before = ImportDirs();

        var job = await UploadAsync(client, "events.csv", Csv, new() { ["format"] = "auto" });
        var status = await WaitAsync(client, job);
        status.GetProperty("state").GetString().ShouldBe("succeeded");

        // 6 data rows read; the row on line 6 is rejected, the other 5 imported, none seen before.
        status.GetProperty("rows").GetInt64().ShouldBe(6);
        var page = await client.GetStringAsync($"/import/jobs/{job}", Cancel);
        page.ShouldContain("data-result=\"imported\">5<");
        page.ShouldContain("data-result=\"duplicates\">0<");
        page.ShouldContain("data-result=\"rejected\">1<");
        page.ShouldContain("<td class=\"num\">6</td><td>unparsable timestamp &quot;yesterday-ish&quot;</td>");
        page.ShouldNotContain("data-status-url");
        ImportDirs().ShouldBe(before, "the upload's temp folder is deleted after the import");

        // Three customers all viewed a page (Discover), a and c signed up (Sign up): 3 then 2, conversion 2/3.
        var measured = await factory.Service<AnalysisService>().MeasureAsync(journeys.Find(stored.Slug)!, journeys.Latest(stored), Cancel);
        measured.Analysis.Customers.ShouldBe(3);
        measured.Analysis.Events.ShouldBe(5);
        measured.Analysis.Stages.Single(s => s.Id == "discover").Reached.ShouldBe(3);
        var signup = measured.Analysis.Stages.Single(s => s.Id == "signup");
        signup.Reached.ShouldBe(2);
        signup.ConversionFromPrevious!.Value.ShouldBe(2.0 / 3, 1e-9);
        (await client.GetStringAsync($"/journeys/{stored.Slug}", Cancel)).ShouldNotContain("No events yet");

        // The same file again: the 5 good rows are duplicates now, the bad one is still rejected.
        var again = await UploadAsync(client, "events.csv", Csv, []);
        (await WaitAsync(client, again)).GetProperty("state").GetString().ShouldBe("succeeded");
        var second = await client.GetStringAsync($"/import/jobs/{again}", Cancel);
        second.ShouldContain("data-result=\"imported\">0<");
        second.ShouldContain("data-result=\"duplicates\">5<");
        second.ShouldContain("data-result=\"rejected\">1<");
        (await client.GetStringAsync("/import", Cancel)).ShouldContain($"href=\"/import/jobs/{again}\"");
    }

    [Fact]
    public async Task Column_mapping_and_one_event_name_for_every_row_are_passed_to_the_importer()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        // No column the importer would recognise: buyer and bought_at are mapped, the event is constant.
        const string purchases = "buyer,bought_at,amount\nx,2024-01-01T00:00:00Z,10\ny,2024-01-02T00:00:00Z,20\nx,2024-01-05T00:00:00Z,5\n";
        var job = await UploadAsync(client, "purchases.csv", purchases, new()
        {
            ["format"] = "csv",
            ["customer_id"] = "buyer",
            ["timestamp"] = "bought_at",
            ["constant_event"] = "Purchased",
        });
        (await WaitAsync(client, job)).GetProperty("state").GetString().ShouldBe("succeeded");

        // 3 rows in (customer, time) order; amount is a number property, the mapped columns are not properties.
        var rows = await factory.Service<EventData>().UseAsync(s => s.ReadSorted(null, null, null).ToList(), Cancel);
        rows.Select(r => (r.CustomerId, r.Event, r.Timestamp.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.Properties.Replace(" ", "", StringComparison.Ordinal))).ShouldBe(
        [
            ("x", "Purchased", "2024-01-01", "{\"amount\":10}"),
            ("x", "Purchased", "2024-01-05", "{\"amount\":5}"),
            ("y", "Purchased", "2024-01-02", "{\"amount\":20}"),
        ]);
    }

    [Fact]
    public async Task A_failed_import_says_why_and_leaves_the_store_unchanged()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var before = ImportDirs();

        var job = await UploadAsync(client, "people.csv", "who,when\nann,2024-01-01\n", []);
        var status = await WaitAsync(client, job);

        status.GetProperty("state").GetString().ShouldBe("failed");
        var page = await client.GetStringAsync($"/import/jobs/{job}", Cancel);
        page.ShouldContain("people.csv: cannot find the customer id");
        page.ShouldContain("Columns found: who, when");
        page.ShouldNotContain("trailmap-import-", customMessage: "the temp path is not shown");
        (await CountEventsAsync(factory)).ShouldBe(0);
        ImportDirs().ShouldBe(before);
    }

    [Fact]
    public async Task Finished_imports_stay_listed_after_a_restart_and_an_interrupted_one_says_what_happened()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-import-history-").FullName;
        var db = Path.Combine(dir, "workspace.duckdb");
        string finished;
        try
        {
            using (var factory = new WorkspaceFactory(o => o with { DbPath = db }))
            {
                var client = await factory.SignedInAsync(Role.Editor, Cancel);
                finished = await UploadAsync(client, "events.csv", Csv, []);
                (await WaitAsync(client, finished)).GetProperty("state").GetString().ShouldBe("succeeded");

                // What a stop in the middle of an import leaves: the job recorded as running, never finished.
                var running = new ImportJob("interrupted-job", "someone@example.test", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)) { FileName = "big.csv" };
                running.Set(new ImportStatus(ImportState.Running, 1000, 10, TimeSpan.FromSeconds(100), null, null));
                new ImportJobHistory(factory.Service<WorkspaceDb>(), TimeProvider.System).Record(running);
            }

            using (var restarted = new WorkspaceFactory(o => o with { DbPath = db }))
            {
                var client = await restarted.SignedInAsync(Role.Editor, Cancel);
                var list = await client.GetStringAsync("/import", Cancel);
                list.ShouldContain($"href=\"/import/jobs/{finished}\"");
                list.ShouldContain("href=\"/import/jobs/interrupted-job\"");

                // The finished job's page still has its numbers and the rejected line (line 6 of the CSV above).
                var page = await client.GetStringAsync($"/import/jobs/{finished}", Cancel);
                page.ShouldContain("data-result=\"imported\">5<");
                page.ShouldContain("<td class=\"num\">6</td><td>unparsable timestamp &quot;yesterday-ish&quot;</td>");

                var interrupted = await client.GetStringAsync("/import/jobs/interrupted-job", Cancel);
                interrupted.ShouldContain("failed");
                interrupted.ShouldContain("none of its events were stored: upload the file again");
                interrupted.ShouldNotContain("data-status-url", customMessage: "a failed job does not poll for progress");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_second_import_while_one_runs_gets_a_clear_message()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var jobs = factory.Service<ImportJobs>();

        // Holds the one slot the way an upload in progress does.
        var running = jobs.TryBegin("someone@example.test", out _).ShouldNotBeNull();
        running.FileName = "big.csv";
        try
        {
            var response = await UploadResponseAsync(client, "events.csv", Csv, []);
            response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            var html = await response.Content.ReadAsStringAsync(Cancel);
            html.ShouldContain("Another import (big.csv, started by someone@example.test");
            html.ShouldContain("imports run one at a time");
        }
        finally
        {
            jobs.Abandon(running);
        }

        var job = await UploadAsync(client, "events.csv", Csv, []);
        (await WaitAsync(client, job)).GetProperty("state").GetString().ShouldBe("succeeded");
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_and_nothing_is_left_behind()
    {
        // A 100-byte limit; the CSV's first two lines alone are longer.
        using var factory = new WorkspaceFactory(o => o with { MaxImportBytes = 100 });
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var before = ImportDirs();

        var response = await UploadResponseAsync(client, "events.csv", Csv, []);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("larger than this workspace&#x27;s upload limit of 100 bytes");
        factory.Service<ImportJobs>().Current.ShouldBeNull();
        factory.Service<ImportJobs>().Recent.ShouldBeEmpty();
        ImportDirs().ShouldBe(before);
        (await CountEventsAsync(factory)).ShouldBe(0);
    }

    [Fact]
    public async Task An_upload_without_the_antiforgery_token_writes_nothing()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(Csv)), "file", "events.csv" } };
        var response = await client.PostAsync("/import", form, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("security token");
        factory.Service<ImportJobs>().Recent.ShouldBeEmpty();
    }

    [Fact]
    public async Task Viewers_cannot_import_and_bad_options_are_named()
    {
        using var factory = new WorkspaceFactory();
        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);
        var page = await viewer.GetAsync("/import", Cancel);
        page.Headers.Location!.ToString().ShouldContain("/forbidden");

        var editor = await factory.SignedInAsync(Role.Editor, Cancel);
        var both = await UploadResponseAsync(editor, "events.csv", Csv, new() { ["event"] = "event", ["constant_event"] = "Purchased" });
        both.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await both.Content.ReadAsStringAsync(Cancel)).ShouldContain("not both");
        var format = await UploadResponseAsync(editor, "events.csv", Csv, new() { ["format"] = "xlsx" });
        (await format.Content.ReadAsStringAsync(Cancel)).ShouldContain("There is no format &quot;xlsx&quot;");
        factory.Service<ImportJobs>().Current.ShouldBeNull();
    }

    private static async Task<string> UploadAsync(HttpClient client, string name, string content, Dictionary<string, string> fields)
    {
        var response = await UploadResponseAsync(client, name, content, fields);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync(Cancel));
        return JobId().Match(response.Headers.Location!.ToString()).Groups[1].Value;
    }

    /// <summary>The form as a browser sends it: the antiforgery field first, the options, the file last.</summary>
    private static async Task<HttpResponseMessage> UploadResponseAsync(HttpClient client, string name, string content, Dictionary<string, string> fields)
    {
        var token = await WorkspaceFactory.AntiforgeryTokenAsync(client, "/import", Cancel);
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        foreach (var (key, value) in fields)
        {
            form.Add(new StringContent(value), key);
        }

        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(content)), "file", name);
        return await client.PostAsync("/import", form, Cancel);
    }

    private static async Task<JsonElement> WaitAsync(HttpClient client, string job)
    {
        for (var i = 0; i < 600; i++)
        {
            var json = JsonDocument.Parse(await client.GetStringAsync($"/import/jobs/{job}/status", Cancel)).RootElement;
            if (json.GetProperty("done").GetBoolean())
            {
                return json;
            }

            await Task.Delay(100, Cancel);
        }

        throw new TimeoutException($"import {job} did not finish in a minute");
    }

    private static Task<long> CountEventsAsync(WorkspaceFactory factory) =>
        factory.Service<EventData>().UseAsync(s => s.Summary().Events, Cancel);

    private static string[] ImportDirs() =>
        [.. Directory.GetDirectories(Path.GetTempPath(), "trailmap-import-*").Order(StringComparer.Ordinal)];

    [GeneratedRegex("^/import/jobs/([0-9a-f]{32})$")]
    private static partial Regex JobId();
}
