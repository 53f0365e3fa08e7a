using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Trailmap.Journeys.Templates;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Sharing;
using Trailmap.Web.State;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Sharing;

public sealed partial class ShareLinkTests
{
    private const string Neutral = "This link does not work";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_link_opens_the_map_for_anyone_and_only_its_embed_may_be_framed_by_other_sites()
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var editor = await factory.SignedInAsync(Role.Editor, Cancel);

        var (url, token, page) = await CreateLinkAsync(editor, stored.Slug, new() { ["label"] = "Board deck" });

        url.ShouldBe("http://localhost/s/" + token);
        page.ShouldContain("shown only once");
        page.ShouldContain(WebUtility.HtmlEncode($"<iframe src=\"http://localhost/s/{token}/embed\""));

        // A fresh client with no cookie at all, as someone the link was mailed to.
        var stranger = factory.Anonymous();
        var shared = await stranger.GetAsync($"/s/{token}", Cancel);
        shared.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await shared.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain(WebUtility.HtmlEncode(stored.Title));
        html.ShouldContain($"src=\"/s/{token}/embed\"");
        html.ShouldNotContain("href=\"/journeys", customMessage: "no way into the workspace");
        html.ShouldNotContain("/signout");
        html.ShouldNotContain("__RequestVerificationToken");
        shared.Headers.GetValues("Content-Security-Policy").Single().ShouldEndWith("frame-ancestors 'none'");
        shared.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        shared.Headers.CacheControl!.NoStore.ShouldBeTrue();

