using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Trailmap.Journeys.Templates;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Journeys;
using Trailmap.Web.Sharing;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Sharing;

/// <summary>POST /api/journeys/{slug}/share-links: the link and its embed snippet, as the Share tab shows them.</summary>
public sealed class ShareLinkApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_api_returns_the_link_and_an_iframe_that_frames_its_embed()
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var client = factory.WithKey(ApiKeyKind.Admin, out _);

        var response = await client.PostAsync($"/api/journeys/{stored.Slug}/share-links", JsonContent.Create(new { label = "Board deck", expires_days = 30 }), Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancel));
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        var url = body.GetProperty("url").GetString()!;
        url.ShouldStartWith("http://localhost/s/");
        var token = url["http://localhost/s/".Length..];
        token.Length.ShouldBe(ShareLinkStore.TokenLength);
        body.GetProperty("embed_url").GetString().ShouldBe(url + "/embed");
        body.GetProperty("embed").GetString().ShouldBe(
            $"<iframe src=\"http://localhost/s/{token}/embed\" title=\"{WebUtility.HtmlEncode(stored.Title)}\" width=\"100%\" height=\"720\" style=\"border:0\" loading=\"lazy\"></iframe>");
        body.GetProperty("label").GetString().ShouldBe("Board deck");
        (body.GetProperty("expires_at").GetDateTimeOffset() - body.GetProperty("created_at").GetDateTimeOffset()).ShouldBe(TimeSpan.FromDays(30));

        // The snippet's address works for anyone and may be framed by any site.
        var embed = await factory.Anonymous().GetAsync($"/s/{token}/embed", Cancel);
        embed.StatusCode.ShouldBe(HttpStatusCode.OK);
        embed.Headers.GetValues("Content-Security-Policy").Single().ShouldEndWith("frame-ancestors *");

        // The Share tab lists the link the API made.
        factory.Service<ShareLinkStore>().Live(stored.Id).ShouldHaveSingleItem().Label.ShouldBe("Board deck");
    }

    [Fact]
    public async Task Without_a_body_the_link_never_expires_and_a_title_stays_text_in_the_snippet()
    {
        using var factory = new WorkspaceFactory();
        var yaml = "id: quotes\ntitle: 'Q&A <b>\"loud\"</b>'\nstages:\n  - { id: a, name: A }\n";
        var stored = factory.Service<JourneyStore>().Create(yaml, "test");
        var client = factory.WithKey(ApiKeyKind.Admin, out _);

        var response = await client.PostAsync($"/api/journeys/{stored.Slug}/share-links", null, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancel));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        body.TryGetProperty("expires_at", out _).ShouldBeFalse();
        var embed = body.GetProperty("embed").GetString()!;
        embed.ShouldContain("title=\"Q&amp;A &lt;b&gt;&quot;loud&quot;&lt;/b&gt;\"");
        embed.ShouldNotContain("<b>");
    }

    [Theory]
    [InlineData("{\"expires_days\": 99999}", "expires_days")]
    [InlineData("{\"expires_days\": -1}", "expires_days")]
    [InlineData("not json", "Send JSON")]
    public async Task A_bad_body_is_a_400_that_says_what_to_send_and_makes_no_link(string json, string expected)
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var client = factory.WithKey(ApiKeyKind.Admin, out _);

        var response = await client.PostAsync($"/api/journeys/{stored.Slug}/share-links", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain(expected);
        factory.Service<ShareLinkStore>().Live(stored.Id).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_unknown_journey_is_a_404()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.WithKey(ApiKeyKind.Admin, out _);
        var response = await client.PostAsync("/api/journeys/nope/share-links", null, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
