using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Api;

public sealed class AdminApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_key_creates_lists_and_revokes_keys()
    {
        using var factory = new WorkspaceFactory();
        var admin = factory.WithKey(ApiKeyKind.Admin, out _);

        var created = await admin.PostAsync("/api/keys", JsonContent.Create(new { name = "warehouse sync", kind = "read" }), Cancel);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Cancel));
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Cancel)).RootElement;
        var secret = body.GetProperty("secret").GetString()!;
        var id = body.GetProperty("key").GetProperty("id").GetInt64();
        body.GetProperty("key").GetProperty("kind").GetString().ShouldBe("read");

        var reader = factory.Anonymous();
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        (await reader.GetAsync("/api/journeys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await reader.GetAsync("/api/keys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var list = await admin.GetStringAsync("/api/keys", Cancel);
        list.ShouldContain("\"name\":\"warehouse sync\"");
        list.ShouldNotContain(secret);

        (await admin.DeleteAsync($"/api/keys/{id}", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await reader.GetAsync("/api/journeys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await admin.DeleteAsync($"/api/keys/{id}", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_key_request_with_a_bad_kind_or_no_json_says_what_to_send()
    {
        using var factory = new WorkspaceFactory();
        var admin = factory.WithKey(ApiKeyKind.Admin, out _);
        var kind = await admin.PostAsync("/api/keys", JsonContent.Create(new { name = "x", kind = "root" }), Cancel);
        kind.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await kind.Content.ReadAsStringAsync(Cancel)).ShouldContain("kind: 'root' is not a key kind");
        var text = await admin.PostAsync("/api/keys", new StringContent("name=x", Encoding.UTF8, "text/plain"), Cancel);
        text.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await text.Content.ReadAsStringAsync(Cancel)).ShouldContain("Content-Type: application/json");
        factory.Service<ApiKeyStore>().All().Count.ShouldBe(1);
    }
}
