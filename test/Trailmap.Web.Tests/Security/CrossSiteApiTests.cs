using System.Net;
using System.Text;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Security;

/// <summary>Another site cannot make a signed-in admin's browser change things through the API.</summary>
public sealed class CrossSiteApiTests
{
    private const string NewKey = """{"name": "planted", "kind": "admin"}""";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task A_cookie_authenticated_API_post_with_a_form_like_content_type_is_refused(string contentType)
    {
        using var factory = new WorkspaceFactory();
        var admin = await factory.SignedInAsync(Role.Admin, Cancel);

        // What a cross-site form or a "simple" fetch can send without a CORS preflight.
        var content = new StringContent(NewKey, Encoding.UTF8);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var response = await admin.PostAsync("/api/keys", content, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("application/json");
        factory.Service<ApiKeyStore>().All().ShouldNotContain(k => k.Name == "planted");
    }

    [Fact]
    public async Task A_cookie_authenticated_API_post_with_JSON_or_the_antiforgery_header_goes_through()
    {
        using var factory = new WorkspaceFactory();
        var admin = await factory.SignedInAsync(Role.Admin, Cancel);
        (await admin.PostAsync("/api/keys", new StringContent(NewKey, Encoding.UTF8, "application/json"), Cancel)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var token = await WorkspaceFactory.AntiforgeryTokenAsync(admin, "/journeys", Cancel);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = new StringContent(NewKey.Replace("planted", "with token", StringComparison.Ordinal), Encoding.UTF8, "text/plain") };
        request.Headers.Add("RequestVerificationToken", token);
        (await admin.SendAsync(request, Cancel)).StatusCode.ShouldBe(HttpStatusCode.Created);

        factory.Service<ApiKeyStore>().All().Select(k => k.Name).Order().ShouldBe(["planted", "with token"]);
    }

    [Fact]
    public async Task A_cookie_authenticated_bodiless_API_post_needs_the_antiforgery_header()
    {
        using var factory = new WorkspaceFactory(o => o with { RunAutomation = false });
        var admin = await factory.SignedInAsync(Role.Admin, Cancel);
        (await admin.PostAsync("/api/journeys/none/versions/1/revert", null, Cancel)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/journeys/none/versions/1/revert");
        request.Headers.Add("RequestVerificationToken", await WorkspaceFactory.AntiforgeryTokenAsync(admin, "/journeys", Cancel));
        (await admin.SendAsync(request, Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_API_key_call_is_not_affected()
    {
        using var factory = new WorkspaceFactory();
        var program = factory.WithKey(ApiKeyKind.Admin, out _);
        (await program.PostAsync("/api/keys", new StringContent(NewKey, Encoding.UTF8, "text/plain"), Cancel)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }
}
