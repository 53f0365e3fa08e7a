using System.Net;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Accounts;

public sealed class FirstRunTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_workspace_sends_everyone_to_setup_and_the_first_account_is_the_admin()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.Anonymous();

        var root = await client.GetAsync("/", Cancel);
        root.Headers.Location!.ToString().ShouldBe("/setup");

        var setup = await WorkspaceFactory.PostFormAsync(client, "/setup", new()
        {
            ["email"] = "Ada@Example.test",
            ["name"] = "Ada",
            ["password"] = WorkspaceFactory.Password,
        }, Cancel);
        setup.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var users = factory.Service<Trailmap.Web.Accounts.UserStore>().All();
        users.Count.ShouldBe(1);
        users[0].Email.ShouldBe("ada@example.test");
        users[0].Role.ShouldBe(Trailmap.Web.Accounts.Role.Admin);

        // Signed in straight away, and setup is closed for good.
        (await client.GetAsync("/journeys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var again = await client.GetAsync("/setup", Cancel);
        again.Headers.Location!.ToString().ShouldBe("/signin");
    }

    [Fact]
    public async Task Setup_with_a_short_password_says_how_long_it_must_be_and_keeps_the_email()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.Anonymous();
        var response = await WorkspaceFactory.PostFormAsync(client, "/setup", new()
        {
            ["email"] = "ada@example.test",
            ["name"] = "Ada",
            ["password"] = "short",
        }, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("at least 10 characters");
        html.ShouldContain("value=\"ada@example.test\"");
        factory.Service<Trailmap.Web.Accounts.UserStore>().Any().ShouldBeFalse();
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_saying_which_part_was_wrong()
    {
        using var factory = new WorkspaceFactory();
        factory.Service<Trailmap.Web.Accounts.UserStore>().Create("ada@example.test", "Ada", WorkspaceFactory.Password, Trailmap.Web.Accounts.Role.Admin);
        var client = factory.Anonymous();
        var response = await WorkspaceFactory.PostFormAsync(client, "/signin", new() { ["email"] = "ada@example.test", ["password"] = "wrong password!" }, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("do not match");
        (await client.GetAsync("/journeys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_rejected()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.Anonymous();
        var response = await client.PostAsync("/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "mallory@example.test",
            ["password"] = WorkspaceFactory.Password,
        }), Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        factory.Service<Trailmap.Web.Accounts.UserStore>().Any().ShouldBeFalse();
    }

    [Fact]
    public async Task Every_page_carries_the_security_headers()
    {
        using var factory = new WorkspaceFactory();
        var response = await factory.Anonymous().GetAsync("/setup", Cancel);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("script-src 'self'");
        csp.ShouldNotContain("script-src 'self' 'unsafe-inline'");
        csp.ShouldContain("frame-ancestors 'none'");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
    }
}
