using System.Net;
using System.Text.RegularExpressions;
using Trailmap.Web.Accounts;
using Trailmap.Web.Tests.Infrastructure;
using Trailmap.Web.Tests.Ingestion;

namespace Trailmap.Web.Tests.Accounts;

/// <summary>First-run setup creates one admin, ever, and beyond loopback only for whoever holds the printed token.</summary>
public sealed partial class FirstRunClaimTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Eight_concurrent_setups_against_a_real_server_create_exactly_one_admin()
    {
        await using var server = await KestrelWorkspace.StartAsync(o => o with { SignInPerMinute = 1000 }, Cancel);

        // Eight browsers each load the form (for their own antiforgery token), then all submit at once.
        var browsers = Enumerable.Range(1, 8).Select(_ => new BrowserClient(server.Address)).ToList();
        var forms = new List<HttpRequestMessage>();
        for (var i = 0; i < browsers.Count; i++)
        {
            var html = await (await browsers[i].GetAsync("/setup", Cancel)).Content.ReadAsStringAsync(Cancel);
            var token = WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
            forms.Add(new HttpRequestMessage(HttpMethod.Post, "/setup")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["email"] = $"admin{i}@example.test",
                    ["name"] = $"Admin {i}",
                    ["password"] = WorkspaceFactory.Password,
                    ["__RequestVerificationToken"] = token,
                }),
            });
        }

        using var start = new Barrier(browsers.Count);
        var responses = await Task.WhenAll(browsers.Select((b, i) => Task.Run(
            async () =>
            {
                start.SignalAndWait(Cancel);
                return await b.SendAsync(forms[i], Cancel);
            },
            Cancel)));

        var users = server.Service<UserStore>().All();
        users.Count.ShouldBe(1);
        users[0].Role.ShouldBe(Role.Admin);

        // The winner lands on the journeys, signed in; everyone else is sent to sign in.
        var locations = responses.Select(r => (r.StatusCode, r.Headers.Location?.OriginalString ?? "")).ToList();
        locations.Count(l => l.StatusCode == HttpStatusCode.Redirect && l.Item2.StartsWith("/journeys", StringComparison.Ordinal)).ShouldBe(1, string.Join(", ", locations));
        locations.Count(l => l.StatusCode == HttpStatusCode.Redirect && l.Item2 == "/signin").ShouldBe(7, string.Join(", ", locations));
        var winner = responses.Select((r, i) => (r, i)).Single(x => x.r.Headers.Location!.OriginalString.StartsWith("/journeys", StringComparison.Ordinal)).i;
        users[0].Email.ShouldBe($"admin{winner}@example.test");
        browsers.ForEach(b => b.Dispose());
    }

    [Fact]
    public async Task A_server_listening_beyond_loopback_prints_a_setup_token_and_setup_needs_it()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-claim-").FullName;
        try
        {
            await using var serve = await ServeProcess.StartAsync(Path.Combine(dir, "workspace.duckdb"), Cancel, listen: "0.0.0.0");
            var printed = PrintedToken().Match(serve.Output);
            printed.Success.ShouldBeTrue(serve.Output);
            var token = printed.Groups[1].Value;

            using var stranger = new BrowserClient(serve.Url);
            (await (await stranger.GetAsync("/setup", Cancel)).Content.ReadAsStringAsync(Cancel)).ShouldContain("name=\"token\"");
            var fields = new Dictionary<string, string> { ["email"] = "mallory@example.test", ["password"] = WorkspaceFactory.Password };
            (await stranger.PostFormAsync("/setup", new(fields), Cancel)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            var wrong = await stranger.PostFormAsync("/setup", new(fields) { ["token"] = new string('0', token.Length) }, Cancel);
            wrong.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await wrong.Content.ReadAsStringAsync(Cancel)).ShouldContain("setup token does not match");

            // Nothing was created: setup is still open, and the holder of the token claims it.
            (await stranger.GetAsync("/setup", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
            using var owner = new BrowserClient(serve.Url);
            var claim = await owner.PostFormAsync("/setup", new() { ["email"] = "ada@example.test", ["password"] = WorkspaceFactory.Password, ["token"] = token }, Cancel);
            claim.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            claim.Headers.Location!.OriginalString.ShouldStartWith("/journeys");
            (await stranger.GetAsync("/setup", Cancel)).Headers.Location!.OriginalString.ShouldBe("/signin");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_loopback_server_asks_for_no_setup_token()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-claim-").FullName;
        try
        {
            await using var serve = await ServeProcess.StartAsync(Path.Combine(dir, "workspace.duckdb"), Cancel);
            serve.Output.ShouldNotContain("setup token");
            using var owner = new BrowserClient(serve.Url);
            (await (await owner.GetAsync("/setup", Cancel)).Content.ReadAsStringAsync(Cancel)).ShouldNotContain("name=\"token\"");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.2:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://192.168.1.20:8080", false)]
    [InlineData("http://trailmap.example.com:8080", false)]
    public void Only_loopback_addresses_count_as_loopback(string url, bool loopback) =>
        SetupToken.IsLoopback(url).ShouldBe(loopback);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("one-time setup token: ([0-9a-f]{32})")]
    private static partial Regex PrintedToken();
}
