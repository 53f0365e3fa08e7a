using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Trailmap.Drafting.Draft;
using Trailmap.Drafting.Tests;
using Trailmap.Journeys;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Drafting;

/// <summary>
/// "Draft from a brief" takes what <c>trailmap draft</c> takes: survey answers (CSV) and a journey to extend, from the
/// workspace or uploaded, with the same checks and limits; against a loopback server with scripted answers.
/// </summary>
public sealed class DraftSurveyAndExtendTests
{
    /// <summary>The persona 'lead', the stages 'signup' and 'pay', the KPIs 'signups' and 'trial-to-paid'.</summary>
    private const string Original = """
        { "version": 1, "id": "agency-trial", "title": "Agency trial",
          "personas": [ { "id": "lead", "name": "Lea the lead" } ],
          "stages": [
            { "id": "signup", "name": "Sign up", "entry": "Signed Up", "kpis": [ { "id": "signups", "name": "Signups", "type": "count", "event": "Signed Up", "target": ">= 50" } ] },
            { "id": "pay", "name": "Pay", "entry": "Subscription Started", "kpis": [ { "id": "trial-to-paid", "name": "Trial to paid", "type": "conversion", "target": ">= 20%" } ] } ] }
        """;

    private const string Survey = "respondent,biggest_pain\nr1,approvals\nr2,invoicing\n";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static WorkspaceFactory Workspace(ScriptedChatServer server) =>
        new(o => o with { Model = new ModelEndpoint(server.Url, "scripted-model", null, TimeSpan.FromSeconds(20), 0) });

