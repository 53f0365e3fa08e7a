using System.Net;
using System.Text.Json.Nodes;
using Trailmap.Drafting.Draft;
using Trailmap.Drafting.Tests;
using Trailmap.Drafting.Tests.Draft;
using Trailmap.Journeys;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Drafting;

/// <summary>"Draft from a brief" over HTTP, against a loopback server speaking the OpenAI chat protocol with scripted answers.</summary>
public sealed class DraftFromBriefTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static WorkspaceFactory Workspace(ScriptedChatServer? server) =>
        new(o => o with { Model = server is null ? null : new ModelEndpoint(server.Url, "scripted-model", null, TimeSpan.FromSeconds(20), 0) });

    private static async Task<HttpResponseMessage> PostBriefAsync(HttpClient client, string brief, string? notes = null)
    {
        var token = await WorkspaceFactory.AntiforgeryTokenAsync(client, "/journeys/new/draft", Cancel);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(brief), "brief" },
        };
        if (notes is not null)
        {
            form.Add(new StringContent(notes), "notes");
        }

        return await client.PostAsync("/journeys/new/draft", form, Cancel);
    }

    /// <summary>Starts a draft and polls its status as the page's script does, until it ends; returns its page and last status.</summary>
    private static async Task<(string Html, JsonObject Status, string Page)> DraftAsync(HttpClient client, string brief, string? notes = null)
    {
        var started = await PostBriefAsync(client, brief, notes);
        started.StatusCode.ShouldBe(HttpStatusCode.Redirect, await started.Content.ReadAsStringAsync(Cancel));
        var page = started.Headers.Location!.ToString();
        page.ShouldStartWith("/journeys/new/draft/");
        JsonObject status;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await Task.Delay(50, Cancel);
            status = JsonNode.Parse(await client.GetStringAsync(page + "/status", Cancel))!.AsObject();
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(1), status.ToJsonString());
        }
        while (!status["done"]!.GetValue<bool>());

        return (await client.GetStringAsync(page, Cancel), status, page);
    }

    private static string Editor(string html)
    {
        var start = html.IndexOf("name=\"yaml\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, "no editor on the page");
        return WebUtility.HtmlDecode(html[(html.IndexOf('>', start) + 1)..html.IndexOf("</textarea>", start, StringComparison.Ordinal)]).TrimStart('\n');
    }

    private static string[] StepNames(JsonObject status) => [.. status["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>())];

    [Fact]
    public async Task A_brief_and_notes_become_a_draft_in_the_editor_and_nothing_is_saved_until_it_is_created()
    {
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text(DraftFixtures.Audience), new ScriptedAnswer.Text(DraftFixtures.Personas), new ScriptedAnswer.Text(DraftFixtures.ValidJourney));
        using var factory = Workspace(server);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        (await client.GetStringAsync("/journeys/new", Cancel)).ShouldContain("href=\"/journeys/new/draft\"");
        (await client.GetStringAsync("/journeys/new/draft", Cancel)).ShouldContain("Drafts with <strong>scripted-model</strong>");

        var (html, status, draftPage) = await DraftAsync(client, "A marketing tool for <script>alert(1)</script> mid-size B2B teams.", "Sarah: I lose a day a week on reports.");

        status["state"]!.GetValue<string>().ShouldBe("succeeded", html);
        StepNames(status).ShouldBe(["audience analysis", "personas", "journey map"]);
        status["steps"]!.AsArray().ShouldAllBe(s => s!["done"]!.GetValue<bool>());
        status["steps"]![2]!["characters"]!.GetValue<int>().ShouldBe(DraftFixtures.ValidJourney.Length);
        html.ShouldContain("action=\"/journeys/new\"");
        html.ShouldContain("No problems");
        html.ShouldContain("<iframe id=\"preview\" class=\"preview-frame\"");
        var yaml = Editor(html);
        var drafted = JourneyFile.FromText(yaml);
        drafted.HasErrors.ShouldBeFalse(yaml);
        drafted.Journey!.Personas.Select(p => p.Id).ShouldBe(["savvy-sarah", "budget-brian"]);
        drafted.Journey.Stages.Select(s => s.Id).ShouldBe(["awareness", "consideration", "decision", "advocacy"]);
        factory.Service<JourneyStore>().All().ShouldBeEmpty();

        // The model got the brief and the notes, fenced as data; the model name is the server's.
        var first = server.Requests[0];
        first["model"]!.GetValue<string>().ShouldBe("scripted-model");
        var content = first["messages"]!.AsArray().Last()!["content"];
        var user = content is JsonArray parts ? string.Concat(parts.Select(p => p?["text"]?.GetValue<string>() ?? "")) : content!.GetValue<string>();
        user.ShouldContain("<<<BRIEF the brief");
        user.ShouldContain("<<<INTERVIEW NOTES notes\nSarah: I lose a day a week on reports.\n>>>");

        // Only its author sees a draft.
        var other = await factory.SignedInAsync(Role.Admin, Cancel);
        (await other.GetAsync(draftPage, Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetAsync(draftPage + "/status", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // Created from the editor, it is saved once, as reviewed.
        var created = await WorkspaceFactory.PostFormAsync(client, "/journeys/new", new() { ["yaml"] = yaml }, Cancel, "/journeys/new");
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        factory.Service<JourneyStore>().All().Select(j => j.Title).ShouldBe(["From awareness to advocacy"]);
    }

    [Fact]
    public async Task A_broken_draft_is_repaired_and_the_steps_say_so()
    {
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text(DraftFixtures.Audience), new ScriptedAnswer.Text(DraftFixtures.Personas),
            new ScriptedAnswer.Text(DraftFixtures.BrokenJourney), new ScriptedAnswer.Text(DraftFixtures.ValidJourney));
        using var factory = Workspace(server);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        var (html, status, _) = await DraftAsync(client, "A project tool for small agencies.");

        status["state"]!.GetValue<string>().ShouldBe("succeeded", html);
        StepNames(status).ShouldBe(["audience analysis", "personas", "journey map", "journey map, repair 1 of 2"]);
        JourneyFile.FromText(Editor(html)).HasErrors.ShouldBeFalse();
        html.ShouldContain("(1 repair)");
    }

    [Fact]
    public async Task A_draft_that_stays_invalid_opens_with_its_errors_at_their_lines()
    {
        var broken = DraftFixtures.BrokenJourney;
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text(DraftFixtures.Audience), new ScriptedAnswer.Text(DraftFixtures.Personas),
            new ScriptedAnswer.Text(broken), new ScriptedAnswer.Text(broken), new ScriptedAnswer.Text(broken));
        using var factory = Workspace(server);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        var (html, status, _) = await DraftAsync(client, "A project tool for small agencies.");

        status["state"]!.GetValue<string>().ShouldBe("invalid", html);
        html.ShouldContain("still has 2 errors after 2 repairs");
        Editor(html).ShouldBe(broken.Trim());
        var (line, _) = DraftFixtures.Find(broken, "\"thirty percent\"");
        html.ShouldContain($"data-line=\"{line}\"");
        html.ShouldContain("2 errors");
        factory.Service<JourneyStore>().All().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_rate_limit_that_persists_is_a_clear_message_not_a_crash()
    {
        await using var server = ScriptedChatServer.Start(new ScriptedAnswer.Status(429));
        using var factory = Workspace(server);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        var (html, status, _) = await DraftAsync(client, "A brief.");

        status["state"]!.GetValue<string>().ShouldBe("failed", html);
        html.ShouldContain("429 Too Many Requests");
        html.ShouldContain("wait a minute and draft again");
        html.ShouldNotContain("--retries");
        html.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Without_a_model_the_page_says_how_to_configure_one_and_offers_the_closest_template()
    {
        using var factory = Workspace(null);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        var page = await client.GetStringAsync("/journeys/new/draft", Cancel);
        page.ShouldContain("No model is configured");
        page.ShouldContain("--model-url http://127.0.0.1:11434/v1");
        page.ShouldContain(ModelEndpoint.UrlVariable);

        var response = await PostBriefAsync(client, "# Online course\nStudents enrol in a course, watch lessons and finish with a certificate.");

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("name=\"template\" value=\"online-course\"");
        html.ShouldContain("action=\"/templates/create\"");
        factory.Service<JourneyStore>().All().ShouldBeEmpty();
    }

    [Fact]
    public async Task An_empty_or_oversized_brief_is_refused_with_what_to_do()
    {
        await using var server = ScriptedChatServer.Start();
        using var factory = Workspace(server);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        var empty = await PostBriefAsync(client, "  ");
        empty.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await empty.Content.ReadAsStringAsync(Cancel)).ShouldContain("Write or upload a brief");

        // One character over the limit of brief and notes together: refused before any request to the model.
        var over = await PostBriefAsync(client, new string('b', DraftInput.MaxCharacters - 10), new string('n', 11));
        over.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await over.Content.ReadAsStringAsync(Cancel)).ShouldContain($"{DraftInput.MaxCharacters + 1:N0} characters, more than the {DraftInput.MaxCharacters:N0}");

        var huge = await PostBriefAsync(client, new string('b', Trailmap.Web.Drafting.DraftEndpoints.MaxRequestBytes + 1));
        huge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await huge.Content.ReadAsStringAsync(Cancel)).ShouldContain("at most 1,024 KB");
        server.Requests.ShouldBeEmpty();
    }
}
