using System.Net;
using Trailmap.Journeys.Parsing;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Editing;

/// <summary>The journey limits in the editor: text over them is refused with the error shown, never saved, never a 500.</summary>
public sealed class EditorLimitTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> SaveAsync(HttpClient client, string yaml) =>
        WorkspaceFactory.PostFormAsync(client, "/journeys/trial/edit", new() { ["yaml"] = yaml, ["baseVersion"] = "1", ["message"] = "big", ["action"] = "save" }, Cancel);

    [Fact]
    public async Task Saving_text_over_1_MiB_saves_nothing_and_shows_TM019()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        journeys.Create(EditorTests.Yaml, "seed");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var big = EditorTests.Yaml + "# " + new string('x', JourneyLimits.MaxFileBytes) + "\n";

        var response = await SaveAsync(client, big);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("Nothing was saved");
        html.ShouldContain("<code>TM019</code>");
        journeys.Versions(journeys.Find("trial")!.Id).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_form_beyond_what_the_server_reads_is_refused_as_a_client_error_not_a_500()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        journeys.Create(EditorTests.Yaml, "seed");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        // Past the 4 MiB a form field may hold: the form is not read at all (400 here; 413 from Kestrel's own
        // 4 MB body limit under trailmap serve).
        var response = await SaveAsync(client, new string('x', 5 * 1024 * 1024));

        ((int)response.StatusCode).ShouldBeInRange(400, 499, await response.Content.ReadAsStringAsync(Cancel));
        journeys.Versions(journeys.Find("trial")!.Id).Count.ShouldBe(1);
    }
}
