using System.Net;
using System.Text.RegularExpressions;
using Trailmap.Journeys.Templates;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Sharing;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Sharing;

/// <summary>
/// What a share link reveals beyond the map. The expected strings are read off the saas-trial template by hand:
/// its owner, a persona's trait filter, an email subject and a Slack message.
/// </summary>
public sealed partial class ShareRevealTests
{
    private const string Owner = "growth@example.com";
    private const string Traits = "seats &gt;= 3";
    private const string Subject = "Your trial ends in 3 days";
    private const string SlackText = "activated but invited nobody in 5 days";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task By_default_a_link_hides_owners_trait_filters_and_messages_which_the_signed_in_map_shows()
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var editor = await factory.SignedInAsync(Role.Editor, Cancel);

        // The signed-in map shows all four, so their absence below is the link's doing.
        var own = await editor.GetStringAsync($"/journeys/{stored.Slug}/map.html", Cancel);
        own.ShouldContain(Owner);
        own.ShouldContain(Traits);
        own.ShouldContain(Subject);
        own.ShouldContain(SlackText);

        var token = await CreateLinkAsync(editor, stored.Slug, []);
        var embed = await factory.Anonymous().GetStringAsync($"/s/{token}/embed", Cancel);
        embed.ShouldNotContain(Owner);
        embed.ShouldNotContain(Traits);
        embed.ShouldNotContain(Subject);
        embed.ShouldNotContain(SlackText);
        embed.ShouldContain("email: " + ShareRedaction.HiddenMessage);
        embed.ShouldContain(WebUtility.HtmlEncode(stored.Title));

        var list = await editor.GetStringAsync($"/journeys/{stored.Slug}/share", Cancel);
        list.ShouldContain("<td class=\"reveals\">nothing beyond the map</td>");
    }

    [Fact]
    public async Task Each_ticked_box_reveals_its_part_and_only_that()
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var editor = await factory.SignedInAsync(Role.Editor, Cancel);

        var token = await CreateLinkAsync(editor, stored.Slug, new() { ["reveal-owners"] = "on", ["reveal-messages"] = "on" });
        var stranger = factory.Anonymous();
        var embed = await stranger.GetStringAsync($"/s/{token}/embed", Cancel);
        embed.ShouldContain(Owner);
        embed.ShouldContain(Subject);
        embed.ShouldContain(SlackText);
        embed.ShouldNotContain(Traits);
        embed.ShouldNotContain(ShareRedaction.HiddenMessage);

        var traitsOnly = await CreateLinkAsync(editor, stored.Slug, new() { ["reveal-traits"] = "on" });
        var second = await stranger.GetStringAsync($"/s/{traitsOnly}/embed", Cancel);
        second.ShouldContain(Traits);
        second.ShouldNotContain(Owner);
        second.ShouldNotContain(Subject);

        var list = await editor.GetStringAsync($"/journeys/{stored.Slug}/share", Cancel);
        list.ShouldContain("<td class=\"reveals\">owners, messages</td>");
        list.ShouldContain("<td class=\"reveals\">traits</td>");
    }

    private static async Task<string> CreateLinkAsync(HttpClient editor, string slug, Dictionary<string, string> fields)
    {
        var response = await WorkspaceFactory.PostFormAsync(editor, $"/journeys/{slug}/share", fields, Cancel);
        var page = await response.Content.ReadAsStringAsync(Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, page);
        var match = LinkField().Match(page);
        match.Success.ShouldBeTrue("the new link is on the page");
        return match.Groups[1].Value;
    }

    [GeneratedRegex("id=\"share-url\" readonly value=\"http://localhost/s/([A-Za-z0-9_-]+)\"")]
    private static partial Regex LinkField();
}
