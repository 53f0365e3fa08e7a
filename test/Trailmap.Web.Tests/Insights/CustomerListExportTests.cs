using System.Globalization;
using System.Net;
using System.Text;
using Trailmap.Web.Accounts;
using Trailmap.Web.Insights;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

public sealed class CustomerListExportTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_customers_list_downloads_as_csv_in_the_pages_order()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var response = await client.GetAsync($"/journeys/{stored.Slug}/customers.csv", Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe($"{stored.Slug}-customers.csv");
        // As on the page (CustomerPagesTests): b, d, c, stuck since 01-02, 01-03 and 01-05 until the data's end on
        // 2024-01-15: 13, 12 and 10 days. No health model, so the health columns are empty.
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldBe(
            "customer,stage,stage_name,entered_utc,seconds_in_stage,health,band,weakest\r\n"
            + $"b,activate,Activate,2024-01-02T00:00:00Z,{13 * 86400},,,\r\n"
            + $"d,signup,Sign up,2024-01-03T00:00:00Z,{12 * 86400},,,\r\n"
            + $"c,activate,Activate,2024-01-05T00:00:00Z,{10 * 86400},,,\r\n");
    }

    [Fact]
    public async Task A_long_list_is_paged_a_hundred_at_a_time()
    {
        // 101 customers signed up an hour apart and went no further: the one who signed up last waited least, so
        // she alone is on page 2.
        var events = new StringBuilder();
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 101; i++)
        {
            events.Append(CultureInfo.InvariantCulture, $"{{\"user_id\":\"u{i:000}\",\"event\":\"Signed Up\",\"timestamp\":\"{start.AddHours(i):yyyy-MM-ddTHH:mm:ssZ}\"}}\n");
        }

        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, events.ToString(), Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var first = await client.GetStringAsync($"/journeys/{stored.Slug}/customers", Cancel);
        Rows(first, "list customers").Count.ShouldBe(AtRiskList.Shown);
        first.ShouldContain("data-customer=\"u000\"");
        first.ShouldContain("data-customer=\"u099\"");
        first.ShouldNotContain("data-customer=\"u100\"");
        first.ShouldContain("Page 1 of 2");
        first.ShouldContain($"href=\"/journeys/{stored.Slug}/customers?page=2\" rel=\"next\"");

        var second = await client.GetStringAsync($"/journeys/{stored.Slug}/customers?page=2", Cancel);
        Rows(second, "list customers").ShouldHaveSingleItem().ShouldStartWith("u100 Sign up 2024-01-05 04:00:00 UTC");
        second.ShouldContain("Page 2 of 2");

        // The CSV holds every page.
        var csv = await client.GetStringAsync($"/journeys/{stored.Slug}/customers.csv", Cancel);
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1 + 101);

        // A page past the end shows the last one; a page that is not a number shows the first.
        (await client.GetStringAsync($"/journeys/{stored.Slug}/customers?page=9", Cancel)).ShouldContain("Page 2 of 2");
        (await client.GetStringAsync($"/journeys/{stored.Slug}/customers?page=x", Cancel)).ShouldContain("Page 1 of 2");
    }

    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("-1", "'-1")]
    [InlineData("plain", "plain")]
    public void Cells_are_quoted_and_never_start_a_formula(string value, string expected) =>
        CustomerCsv.Cell(value).ShouldBe(expected);
}