    private static async Task<HttpResponseMessage> PostAsync(
        HttpClient client, string brief, (string Name, string Text)? survey = null, string? extend = null, (string Name, string Text)? extendFile = null)
    {
        var token = await WorkspaceFactory.AntiforgeryTokenAsync(client, "/journeys/new/draft", Cancel);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(brief), "brief" },
        };
        if (survey is { } s)
        {
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(s.Text)), "surveyFile", s.Name);
        }

        if (extend is not null)
        {
            form.Add(new StringContent(extend), "extend");
        }

        if (extendFile is { } e)
        {
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(e.Text)), "extendFile", e.Name);
        }

        return await client.PostAsync("/journeys/new/draft", form, Cancel);
    }

    private static async Task<(JsonObject Status, string Html)> WaitAsync(HttpClient client, HttpResponseMessage started)
    {
        started.StatusCode.ShouldBe(HttpStatusCode.Redirect, await started.Content.ReadAsStringAsync(Cancel));
        var page = started.Headers.Location!.ToString();
        JsonObject status;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await Task.Delay(50, Cancel);
            status = JsonNode.Parse(await client.GetStringAsync(page + "/status", Cancel))!.AsObject();
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(1), status.ToJsonString());
        }
        while (!status["done"]!.GetValue<bool>());

        return (status, await client.GetStringAsync(page, Cancel));
    }

    private static string Editor(string html)
    {
        var start = html.IndexOf("name=\"yaml\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, "no editor on the page");
        return WebUtility.HtmlDecode(html[(html.IndexOf('>', start) + 1)..html.IndexOf("</textarea>", start, StringComparison.Ordinal)]).TrimStart('\n');
    }

    private static string UserText(JsonObject request)
    {
        var content = request["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "user")!["content"];
        return content is JsonArray parts ? string.Concat(parts.Select(p => p?["text"]?.GetValue<string>() ?? "")) : content!.GetValue<string>();
    }

    [Fact]
    public async Task A_survey_and_a_workspace_journey_to_extend_reach_the_model_and_the_draft_keeps_its_ids()
    {
        // The first journey answer drops the stage 'pay' (renamed 'purchase'): it validates but is no extension, so it
        // goes back once with the missing id; the second keeps every id and adds 'refer'.
        var dropsPay = Original.Replace("\"id\": \"pay\", \"name\": \"Pay\"", "\"id\": \"purchase\", \"name\": \"Purchase\"", StringComparison.Ordinal);
        var extended = Original.Replace("\">= 20%\" } ] } ] }", "\">= 20%\" } ] },\n    { \"id\": \"refer\", \"name\": \"Refer\", \"entry\": \"Referral Sent\" } ] }", StringComparison.Ordinal);
        dropsPay.ShouldNotBe(Original);
        extended.ShouldNotBe(Original);
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text("Segments."), new ScriptedAnswer.Text("Personas."), new ScriptedAnswer.Text(dropsPay), new ScriptedAnswer.Text(extended));
        using var factory = Workspace(server);
        var stored = factory.Service<JourneyStore>().Create(Original, "test");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        (await client.GetStringAsync("/journeys/new/draft", Cancel)).ShouldContain($"<option value=\"{stored.Slug}\">Agency trial ({stored.Slug})</option>");

        var (status, html) = await WaitAsync(client, await PostAsync(client, "Add referrals to the agency trial.", ("survey.csv", Survey), extend: stored.Slug));

        status["state"]!.GetValue<string>().ShouldBe("succeeded", html);
        var first = UserText(server.Requests[0]);
        first.ShouldContain("<<<SURVEY ANSWERS (CSV) survey.csv\n" + Survey.TrimEnd() + "\n>>>");
        first.ShouldContain($"<<<EXISTING JOURNEY TO EXTEND (YAML) {stored.Slug}.yaml\n" + Original.TrimEnd() + "\n>>>");
        UserText(server.Requests[2]).ShouldContain("keep every persona, stage and KPI id");
        server.Requests.Count.ShouldBe(4);
        UserText(server.Requests[3]).ShouldContain($"the stage 'pay' of {stored.Slug}.yaml");
        var journey = JourneyFile.FromText(Editor(html)).Journey!;
        journey.Stages.Select(s => s.Id).ShouldBe(["signup", "pay", "refer"]);
        journey.AllMetrics().Select(m => m.Id).ShouldBe(["signups", "trial-to-paid"]);
        factory.Service<JourneyStore>().All().Count.ShouldBe(1, "nothing is saved before the review");
    }

    [Fact]
    public async Task An_uploaded_journey_to_extend_wins_over_the_choice_and_a_broken_one_is_refused_at_its_line()
    {
        await using var server = ScriptedChatServer.Start();
        using var factory = Workspace(server);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        // Line 5 sets the second KPI's target to words, which is no target.
        var broken = Original.Replace("\">= 20%\"", "\"lots\"", StringComparison.Ordinal);
        var response = await PostAsync(client, "A brief.", extend: "no-such-journey", extendFile: ("old.yaml", broken));

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Cancel));
        html.ShouldContain("The journey to extend, old.yaml, has 1 error");
        html.ShouldContain("The first: old.yaml:5:");
        html.ShouldNotContain("no-such-journey' in this workspace");
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_unknown_journey_to_extend_is_a_422_that_says_so()
    {
        await using var server = ScriptedChatServer.Start();
        using var factory = Workspace(server);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        var response = await PostAsync(client, "A brief.", extend: "no-such-journey");

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("There is no journey 'no-such-journey' in this workspace to extend");
        server.Requests.ShouldBeEmpty();
    }

    [Theory]
    // Line 4 is the third answer, with an unquoted comma: 3 fields against the header's 2.
    [InlineData("respondent,pain\nr1,approvals\nr2,invoicing\nr3,late, invoices\n", "survey.csv:4:1: answer row 3: 3 fields where the header has 2")]
    // The quote at line 2, column 4 never closes.
    [InlineData("respondent,pain\nr1,\"approvals\nr2,x\n", "survey.csv:2:4: answer row 1: a quoted field opens here and never closes")]
    [InlineData("respondent,pain\n", "survey.csv:1:1: the survey has a header row but no answers")]
    public async Task A_bad_survey_is_a_422_with_its_row_and_line_before_the_model_is_asked(string csv, string expected)
    {
        await using var server = ScriptedChatServer.Start();
        using var factory = Workspace(server);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        var response = await PostAsync(client, "A brief.", ("survey.csv", csv));

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Cancel));
        html.ShouldContain(expected);
        html.ShouldContain("A brief.", customMessage: "the brief stays in the form");
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_survey_that_takes_the_inputs_over_the_limit_is_a_413()
    {
        await using var server = ScriptedChatServer.Start();
        using var factory = Workspace(server);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        // "brief" is 5 characters; the survey is a 2-character header line and answers of "x\n": 5 + 2 + 2n > 200,000 at n = 99,997.
        var survey = "a\n" + string.Concat(Enumerable.Repeat("x\n", 99_997));
        var response = await PostAsync(client, "brief", ("survey.csv", survey));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain($"{DraftInput.MaxCharacters + 1:N0} characters, more than the {DraftInput.MaxCharacters:N0}");
        server.Requests.ShouldBeEmpty();
    }
}
