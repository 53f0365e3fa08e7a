using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Api;

public sealed class JourneyApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "text/yaml");

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task A_journey_goes_through_create_read_update_revert_and_delete()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        var created = await client.PostAsync("/api/journeys?message=First%20cut", Yaml(ShopData.Journey), Cancel);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Cancel));
        created.Headers.Location!.ToString().ShouldBe("/api/journeys/shop");
        created.Headers.ETag!.Tag.ShouldBe("\"1\"");
        var body = await JsonAsync(created);
        body.GetProperty("slug").GetString().ShouldBe("shop");
        body.GetProperty("title").GetString().ShouldBe("Shop");
        body.GetProperty("version").GetInt32().ShouldBe(1);
        body.GetProperty("updated_by").GetString().ShouldBe("editor@example.test");

        var list = await JsonAsync(await client.GetAsync("/api/journeys", Cancel));
        list.EnumerateArray().Select(j => j.GetProperty("slug").GetString()).ShouldBe(["shop"]);

        var read = await client.GetAsync("/api/journeys/shop", Cancel);
        read.Headers.ETag!.Tag.ShouldBe("\"1\"");
        (await JsonAsync(read)).GetProperty("yaml").GetString().ShouldBe(ShopData.Journey);

        // Version 2 through the JSON form, guarded by the version just read.
        var renamed = ShopData.Journey.Replace("title: Shop", "title: Shop v2", StringComparison.Ordinal);
        var put = new HttpRequestMessage(HttpMethod.Put, "/api/journeys/shop") { Content = JsonContent.Create(new { yaml = renamed, message = "Renamed" }) };
        put.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var updated = await client.SendAsync(put, Cancel);
        updated.StatusCode.ShouldBe(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync(Cancel));
        updated.Headers.ETag!.Tag.ShouldBe("\"2\"");
        var v2 = await JsonAsync(updated);
        v2.GetProperty("version").GetInt32().ShouldBe(2);
        v2.GetProperty("title").GetString().ShouldBe("Shop v2");

        var versions = await JsonAsync(await client.GetAsync("/api/journeys/shop/versions", Cancel));
        versions.EnumerateArray().Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("message").GetString()))
            .ShouldBe([(2, "Renamed"), (1, "First cut")]);
        var first = await JsonAsync(await client.GetAsync("/api/journeys/shop/versions/1", Cancel));
        first.GetProperty("yaml").GetString().ShouldBe(ShopData.Journey);

        // Reverting saves version 1's text as version 3; history keeps all three.
        // A bodiless POST with the session cookie carries the page's antiforgery token, as the workspace's own pages do.
        using var revert = new HttpRequestMessage(HttpMethod.Post, "/api/journeys/shop/versions/1/revert");
        revert.Headers.Add("RequestVerificationToken", await WorkspaceFactory.AntiforgeryTokenAsync(client, "/journeys", Cancel));
        var reverted = await client.SendAsync(revert, Cancel);
        reverted.StatusCode.ShouldBe(HttpStatusCode.OK, await reverted.Content.ReadAsStringAsync(Cancel));
        var v3 = await JsonAsync(reverted);
        v3.GetProperty("version").GetInt32().ShouldBe(3);
        v3.GetProperty("title").GetString().ShouldBe("Shop");
        v3.GetProperty("yaml").GetString().ShouldBe(ShopData.Journey);
        factory.Service<JourneyStore>().Versions(factory.Service<JourneyStore>().Find("shop")!.Id).Count.ShouldBe(3);

        (await client.DeleteAsync("/api/journeys/shop", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var gone = await client.GetAsync("/api/journeys/shop", Cancel);
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        gone.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await JsonAsync(gone)).GetProperty("detail").GetString().ShouldBe("There is no journey \"shop\" in this workspace; GET /api/journeys lists them.");
    }

    [Fact]
    public async Task A_save_with_a_stale_If_Match_is_refused_with_412_and_saves_nothing()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.WithKey(ApiKeyKind.Admin, out _);
        (await client.PostAsync("/api/journeys", Yaml(ShopData.Journey), Cancel)).StatusCode.ShouldBe(HttpStatusCode.Created);

        // Someone else saves version 2 ...
        var theirs = new HttpRequestMessage(HttpMethod.Put, "/api/journeys/shop") { Content = Yaml(ShopData.Journey.Replace("title: Shop", "title: Theirs", StringComparison.Ordinal)) };
        theirs.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        (await client.SendAsync(theirs, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // ... so a save still based on version 1 must not overwrite it.
        var mine = new HttpRequestMessage(HttpMethod.Put, "/api/journeys/shop") { Content = Yaml(ShopData.Journey.Replace("title: Shop", "title: Mine", StringComparison.Ordinal)) };
        mine.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var refused = await client.SendAsync(mine, Cancel);
        refused.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        refused.Headers.ETag!.Tag.ShouldBe("\"2\"");
        (await JsonAsync(refused)).GetProperty("detail").GetString()!.ShouldStartWith("Journey shop is at version 2 (last saved by API key test Admin), not 1 as If-Match says. Nothing was saved");
        var stored = factory.Service<JourneyStore>().Find("shop")!;
        stored.Version.ShouldBe(2);
        stored.Title.ShouldBe("Theirs");

        // Without If-Match the last writer wins, as documented.
        var blind = await client.PutAsync("/api/journeys/shop", Yaml(ShopData.Journey.Replace("title: Shop", "title: Mine", StringComparison.Ordinal)), Cancel);
        (await JsonAsync(blind)).GetProperty("version").GetInt32().ShouldBe(3);

        var garbage = new HttpRequestMessage(HttpMethod.Put, "/api/journeys/shop") { Content = Yaml(ShopData.Journey) };
        garbage.Headers.TryAddWithoutValidation("If-Match", "\"abc\"");
        (await client.SendAsync(garbage, Cancel)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    // Line 6 of this text is "    colour: red": an unknown key, starting at column 5.
    private const string WithUnknownKey = """
        id: shop
        title: Shop
        stages:
          - id: view
            name: View
            colour: red
        """;

    [Fact]
    public async Task Validate_lists_diagnostics_with_line_and_column_and_saves_nothing()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);
        var response = await client.PostAsync("/api/validate", Yaml(WithUnknownKey), Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = await JsonAsync(response);
        report.GetProperty("valid").GetBoolean().ShouldBeFalse();
        var error = report.GetProperty("diagnostics").EnumerateArray().Single(d => d.GetProperty("severity").GetString() == "error");
        (error.GetProperty("line").GetInt32(), error.GetProperty("column").GetInt32(), error.GetProperty("code").GetString()).ShouldBe((6, 5, "TM002"));
        error.GetProperty("message").GetString()!.ShouldContain("colour");

        var good = await JsonAsync(await client.PostAsync("/api/validate", JsonContent.Create(new { yaml = ShopData.Journey }), Cancel));
        good.GetProperty("valid").GetBoolean().ShouldBeTrue();
        good.GetProperty("errors").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Creating_invalid_yaml_is_a_422_problem_with_the_diagnostics_and_nothing_is_saved()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.WithKey(ApiKeyKind.Admin, out _);
        var response = await client.PostAsync("/api/journeys", new StringContent(WithUnknownKey, Encoding.UTF8, "application/x-yaml"), Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await JsonAsync(response);
        problem.GetProperty("detail").GetString()!.ShouldContain("the first is at 6:5: error TM002");
        var diagnostic = problem.GetProperty("diagnostics").EnumerateArray().Single(d => d.GetProperty("severity").GetString() == "error");
        (diagnostic.GetProperty("line").GetInt32(), diagnostic.GetProperty("column").GetInt32()).ShouldBe((6, 5));
        factory.Service<JourneyStore>().All().ShouldBeEmpty();
    }

    [Fact]
    public async Task Bodies_the_API_cannot_read_get_a_message_saying_what_to_send()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.WithKey(ApiKeyKind.Admin, out _);

        var empty = await client.PostAsync("/api/journeys", Yaml(""), Cancel);
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonAsync(empty)).GetProperty("detail").GetString()!.ShouldContain("Content-Type: text/yaml");

        var xml = await client.PostAsync("/api/journeys", new StringContent("<journey/>", Encoding.UTF8, "application/xml"), Cancel);
        xml.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);

        var broken = await client.PostAsync("/api/journeys", new StringContent("{\"yaml\": ", Encoding.UTF8, "application/json"), Cancel);
        broken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonAsync(broken)).GetProperty("detail").GetString()!.ShouldStartWith("The body is not valid JSON");

        var noYaml = await client.PostAsync("/api/journeys", JsonContent.Create(new { text = "id: x" }), Cancel);
        (await JsonAsync(noYaml)).GetProperty("detail").GetString()!.ShouldStartWith("The JSON body has no \"yaml\" field");
        factory.Service<JourneyStore>().All().ShouldBeEmpty();
    }

    [Fact]
    public async Task Render_returns_each_text_format_and_refuses_an_unknown_one()
    {
        using var factory = new WorkspaceFactory();
        factory.Service<JourneyStore>().Create(ShopData.Journey, "test");
        var client = factory.WithKey(ApiKeyKind.Read, out _);

        var md = await client.GetAsync("/api/journeys/shop/render?format=md", Cancel);
        md.StatusCode.ShouldBe(HttpStatusCode.OK);
        md.Content.Headers.ContentType!.MediaType.ShouldBe("text/markdown");
        md.Content.Headers.ContentDisposition!.FileName.ShouldBe("shop-v1.md");
        (await md.Content.ReadAsStringAsync(Cancel)).ShouldContain("Cart to buy");

        var mermaid = await client.GetAsync("/api/journeys/shop/render?format=mermaid", Cancel);
        (await mermaid.Content.ReadAsStringAsync(Cancel)).ShouldStartWith("journey\n");

        var bad = await client.GetAsync("/api/journeys/shop/render?format=docx", Cancel);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonAsync(bad)).GetProperty("detail").GetString()!.ShouldStartWith("format: 'docx' is not a format");

        (await client.GetAsync("/api/journeys/shop/render?format=md&version=7", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Refusals_are_problems_that_say_how_to_get_in()
    {
        using var factory = new WorkspaceFactory();
        var anonymous = await factory.Anonymous().GetAsync("/api/journeys", Cancel);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await JsonAsync(anonymous)).GetProperty("detail").GetString()!.ShouldStartWith("Sign in, or send an API key as Authorization: Bearer KEY");

        var unknown = factory.Anonymous();
        unknown.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "tm_read_not_a_key");
        var refused = await unknown.GetAsync("/api/journeys", Cancel);
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ShouldNotBeEmpty();
        (await JsonAsync(refused)).GetProperty("detail").GetString()!.ShouldStartWith("The API key is unknown or revoked");

        var reader = factory.WithKey(ApiKeyKind.Read, out _);
        var forbidden = await reader.PostAsync("/api/journeys", Yaml(ShopData.Journey), Cancel);
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await JsonAsync(forbidden)).GetProperty("detail").GetString()!.ShouldContain("changes an editor or an admin key");
        factory.Service<JourneyStore>().All().ShouldBeEmpty();
    }
}
