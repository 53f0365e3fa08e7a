using System.Net;
using Microsoft.Extensions.Time.Testing;
using Trailmap.Web.Accounts;
using Trailmap.Web.Security;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Security;

/// <summary>
/// Behind a TLS proxy: forwarded headers count only from a trusted proxy, cookies are then Secure, and sign-in
/// limits fall on the attacker's address and the attacked account, not on everyone behind the proxy.
/// </summary>
public sealed class ProxyAndSignInLimitTests
{
    private static readonly System.Net.IPNetwork Loopback = System.Net.IPNetwork.Parse("127.0.0.1/32");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> ViaProxy(string client) => new() { ["X-Forwarded-For"] = client, ["X-Forwarded-Proto"] = "https" };

    [Fact]
    public async Task With_a_trusted_proxy_the_session_and_antiforgery_cookies_are_Secure()
    {
        await using var server = await KestrelWorkspace.StartAsync(o => o with { TrustedProxies = [Loopback] }, Cancel);
        server.Service<UserStore>().Create("ada@example.test", "Ada", WorkspaceFactory.Password, Role.Admin);
        using var browser = new BrowserClient(server.Address, ViaProxy("203.0.113.7"));
        (await browser.PostFormAsync("/signin", new() { ["email"] = "ada@example.test", ["password"] = WorkspaceFactory.Password }, Cancel))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);

        browser.SetCookies.Single(c => c.StartsWith("trailmap.session=", StringComparison.Ordinal)).ShouldContain("; secure", Case.Insensitive);
        browser.SetCookies.Single(c => c.StartsWith("trailmap.af=", StringComparison.Ordinal)).ShouldContain("; secure", Case.Insensitive);
        (await browser.GetAsync("/journeys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_a_trusted_proxy_forwarded_headers_are_ignored()
    {
        await using var server = await KestrelWorkspace.StartAsync(o => o with { SignInPerMinute = 3 }, Cancel);
        server.Service<UserStore>().Create("ada@example.test", "Ada", WorkspaceFactory.Password, Role.Admin);

        // A claimed https does not make the cookie Secure on a plain-HTTP connection...
        using (var browser = new BrowserClient(server.Address, ViaProxy("203.0.113.7")))
        {
            (await browser.PostFormAsync("/signin", new() { ["email"] = "ada@example.test", ["password"] = WorkspaceFactory.Password }, Cancel))
                .StatusCode.ShouldBe(HttpStatusCode.Redirect);
            browser.SetCookies.Single(c => c.StartsWith("trailmap.session=", StringComparison.Ordinal)).ShouldNotContain("secure", Case.Insensitive);
        }

        // ...and a made-up client address on each attempt does not escape the per-address limit (3 a minute; the
        // sign-in above was the first).
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var guesser = new BrowserClient(server.Address, ViaProxy($"198.51.100.{i + 1}"));
            statuses.Add((await guesser.PostFormAsync("/signin", new() { ["email"] = "ada@example.test", ["password"] = "guess number " + i }, Cancel)).StatusCode);
        }

        statuses.ShouldBe([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests]);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_one_attacker_locks_only_the_attacked_account_and_only_for_a_while()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var server = await KestrelWorkspace.StartAsync(o => o with { TrustedProxies = [Loopback], Time = time }, Cancel);
        var users = server.Service<UserStore>();
        users.Create("ada@example.test", "Ada", WorkspaceFactory.Password, Role.Admin);
        users.Create("bob@example.test", "Bob", WorkspaceFactory.Password, Role.Viewer);

        // The attacker guesses Ada's password 12 times from one address. The first 5 wrong passwords are answered
        // (401); then Ada's account waits 30 s, so guesses 6 to 10 are refused unchecked (429); the address's own
        // limit (10 a minute) refuses 11 and 12 too.
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var attacker = new BrowserClient(server.Address, ViaProxy("203.0.113.66"));
            answers.Add((await attacker.PostFormAsync("/signin", new() { ["email"] = "ada@example.test", ["password"] = "guess number " + i }, Cancel)).StatusCode);
        }

        answers.ShouldBe([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 7)]);

        // Bob, behind the same proxy, signs in as usual.
        using var bob = new BrowserClient(server.Address, ViaProxy("198.51.100.20"));
        (await bob.PostFormAsync("/signin", new() { ["email"] = "bob@example.test", ["password"] = WorkspaceFactory.Password }, Cancel))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Ada's account waits, from any address, with the right password too, and says for how long.
        using var ada = new BrowserClient(server.Address, ViaProxy("192.0.2.44"));
        var locked = await ada.PostFormAsync("/signin", new() { ["email"] = "ada@example.test", ["password"] = WorkspaceFactory.Password }, Cancel);
        locked.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        locked.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(30));
        (await locked.Content.ReadAsStringAsync(Cancel)).ShouldContain("Wait 30 seconds");

        time.Advance(TimeSpan.FromSeconds(30));
        (await ada.PostFormAsync("/signin", new() { ["email"] = "ada@example.test", ["password"] = WorkspaceFactory.Password }, Cancel))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public void Each_failure_past_the_free_ones_doubles_the_wait_up_to_the_cap_and_a_success_resets_it()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var throttle = new SignInThrottle(new WorkspaceOptions(), time);
        var waits = new List<double>();
        for (var failure = 1; failure <= 10; failure++)
        {
            throttle.Failed("Ada@Example.test ");
            var wait = throttle.Wait("ada@example.test");
            waits.Add(wait?.TotalSeconds ?? 0);
            time.Advance(wait ?? TimeSpan.Zero);
        }

        // 4 free failures; the 5th waits 30 s, then 60, 120, 240, 480, and 960 s is capped at 15 minutes.
        waits.ShouldBe([0, 0, 0, 0, 30, 60, 120, 240, 480, 900]);
        throttle.Wait("bob@example.test").ShouldBeNull();

        throttle.Succeeded("ada@example.test");
        throttle.Failed("ada@example.test");
        throttle.Wait("ada@example.test").ShouldBeNull();
    }

    [Fact]
    public void Failures_older_than_an_hour_are_forgotten()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var throttle = new SignInThrottle(new WorkspaceOptions(), time);
        for (var i = 0; i < 4; i++)
        {
            throttle.Failed("ada@example.test");
        }

        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        throttle.Failed("ada@example.test");
        throttle.Wait("ada@example.test").ShouldBeNull();
    }
}
