using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Settings;

public sealed partial class SettingsPagesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, Dictionary<string, string>? fields = null) =>
        WorkspaceFactory.PostFormAsync(client, path, fields ?? [], Cancel, formPage: "/settings/members");

    [Fact]
    public async Task An_admin_adds_a_member_who_can_then_sign_in_with_that_role()
    {
        using var factory = new WorkspaceFactory();
        var admin = await factory.SignedInAsync(Role.Admin, Cancel);
        var added = await PostAsync(admin, "/settings/members", new()
        {
            ["email"] = "Grace@Example.test",
            ["name"] = "Grace",
            ["role"] = "editor",
            ["password"] = "a long enough passphrase",
        });
        added.StatusCode.ShouldBe(HttpStatusCode.Redirect, await added.Content.ReadAsStringAsync(Cancel));
        added.Headers.Location!.ToString().ShouldStartWith("/settings/members?notice=");

        var grace = factory.Service<UserStore>().FindByEmail("grace@example.test")!;
        grace.Role.ShouldBe(Role.Editor);
        factory.Service<UserStore>().Verify("grace@example.test", "a long enough passphrase").ShouldNotBeNull();
        (await admin.GetStringAsync("/settings/members", Cancel)).ShouldContain("grace@example.test");
    }

    [Fact]
    public async Task A_bad_new_member_shows_the_error_and_keeps_what_was_typed_but_not_the_password()
    {
        using var factory = new WorkspaceFactory();
        var admin = await factory.SignedInAsync(Role.Admin, Cancel);
        var response = await PostAsync(admin, "/settings/members", new()
        {
            ["email"] = "grace@example.test",
            ["name"] = "Grace <b>",
            ["role"] = "viewer",
            ["password"] = "short",
        });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("at least 10 characters");
        html.ShouldContain("value=\"Grace &lt;b&gt;\"");
        html.ShouldNotContain("value=\"short\"");
        factory.Service<UserStore>().FindByEmail("grace@example.test").ShouldBeNull();
    }

    [Fact]
    public async Task Changing_a_role_and_disabling_end_the_members_open_session()
    {
        using var factory = new WorkspaceFactory();
        var admin = await factory.SignedInAsync(Role.Admin, Cancel);
        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);
        var users = factory.Service<UserStore>();
        var member = users.FindByEmail("viewer@example.test")!;

        // A viewer may not delete journeys (403). A role change ends the member's sessions; signed in again as an
        // editor they may (404: there is no such journey).
        (await viewer.DeleteAsync("/api/journeys/none", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await PostAsync(admin, $"/settings/members/{member.Id}/role", new() { ["role"] = "editor" })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        users.Find(member.Id)!.Role.ShouldBe(Role.Editor);
        (await viewer.DeleteAsync("/api/journeys/none", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        viewer = await factory.SignedInAsync(Role.Viewer, Cancel);
        (await viewer.DeleteAsync("/api/journeys/none", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await PostAsync(admin, $"/settings/members/{member.Id}/disable")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        users.Find(member.Id)!.Disabled.ShouldBeTrue();
        var after = await viewer.GetAsync("/journeys", Cancel);
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.Headers.Location!.AbsolutePath.ShouldBe("/signin");

        (await PostAsync(admin, $"/settings/members/{member.Id}/enable")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        users.Find(member.Id)!.Disabled.ShouldBeFalse();
        users.Verify("viewer@example.test", WorkspaceFactory.Password).ShouldNotBeNull();
    }

    [Fact]
    public async Task An_admin_cannot_remove_their_own_admin_role_or_disable_themselves()
    {
        using var factory = new WorkspaceFactory();
        var admin = await factory.SignedInAsync(Role.Admin, Cancel);
        var self = factory.Service<UserStore>().FindByEmail("admin@example.test")!;

        var demote = await PostAsync(admin, $"/settings/members/{self.Id}/role", new() { ["role"] = "viewer" });
        demote.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await demote.Content.ReadAsStringAsync(Cancel)).ShouldContain("You cannot remove your own admin role");

        var disable = await PostAsync(admin, $"/settings/members/{self.Id}/disable");
        disable.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await disable.Content.ReadAsStringAsync(Cancel)).ShouldContain("You cannot disable your own account");

        var stored = factory.Service<UserStore>().Find(self.Id)!;
        (stored.Role, stored.Disabled).ShouldBe((Role.Admin, false));
        // The page offers neither action on one's own row.
        var page = await admin.GetStringAsync("/settings/members", Cancel);
        page.ShouldNotContain($"/settings/members/{self.Id}/role");
        page.ShouldNotContain($"/settings/members/{self.Id}/disable");
    }

    [Fact]
    public async Task A_change_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        using var factory = new WorkspaceFactory();
        var admin = await factory.SignedInAsync(Role.Admin, Cancel);
        var target = factory.Service<UserStore>().Create("target@example.test", "Target", WorkspaceFactory.Password, Role.Viewer);
        var (key, _) = factory.Service<ApiKeyStore>().Create("site", ApiKeyKind.Ingest);

        (await admin.PostAsync($"/settings/members/{target.Id}/disable", new FormUrlEncodedContent([]), Cancel)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsync($"/settings/keys/{key.Id}/revoke", null, Cancel)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsync($"/settings/members/{target.Id}/role", new FormUrlEncodedContent(new Dictionary<string, string> { ["role"] = "admin" }), Cancel))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var stored = factory.Service<UserStore>().Find(target.Id)!;
        (stored.Role, stored.Disabled).ShouldBe((Role.Viewer, false));
        factory.Service<ApiKeyStore>().All().Single().RevokedAt.ShouldBeNull();
    }

    [Fact]
    public async Task A_new_key_is_shown_once_works_shows_when_it_was_used_and_stops_working_when_revoked()
    {
        using var factory = new WorkspaceFactory();
        var admin = await factory.SignedInAsync(Role.Admin, Cancel);
        var created = await PostAsync(admin, "/settings/keys", new() { ["name"] = "Reporting <script>", ["kind"] = "read" });
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        created.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var html = await created.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("shown only this once");
        html.ShouldContain("data-copy=\"new-key-secret\"");
        html.ShouldContain("Reporting &lt;script&gt;");
        var secret = Secret().Match(html).Groups[1].Value;
        secret.ShouldStartWith("tm_read_");

        var list = await admin.GetStringAsync("/settings/keys", Cancel);
        list.ShouldNotContain(secret);
        list.ShouldContain(secret[..(secret.LastIndexOf('_') + 5)] + "…");
        list.ShouldContain("never");

        var program = factory.Anonymous();
        program.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        (await program.GetAsync("/api/status", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var key = factory.Service<ApiKeyStore>().All().Single();
        key.LastUsedAt.ShouldNotBeNull();
        (await admin.GetStringAsync("/settings/keys", Cancel)).ShouldNotContain(">never<");

        var revoked = await PostAsync(admin, $"/settings/keys/{key.Id}/revoke");
        revoked.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await program.GetAsync("/api/status", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await admin.GetStringAsync("/settings/keys", Cancel)).ShouldContain("revoked");
    }

    [Fact]
    public async Task A_key_needs_a_name_and_a_known_kind()
    {
        using var factory = new WorkspaceFactory();
        var admin = await factory.SignedInAsync(Role.Admin, Cancel);
        var noName = await PostAsync(admin, "/settings/keys", new() { ["name"] = " ", ["kind"] = "ingest" });
        noName.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noName.Content.ReadAsStringAsync(Cancel)).ShouldContain("Give the key a name");
        var badKind = await PostAsync(admin, "/settings/keys", new() { ["name"] = "x", ["kind"] = "root" });
        (await badKind.Content.ReadAsStringAsync(Cancel)).ShouldContain("ingest, read or admin");
        factory.Service<ApiKeyStore>().All().ShouldBeEmpty();
    }

    [GeneratedRegex("<code id=\"new-key-secret\">([^<]+)</code>")]
    private static partial Regex Secret();
}