        var embed = await stranger.GetAsync($"/s/{token}/embed", Cancel);
        embed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await embed.Content.ReadAsStringAsync(Cancel)).ShouldContain(WebUtility.HtmlEncode(stored.Title));
        embed.Headers.GetValues("Content-Security-Policy").Single().ShouldEndWith("frame-ancestors *");
        embed.Headers.Contains("X-Frame-Options").ShouldBeFalse();

        // The list shows the link without its token.
        var list = await editor.GetStringAsync($"/journeys/{stored.Slug}/share", Cancel);
        list.ShouldContain("Board deck");
        list.ShouldContain("editor@example.test");
        list.ShouldNotContain(token);
    }

    [Fact]
    public async Task A_revoked_link_and_an_unknown_one_get_the_same_neutral_404()
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var editor = await factory.SignedInAsync(Role.Editor, Cancel);
        var (_, token, _) = await CreateLinkAsync(editor, stored.Slug, []);
        var stranger = factory.Anonymous();
        (await stranger.GetAsync($"/s/{token}", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var id = factory.Service<ShareLinkStore>().Live(stored.Id).ShouldHaveSingleItem().Id;
        var revoke = await WorkspaceFactory.PostFormAsync(editor, $"/journeys/{stored.Slug}/share/revoke", new() { ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, Cancel, $"/journeys/{stored.Slug}/share");
        revoke.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Uri.UnescapeDataString(revoke.Headers.Location!.ToString()).ShouldContain("The link was revoked");

        var gone = await stranger.GetAsync($"/s/{token}", Cancel);
        var goneEmbed = await stranger.GetAsync($"/s/{token}/embed", Cancel);
        var unknown = await stranger.GetAsync($"/s/{ShareLinkStore.NewToken()}", Cancel);
        var junk = await stranger.GetAsync("/s/not-a-token", Cancel);
        foreach (var response in new[] { gone, goneEmbed, unknown, junk })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain(Neutral);
        }

        (await gone.Content.ReadAsStringAsync(Cancel)).ShouldBe(await unknown.Content.ReadAsStringAsync(Cancel));
        factory.Service<ShareLinkStore>().Live(stored.Id).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_link_stops_working_when_it_expires()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        using var factory = new WorkspaceFactory(o => o with { Time = clock });
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var editor = await factory.SignedInAsync(Role.Editor, Cancel);
        var (_, token, page) = await CreateLinkAsync(editor, stored.Slug, new() { ["expires"] = "7" });

        // Created 2025-06-01 12:00 UTC with 7 days: it works until just before 2025-06-08 12:00 UTC.
        page.ShouldContain("Stops working 2025-06-08 12:00 UTC.");
        var stranger = factory.Anonymous();
        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        (await stranger.GetAsync($"/s/{token}", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await editor.GetStringAsync($"/journeys/{stored.Slug}/share", Cancel)).ShouldContain("2025-06-08 12:00 UTC");

        clock.Advance(TimeSpan.FromMinutes(1));
        var expired = await stranger.GetAsync($"/s/{token}", Cancel);
        expired.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await expired.Content.ReadAsStringAsync(Cancel)).ShouldContain(Neutral);
        (await stranger.GetAsync($"/s/{token}/embed", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await editor.GetStringAsync($"/journeys/{stored.Slug}/share", Cancel)).ShouldContain("No live links");
    }

    [Fact]
    public async Task Tokens_are_256_random_bits_and_only_their_hash_is_stored()
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var editor = await factory.SignedInAsync(Role.Editor, Cancel);
        var (_, token, _) = await CreateLinkAsync(editor, stored.Slug, []);

        // 32 bytes in unpadded base64url are ceil(32 * 8 / 6) = 43 characters.
        token.Length.ShouldBe(43);
        Base64Url.DecodeFromChars(token).Length.ShouldBe(32);

        var hashes = factory.Service<WorkspaceDb>().Query("SELECT token_hash FROM share_links", r => r.GetString(0));
        hashes.ShouldBe([Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)))]);
        factory.Service<WorkspaceDb>().Scalar<long>("SELECT count(*) FROM share_links WHERE token_hash = $t OR label = $t OR created_by = $t", ("t", token)).ShouldBe(0);

        // 64 tokens: all different, and about half of their 64 * 256 = 16,384 bits set. A constant, a counter or a
        // clock would fail one or the other; the bound is 8 standard deviations (sd = sqrt(16384 / 4) = 64 bits).
        var tokens = Enumerable.Range(0, 64).Select(_ => ShareLinkStore.NewToken()).ToList();
        tokens.Distinct(StringComparer.Ordinal).Count().ShouldBe(64);
        var ones = tokens.Sum(t => Base64Url.DecodeFromChars(t).Sum(b => System.Numerics.BitOperations.PopCount(b)));
        ones.ShouldBeInRange(8192 - (8 * 64), 8192 + (8 * 64));
    }

    [Fact]
    public async Task Hostile_titles_are_escaped_on_the_share_pages_and_in_the_embed_code()
    {
        using var factory = new WorkspaceFactory();
        var yaml = TemplateCatalog.ReadYaml("saas-trial").Replace("title: SaaS free trial to paid", "title: \"<script>alert(1)</script> \\\" onload=x\"", StringComparison.Ordinal);
        var stored = factory.Service<JourneyStore>().Create(yaml, "test");
        stored.Title.ShouldBe("<script>alert(1)</script> \" onload=x");
        var editor = await factory.SignedInAsync(Role.Editor, Cancel);
        var (_, token, page) = await CreateLinkAsync(editor, stored.Slug, new() { ["label"] = "<img src=x onerror=alert(2)>" });

        page.ShouldNotContain("<script>alert(1)</script>");
        page.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");

        // The snippet's title attribute is encoded once for the snippet and once more for the textarea.
        page.ShouldContain("title=&quot;&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; &amp;quot; onload=x&quot;");
        var list = await editor.GetStringAsync($"/journeys/{stored.Slug}/share", Cancel);
        list.ShouldNotContain("<img src=x");
        list.ShouldContain("&lt;img src=x onerror=alert(2)&gt;");

        foreach (var path in new[] { $"/s/{token}", $"/s/{token}/embed" })
        {
            var html = await factory.Anonymous().GetStringAsync(path, Cancel);
            html.ShouldNotContain("<script>alert(1)</script>");
            html.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        }
    }

    [Fact]
    public async Task Viewers_see_the_links_but_cannot_create_or_revoke_them()
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var editor = await factory.SignedInAsync(Role.Editor, Cancel);
        await CreateLinkAsync(editor, stored.Slug, new() { ["label"] = "For the viewer" });
        var id = factory.Service<ShareLinkStore>().Live(stored.Id).Single().Id;

        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);
        var page = await viewer.GetStringAsync($"/journeys/{stored.Slug}/share", Cancel);
        page.ShouldContain("For the viewer");
        page.ShouldNotContain("Create link");
        page.ShouldNotContain("/share/revoke");

        var create = await WorkspaceFactory.PostFormAsync(viewer, $"/journeys/{stored.Slug}/share", [], Cancel);
        create.Headers.Location!.ToString().ShouldContain("/forbidden");
        var revoke = await WorkspaceFactory.PostFormAsync(viewer, $"/journeys/{stored.Slug}/share/revoke", new() { ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, Cancel, $"/journeys/{stored.Slug}/share");
        revoke.Headers.Location!.ToString().ShouldContain("/forbidden");
        factory.Service<ShareLinkStore>().Live(stored.Id).Count.ShouldBe(1);

        (await factory.Anonymous().GetAsync($"/journeys/{stored.Slug}/share", Cancel)).Headers.Location!.ToString().ShouldContain("/signin");
    }

    [Fact]
    public async Task A_bad_expiry_is_named_and_creates_nothing()
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var editor = await factory.SignedInAsync(Role.Editor, Cancel);
        var response = await WorkspaceFactory.PostFormAsync(editor, $"/journeys/{stored.Slug}/share", new() { ["expires"] = "-3" }, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("got &quot;-3&quot;");
        factory.Service<ShareLinkStore>().Live(stored.Id).ShouldBeEmpty();
    }

    private static async Task<(string Url, string Token, string Page)> CreateLinkAsync(HttpClient editor, string slug, Dictionary<string, string> fields)
    {
        var response = await WorkspaceFactory.PostFormAsync(editor, $"/journeys/{slug}/share", fields, Cancel);
        var page = await response.Content.ReadAsStringAsync(Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, page);
        var match = LinkField().Match(page);
        match.Success.ShouldBeTrue("the new link is on the page");
        return (match.Groups[1].Value, match.Groups[2].Value, page);
    }

    [GeneratedRegex("id=\"share-url\" readonly value=\"(http://localhost/s/([A-Za-z0-9_-]+))\"")]
    private static partial Regex LinkField();
}
