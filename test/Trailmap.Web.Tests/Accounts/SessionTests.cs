using System.Net;
using Trailmap.Web.Accounts;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Accounts;

/// <summary>Sessions live on the server: ending one there stops every copy of its cookie.</summary>
public sealed class SessionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sign_out_ends_the_session_on_the_server_so_a_copied_cookie_stops_working()
    {
        await using var server = await KestrelWorkspace.StartAsync(null, Cancel);
        server.Service<UserStore>().Create("ada@example.test", "Ada", WorkspaceFactory.Password, Role.Admin);
        using var browser = new BrowserClient(server.Address);
        (await browser.PostFormAsync("/signin", new() { ["email"] = "ada@example.test", ["password"] = WorkspaceFactory.Password }, Cancel))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Someone copies the cookie (a shared computer, a proxy log); it works as well as the original...
        using var thief = new BrowserClient(server.Address);
        thief.UseCookieHeader(browser.CookieHeader);
        (await thief.GetAsync("/journeys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // ...until the member signs out: then it is refused, though the cookie itself has not expired.
        (await browser.PostFormAsync("/signout", [], Cancel, formPage: "/journeys")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await thief.GetAsync("/journeys", Cancel);
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.Headers.Location!.AbsolutePath.ShouldBe("/signin");
        (await thief.GetAsync("/api/journeys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_password_change_ends_the_members_other_sessions_and_keeps_this_one()
    {
        using var factory = new WorkspaceFactory();
        var here = await factory.SignedInAsync(Role.Editor, Cancel);
        var elsewhere = await factory.SignedInAsync(Role.Editor, Cancel);
        var member = factory.Service<UserStore>().FindByEmail("editor@example.test")!;
        factory.Service<SessionStore>().CountFor(member.Id).ShouldBe(2);

        var wrongCurrent = await WorkspaceFactory.PostFormAsync(here, "/account/password", new() { ["current"] = "not my password", ["password"] = "lantern orbit pickle" }, Cancel, formPage: "/account");
        wrongCurrent.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await wrongCurrent.Content.ReadAsStringAsync(Cancel)).ShouldContain("current password is not right");
        (await elsewhere.GetAsync("/journeys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var common = await WorkspaceFactory.PostFormAsync(here, "/account/password", new() { ["current"] = WorkspaceFactory.Password, ["password"] = "password123" }, Cancel, formPage: "/account");
        common.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await common.Content.ReadAsStringAsync(Cancel)).ShouldContain("most common passwords");

        var changed = await WorkspaceFactory.PostFormAsync(here, "/account/password", new() { ["current"] = WorkspaceFactory.Password, ["password"] = "lantern orbit pickle" }, Cancel, formPage: "/account");
        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        changed.Headers.Location!.OriginalString.ShouldStartWith("/account?notice=");

        (await here.GetAsync("/journeys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var other = await elsewhere.GetAsync("/journeys", Cancel);
        other.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        other.Headers.Location!.AbsolutePath.ShouldBe("/signin");
        factory.Service<SessionStore>().CountFor(member.Id).ShouldBe(1);

        var users = factory.Service<UserStore>();
        users.Verify("editor@example.test", WorkspaceFactory.Password).ShouldBeNull();
        users.Verify("editor@example.test", "lantern orbit pickle").ShouldNotBeNull();
    }

    [Fact]
    public async Task A_role_change_ends_every_session_of_that_member_including_copies()
    {
        using var factory = new WorkspaceFactory();
        var admin = await factory.SignedInAsync(Role.Admin, Cancel);
        var editor = await factory.SignedInAsync(Role.Editor, Cancel);
        var member = factory.Service<UserStore>().FindByEmail("editor@example.test")!;
        (await editor.GetAsync("/journeys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var demote = await WorkspaceFactory.PostFormAsync(admin, $"/settings/members/{member.Id}/role", new() { ["role"] = "viewer" }, Cancel, formPage: "/settings/members");
        demote.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var after = await editor.GetAsync("/journeys", Cancel);
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.Headers.Location!.AbsolutePath.ShouldBe("/signin");
        factory.Service<SessionStore>().CountFor(member.Id).ShouldBe(0);

        // The admin's own session is untouched.
        (await admin.GetAsync("/settings/members", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public void A_session_unused_for_fourteen_days_ends()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        using var factory = new WorkspaceFactory(o => o with { Time = time });
        var sessions = factory.Service<SessionStore>();
        var id = sessions.Start(7);
        time.Advance(TimeSpan.FromDays(13));
        sessions.Find(id).ShouldBe(7);

        // Used on day 13, so it lives until day 27; unused from then, it ends after day 27.
        time.Advance(TimeSpan.FromDays(14));
        sessions.Find(id).ShouldBe(7);
        time.Advance(TimeSpan.FromDays(14) + TimeSpan.FromSeconds(1));
        sessions.Find(id).ShouldBeNull();
    }
}
