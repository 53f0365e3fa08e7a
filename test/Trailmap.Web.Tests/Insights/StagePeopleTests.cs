using System.Globalization;
using System.Net;
using System.Text;
using Trailmap.Web.Accounts;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

/// <summary>The stage page's lists of stuck and converted customers: every one of them, by pages and as CSV.</summary>
public sealed class StagePeopleTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Converted from signup to activate: a b c e, earliest signup first (a and b both 01-01: by id), each with the
    // time the funnel reached activate: a 02:00 the same day, b 01-02, c 01-05, e 01-08 00:30.
    [Fact]
    public async Task The_converted_list_shows_who_went_on_and_when()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/signup?show=converted", Cancel);

        html.ShouldContain("<span class=\"converted-count\">4</span>");
        Rows(html, "list converted").ShouldBe(
        [
            "a 2024-01-01 00:00:00 UTC 2024-01-01 02:00:00 UTC",
            "b 2024-01-01 00:00:00 UTC 2024-01-02 00:00:00 UTC",
            "c 2024-01-02 00:00:00 UTC 2024-01-05 00:00:00 UTC",
            "e 2024-01-08 00:00:00 UTC 2024-01-08 00:30:00 UTC",
        ]);
        html.ShouldContain("stuck (1)");
        html.ShouldContain("went on to Activate (4)");
    }

    // Stuck in activate: b since 01-02 and c since 01-05; the data ends 01-15: 13 and 10 days.
    [Fact]
    public async Task Every_stuck_or_converted_customer_downloads_as_csv()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var response = await client.GetAsync($"/journeys/{stored.Slug}/stages/activate/people.csv?show=stuck", Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe($"{stored.Slug}-activate-stuck.csv");
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldBe(
            "customer,entered_utc,seconds_waiting\r\nb,2024-01-02T00:00:00Z,1123200\r\nc,2024-01-05T00:00:00Z,864000\r\n");

        // a and e paid: a entered activate 01-01 02:00 and paid 01-03; e entered 01-08 00:30 and paid 01-10.
        (await client.GetStringAsync($"/journeys/{stored.Slug}/stages/activate/people.csv?show=converted", Cancel)).ShouldBe(
            "customer,entered_utc,next_stage_entered_utc\r\na,2024-01-01T02:00:00Z,2024-01-03T00:00:00Z\r\ne,2024-01-08T00:30:00Z,2024-01-10T00:00:00Z\r\n");

        (await client.GetAsync($"/journeys/{stored.Slug}/stages/activate/people.csv?show=lost", Cancel)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetAsync($"/journeys/{stored.Slug}/stages/nope/people.csv", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    // 205 customers signed up at the same instant and none shared a board: stuck in signup, ordered by id, 100 a page:
    // page 3 holds u200..u204, and the CSV has all 205.
    [Fact]
    public async Task The_stuck_list_pages_through_every_customer()
    {
        using var factory = new WorkspaceFactory();
        var events = new StringBuilder();
        for (var i = 0; i < 205; i++)
        {
            events.Append(CultureInfo.InvariantCulture, $$"""{"user_id":"u{{i:D3}}","event":"Signed Up","timestamp":"2024-01-01T00:00:00Z"}""").Append('\n');
        }

        var stored = await SeedAsync(factory, TrialYaml, events.ToString(), Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var first = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/signup", Cancel);
        first.ShouldContain("<span class=\"stuck-count\">205</span>");
        Rows(first, "list stuck").Count.ShouldBe(100);
        first.ShouldContain("Page 1 of 3");
        first.ShouldContain($"href=\"/journeys/{stored.Slug}/stages/signup?page=2#stuck-h\"");

        var third = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/signup?page=3", Cancel);
        Rows(third, "list stuck").Select(r => r.Split(' ')[0]).ShouldBe(["u200", "u201", "u202", "u203", "u204"]);

        var csv = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/signup/people.csv", Cancel);
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(206);

        var bad = await client.GetAsync($"/journeys/{stored.Slug}/stages/signup?page=two", Cancel);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync(Cancel)).ShouldContain("page: &quot;two&quot; is not a page number");
    }
}
