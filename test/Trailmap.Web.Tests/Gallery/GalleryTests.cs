using System.Net;
using Trailmap.Journeys.Templates;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Web.Tests.Gallery;

public sealed class GalleryTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string> Templates => [.. TemplateCatalog.All.Select(t => t.Name)];

    [Fact]
    public async Task A_viewer_browses_every_template_with_its_stage_count_and_a_preview_but_no_create_button()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);
        var html = await client.GetStringAsync("/templates", Cancel);

        foreach (var template in TemplateCatalog.All)
        {
            html.ShouldContain(WebUtility.HtmlEncode(template.Title));
            html.ShouldContain($"<code>{template.Name}</code> · {StagesByYamlDotNetOf(template)} stages");
            html.ShouldContain($"href=\"/templates/{template.Name}/preview\"");
        }

        html.ShouldNotContain("action=\"/templates/create\"");
        var preview = await client.GetAsync("/templates/saas-trial/preview", Cancel);
        preview.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await preview.Content.ReadAsStringAsync(Cancel)).ShouldContain("SaaS free trial to paid");

        var create = await WorkspaceFactory.PostFormAsync(client, "/templates/create", new() { ["template"] = "saas-trial" }, Cancel, "/templates");
        create.Headers.Location!.ToString().ShouldContain("/forbidden");
        factory.Service<JourneyStore>().All().ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task An_editor_creates_a_journey_from_each_template(string name)
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        (await client.GetStringAsync("/templates", Cancel)).ShouldContain("action=\"/templates/create\"");

        var response = await WorkspaceFactory.PostFormAsync(client, "/templates/create", new() { ["template"] = name }, Cancel, "/templates");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var stored = factory.Service<JourneyStore>().All().ShouldHaveSingleItem();
        var location = response.Headers.Location!.ToString();
        location.ShouldStartWith($"/journeys/{stored.Slug}?notice=");
        Uri.UnescapeDataString(location).ShouldContain($"from the template {name}");
        factory.Service<JourneyStore>().Latest(stored).Yaml.ShouldBe(TemplateCatalog.ReadYaml(name));
        stored.UpdatedBy.ShouldBe("editor@example.test");

        var page = await client.GetStringAsync(location, Cancel);
        page.ShouldContain(WebUtility.HtmlEncode(stored.Title));
        page.ShouldContain("class=\"notice\"");
    }

    [Fact]
    public async Task An_unknown_template_is_a_404_that_creates_nothing()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var response = await WorkspaceFactory.PostFormAsync(client, "/templates/create", new() { ["template"] = "no-such" }, Cancel, "/templates");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("There is no template &quot;no-such&quot;");
        factory.Service<JourneyStore>().All().ShouldBeEmpty();
    }

    [Fact]
    public async Task Pasted_yaml_with_errors_lists_them_by_line_and_column_and_keeps_the_text()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        // Line 3 names a key the format does not have ("titel"), so the parser reports it at 3:1 and "title" is missing.
        const string yaml = "version: 1\nid: broken\ntitel: Oops <b>bold</b>\nstages: []\n";
        var response = await WorkspaceFactory.PostFormAsync(client, "/journeys/new", new() { ["yaml"] = yaml }, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("<code>3:1</code> TM002");
        html.ShouldContain("nothing was saved");
        var kept = System.Text.RegularExpressions.Regex.Match(html, "<textarea[^>]*>([^<]*)</textarea>").Groups[1].Value;
        WebUtility.HtmlDecode(kept).ShouldBe(yaml);
        html.ShouldNotContain("<b>bold</b>");
        factory.Service<JourneyStore>().All().ShouldBeEmpty();
    }

    [Fact]
    public async Task Uploaded_yaml_creates_a_journey_and_pasted_yaml_too()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        var token = await WorkspaceFactory.AntiforgeryTokenAsync(client, "/journeys/new", Cancel);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(""), "yaml" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(TemplateCatalog.ReadYaml("online-course"))), "file", "course.yaml" },
        };
        var upload = await client.PostAsync("/journeys/new", form, Cancel);
        upload.StatusCode.ShouldBe(HttpStatusCode.Redirect, await upload.Content.ReadAsStringAsync(Cancel));

        var pasted = await WorkspaceFactory.PostFormAsync(client, "/journeys/new", new() { ["yaml"] = TemplateCatalog.ReadYaml("online-course") }, Cancel);
        pasted.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // The same id twice: the second journey gets the next free slug.
        var slugs = factory.Service<JourneyStore>().All().Select(j => j.Slug).Order(StringComparer.Ordinal).ToList();
        slugs.ShouldBe(["online-course", "online-course-2"]);
    }

    [Fact]
    public async Task A_journey_whose_id_is_new_gets_a_slug_the_create_page_does_not_hide()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var yaml = TemplateCatalog.ReadYaml("online-course");
        var id = yaml.Split('\n').First(l => l.StartsWith("id:", StringComparison.Ordinal));
        var response = await WorkspaceFactory.PostFormAsync(client, "/journeys/new", new() { ["yaml"] = yaml.Replace(id, "id: new", StringComparison.Ordinal) }, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldStartWith("/journeys/new-2?");
        (await client.GetAsync("/journeys/new-2", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Pasted_text_with_CRLF_line_breaks_is_stored_with_LF_as_the_editor_stores_it()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var yaml = TemplateCatalog.ReadYaml("online-course");
        yaml.ShouldNotContain('\r');

        var response = await WorkspaceFactory.PostFormAsync(client, "/journeys/new", new() { ["yaml"] = yaml.Replace("\n", "\r\n", StringComparison.Ordinal) }, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var journeys = factory.Service<JourneyStore>();
        journeys.Latest(journeys.All().Single()).Yaml.ShouldBe(yaml);
    }

    [Fact]
    public async Task The_review_editors_preview_answers_problems_map_and_ids_to_editors_only_with_the_antiforgery_token()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var token = await WorkspaceFactory.AntiforgeryTokenAsync(client, "/journeys/new", Cancel);

        async Task<HttpResponseMessage> Preview(string yaml, string? header)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/journeys/new/preview") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["yaml"] = yaml }) };
            if (header is not null)
            {
                request.Headers.Add("RequestVerificationToken", header);
            }

            return await client.SendAsync(request, Cancel);
        }

        // Line 3 of this text names a key the format does not have: an error at 3:1, and no map.
        using (var broken = System.Text.Json.JsonDocument.Parse(await (await Preview("version: 1\nid: x\ntitel: Oops\nstages: []\n", token)).Content.ReadAsStringAsync(Cancel)))
        {
            broken.RootElement.GetProperty("diagnostics").EnumerateArray()
                .ShouldContain(d => d.GetProperty("code").GetString() == "TM002" && d.GetProperty("line").GetInt32() == 3 && d.GetProperty("column").GetInt32() == 1);
            broken.RootElement.GetProperty("html").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        }

        var yaml = TemplateCatalog.ReadYaml("online-course");
        var title = yaml.Split('\n').First(l => l.StartsWith("title:", StringComparison.Ordinal))["title:".Length..].Trim().Trim('"');
        using (var good = System.Text.Json.JsonDocument.Parse(await (await Preview(yaml, token)).Content.ReadAsStringAsync(Cancel)))
        {
            good.RootElement.GetProperty("html").GetString()!.ShouldContain(WebUtility.HtmlEncode(title));
            var stageIds = new YamlStream();
            stageIds.Load(new StringReader(yaml));
            var stages = (YamlSequenceNode)((YamlMappingNode)stageIds.Documents[0].RootNode).Children[new YamlScalarNode("stages")];
            good.RootElement.GetProperty("ids").GetProperty("stages").EnumerateArray().Select(e => e.GetString())
                .ShouldBe(stages.Children.Select(s => ((YamlScalarNode)((YamlMappingNode)s).Children[new YamlScalarNode("id")]).Value));
        }

        (await Preview(yaml, null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        factory.Service<JourneyStore>().All().ShouldBeEmpty();

        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);
        var refused = await WorkspaceFactory.PostFormAsync(viewer, "/journeys/new/preview", new() { ["yaml"] = yaml }, Cancel, formPage: "/journeys");
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.AbsolutePath.ShouldBe("/forbidden");
    }

    [Fact]
    public async Task An_empty_form_says_what_to_do()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var response = await WorkspaceFactory.PostFormAsync(client, "/journeys/new", new() { ["yaml"] = "  " }, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("Paste the journey");
    }

    /// <summary>An independent count: YamlDotNet's own document model, not Trailmap's parser.</summary>
    private static int StagesByYamlDotNetOf(JourneyTemplate template)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(template.ReadYaml()));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        return ((YamlSequenceNode)root.Children[new YamlScalarNode("stages")]).Children.Count;
    }
}
