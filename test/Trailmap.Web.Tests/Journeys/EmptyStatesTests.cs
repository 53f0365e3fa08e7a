using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;
using Trailmap.Web.Tests.Insights;

namespace Trailmap.Web.Tests.Journeys;

/// <summary>Every measured page of a journey nobody entered says what to do next instead of showing zeros.</summary>
public sealed class EmptyStatesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_measured_page_of_a_journey_without_events_says_how_to_send_them()
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(InsightsData.TrialYaml, "test");
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        foreach (var (path, what) in new[]
        {
            ("", "The map below shows the targets; the numbers appear once customer events arrive."),
            ("/kpis", "The KPIs' actuals appear once customer events arrive."),
            ("/retention", "Retention cohorts appear once customer events arrive."),
            ("/customers", "The customers to watch appear once customer events arrive."),
            ("/stages/activate", "This stage's funnel, times and stuck customers appear once customer events arrive."),
            ("/interventions", "Delivered messages and lift appear once customer events arrive."),
        })
        {
            var page = InsightsData.Text(await client.GetStringAsync($"/journeys/{stored.Slug}{path}", Cancel));
            page.ShouldContain("No events yet " + what, customMessage: path);
            page.ShouldContain("Import a file of events (CSV, JSONL or Parquet).", customMessage: path);
            page.ShouldContain("Send events to the ingestion API, POST /v1/batch with a write key", customMessage: path);
            page.ShouldContain("Bind each stage to an event", customMessage: path);
        }
    }

    [Fact]
    public async Task A_measured_journey_shows_no_empty_state()
    {
        using var factory = new WorkspaceFactory();
        var stored = await InsightsData.SeedAsync(factory, InsightsData.TrialYaml, InsightsData.TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        foreach (var path in new[] { "", "/kpis", "/retention", "/customers", "/stages/activate", "/interventions" })
        {
            (await client.GetStringAsync($"/journeys/{stored.Slug}{path}", Cancel)).ShouldNotContain("id=\"empty-h\"", customMessage: path);
        }
    }
}
