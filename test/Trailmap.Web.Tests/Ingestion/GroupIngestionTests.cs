using System.Net;
using System.Text.Json;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Ingestion.IngestClient;

namespace Trailmap.Web.Tests.Ingestion;

/// <summary>
/// Segment <c>group</c> messages through the live ingestion API into accounts: a journey that measures accounts
/// counts them, and an account's page lists its members. Numbers worked out by hand from the messages.
/// </summary>
public sealed class GroupIngestionTests
{
    private const string Journey = """
        version: 1
        id: b2b
        title: Team onboarding
        measure: accounts
        stages:
          - { id: signup, name: Sign up, entry: Signed Up }
          - { id: activate, name: Activate, entry: Activated }
        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // u1 and u2 join acme, u3 joins beta (u3's group call comes after its events: memberships are read, not replayed).
    // Everyone signs up; only u2 activates. Per account: acme and beta signed up (2), acme activated (1). Per person
    // it would be 3 and 1.
    [Fact]
    public async Task Group_messages_make_accounts_that_an_accounts_journey_counts()
    {
        using var factory = new WorkspaceFactory();
        var segment = Segment(factory);
        string[] calls =
        [
            """/v1/group {"userId": "u1", "groupId": "acme", "traits": {"name": "Acme <Inc>", "plan": "team"}, "timestamp": "2024-05-01T09:00:00Z"}""",
            """/v1/group {"userId": "u2", "groupId": "acme", "timestamp": "2024-05-01T09:00:00Z"}""",
            """/v1/track {"userId": "u1", "event": "Signed Up", "timestamp": "2024-05-01T10:00:00Z"}""",
            """/v1/track {"userId": "u2", "event": "Signed Up", "timestamp": "2024-05-01T10:05:00Z"}""",
            """/v1/track {"userId": "u2", "event": "Activated", "timestamp": "2024-05-01T11:00:00Z"}""",
            """/v1/track {"userId": "u3", "event": "Signed Up", "timestamp": "2024-05-01T10:00:00Z"}""",
            """/v1/group {"userId": "u3", "groupId": "beta", "timestamp": "2024-05-02T09:00:00Z"}""",
        ];
        foreach (var call in calls)
        {
            var space = call.IndexOf(' ', StringComparison.Ordinal);
            (await PostAsync(segment, call[..space], call[(space + 1)..], Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK, call);
        }

        await FlushAsync(factory, Cancel);
        factory.Service<EventData>().Changed();
        var stored = factory.Service<JourneyStore>().Create(Journey, "test");
        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);

        using (var analysis = JsonDocument.Parse(await viewer.GetStringAsync($"/api/journeys/{stored.Slug}/analysis", Cancel)))
        {
            analysis.RootElement.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("reached").GetInt64()).ShouldBe([2L, 1L]);
        }

        var page = await viewer.GetStringAsync($"/journeys/{stored.Slug}/customers/acme", Cancel);
        page.ShouldContain("2 members:");
        page.ShouldContain("<code>u1</code>");
        page.ShouldContain("<code>u2</code>");
        page.ShouldNotContain("<code>u3</code>");
        page.ShouldNotContain("Acme <Inc>");

        var beta = await viewer.GetStringAsync($"/journeys/{stored.Slug}/customers/beta", Cancel);
        // One member: singular (the page said "1 members").
        beta.ShouldContain("1 member:");
        beta.ShouldContain("<code>u3</code>");
    }
}
