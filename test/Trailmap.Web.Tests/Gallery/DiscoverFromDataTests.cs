using System.Net;
using System.Text;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Validation;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Gallery;

public sealed class DiscoverFromDataTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Discover_from_data_opens_the_proposed_journey_for_review_and_saves_nothing()
    {
        using var factory = new WorkspaceFactory();
        // 60 customers view, 40 of them add to the cart an hour later, and 20 of those buy an hour after that: each
        // event reached by at least the 20 customers discovery asks for by default.
        var csv = new StringBuilder("user_id,event,timestamp\n");
        for (var c = 0; c < 60; c++)
        {
            csv.Append($"u{c},View,2026-01-01T00:{c:00}:00Z\n");
            if (c < 40)
            {
                csv.Append($"u{c},Cart,2026-01-01T01:{c:00}:00Z\n");
            }

            if (c < 20)
            {
                csv.Append($"u{c},Buy,2026-01-01T02:{c:00}:00Z\n");
            }
        }

        var file = Path.Combine(factory.Dir, "events.csv");
        await File.WriteAllTextAsync(file, csv.ToString(), Cancel);
        var data = factory.Service<EventData>();
        await data.UseAsync(store => EventImporter.Import(store, [file], new ImportOptions(), null, Cancel), Cancel);
        data.Changed();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        (await client.GetStringAsync("/journeys/new", Cancel)).ShouldContain("action=\"/journeys/new/discover\"");

        var response = await WorkspaceFactory.PostFormAsync(client, "/journeys/new/discover", new(), Cancel, "/journeys/new");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("Discovered 3 stages from 120 events of 60 customers");
        var start = html.IndexOf("name=\"yaml\"", StringComparison.Ordinal);
        var yaml = WebUtility.HtmlDecode(html[(html.IndexOf('>', start) + 1)..html.IndexOf("</textarea>", start, StringComparison.Ordinal)]);
        var journey = JourneyFile.FromText(yaml);
        journey.HasErrors.ShouldBeFalse(yaml);
        journey.Journey!.Stages.Select(s => s.Entry!.Event).ShouldBe(["View", "Cart", "Buy"]);
        factory.Service<JourneyStore>().All().ShouldBeEmpty();

        // It opens in an editor with every diagnostic the validator finds in the text (warnings too) and a preview.
        var others = journey.Diagnostics.Count(d => d.Severity != Severity.Error);
        html.ShouldContain(others == 0 ? "No problems" : $"0 errors, {others} {(others == 1 ? "warning" : "warnings")}");
        foreach (var d in journey.Diagnostics)
        {
            html.ShouldContain($"data-line=\"{d.Location.Line}\"");
        }

        html.ShouldContain("<iframe id=\"preview\" class=\"preview-frame\"");
        html.ShouldContain("action=\"/journeys/new\"");
        var created = await WorkspaceFactory.PostFormAsync(client, "/journeys/new", new() { ["yaml"] = yaml }, Cancel, "/journeys/new");
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        factory.Service<JourneyStore>().All().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Too_few_events_say_what_is_missing_and_a_viewer_may_not_discover()
    {
        using var factory = new WorkspaceFactory();
        var editor = await factory.SignedInAsync(Role.Editor, Cancel);

        var empty = await WorkspaceFactory.PostFormAsync(editor, "/journeys/new/discover", new(), Cancel, "/journeys/new");

        empty.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await empty.Content.ReadAsStringAsync(Cancel)).ShouldContain("do not show a journey yet");

        using var other = new WorkspaceFactory();
        var viewer = await other.SignedInAsync(Role.Viewer, Cancel);
        var denied = await WorkspaceFactory.PostFormAsync(viewer, "/journeys/new/discover", new(), Cancel, "/journeys");
        denied.Headers.Location!.ToString().ShouldContain("/forbidden");
    }
}
