using System.Net;
using Trailmap.Delivery;
using Trailmap.Web.Interventions;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Interventions;

/// <summary>The unsubscribe link: anonymous, GET only asks, POST (a button or RFC 8058 one-click) unsubscribes.</summary>
public sealed class UnsubscribeTests : IDisposable
{
    private readonly WorkspaceFactory factory = TrialData.Factory();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => factory.Dispose();

    /// <summary>The link the email channel writes into a message, with the workspace's own tokens.</summary>
    private string Link(string address) =>
        new EmailChannel(
            new EmailOptions { Host = "127.0.0.1", From = "Trial <hello@trial.example>", UnsubscribeUrl = "http://localhost/unsubscribe" },
            factory.Service<SuppressionList>()).UnsubscribeLink(address)["http://localhost".Length..];

    [Fact]
    public async Task Get_asks_and_post_unsubscribes_the_address_in_the_token()
    {
        var suppressions = factory.Service<SuppressionList>();
        var link = Link("Alice@Example.com");
        using var client = factory.Anonymous();

        var ask = await client.GetAsync(link, Cancel);
        var page = await ask.Content.ReadAsStringAsync(Cancel);
        ask.StatusCode.ShouldBe(HttpStatusCode.OK, page);
        page.ShouldContain("a***@example.com");
        page.ShouldNotContain("alice@example.com");
        page.ShouldContain("method=\"post\"");
        page.ShouldNotContain("<script");
        ask.Headers.CacheControl!.NoStore.ShouldBeTrue();
        ask.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("script-src 'self'");
        suppressions.IsSuppressed("alice@example.com").ShouldBeFalse("a GET must not unsubscribe: mail scanners open links");

        // RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the link, with no cookie and no form token.
        var done = await client.PostAsync(link, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), Cancel);
        var confirmation = await done.Content.ReadAsStringAsync(Cancel);
        done.StatusCode.ShouldBe(HttpStatusCode.OK, confirmation);
        confirmation.ShouldContain("You will get no more emails at <strong>a***@example.com</strong>");
        suppressions.IsSuppressed("alice@example.com").ShouldBeTrue();
        suppressions.Find("alice@example.com")!.Value.Since.ShouldBe(TrialData.Now);

        (await client.GetStringAsync(link, Cancel)).ShouldContain("Already unsubscribed");
        (await client.PostAsync(link, null, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        suppressions.IsSuppressed("bob@example.com").ShouldBeFalse();
    }

    [Fact]
    public async Task A_bad_token_gets_a_clear_page_and_a_400_and_changes_nothing()
    {
        var good = Link("alice@example.com");
        var token = Uri.UnescapeDataString(good[(good.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        // The address part swapped for bob's, the signature kept: a forgery.
        var forged = Convert.ToBase64String("bob@example.com"u8.ToArray()).TrimEnd('=') + token[token.IndexOf('.', StringComparison.Ordinal)..];
        using var client = factory.Anonymous();
        foreach (var path in new[] { "/unsubscribe", "/unsubscribe?token=", "/unsubscribe?token=nonsense", "/unsubscribe?token=" + Uri.EscapeDataString(forged) })
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
            {
                using var response = await client.SendAsync(new HttpRequestMessage(method, path), Cancel);
                response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{method} {path}");
                (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("This unsubscribe link does not work");
            }
        }

        factory.Service<SuppressionList>().IsSuppressed("bob@example.com").ShouldBeFalse();
    }

    [Fact]
    public async Task Unsubscribing_is_rate_limited_per_client()
    {
        using var client = factory.Anonymous();
        for (var i = 0; i < UnsubscribeEndpoints.PerMinute; i++)
        {
            (await client.GetAsync("/unsubscribe?token=nonsense", Cancel)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        (await client.GetAsync("/unsubscribe?token=nonsense", Cancel)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public void The_signing_secret_is_made_once_and_kept_in_the_workspace_file()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-secret-").FullName;
        try
        {
            var db = Path.Combine(dir, "workspace.duckdb");
            string token;
            using (var first = new WorkspaceFactory(o => o with { DbPath = db }))
            {
                token = first.Service<UnsubscribeTokens>().Create("alice@example.com");
            }

            using var second = new WorkspaceFactory(o => o with { DbPath = db });
            second.Service<UnsubscribeTokens>().TryRead(token, out var address).ShouldBeTrue("a restart must not void links already sent");
            address.ShouldBe("alice@example.com");
            using var other = new WorkspaceFactory();
            other.Service<UnsubscribeTokens>().TryRead(token, out _).ShouldBeFalse("each workspace makes its own secret");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
