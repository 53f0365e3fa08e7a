using Shouldly;
using Trailmap.Drafting.Tests;
using Trailmap.Journeys;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>trailmap draft</c> end to end against a loopback OpenAI-compatible endpoint with scripted answers.</summary>
public sealed class DraftCommandTests : IDisposable
{
    private const string Journey = """
        { "version": 1, "id": "agency-trial", "title": "Agency trial",
          "personas": [ { "id": "lead", "name": "Lea the lead" } ],
          "stages": [
            { "id": "signup", "name": "Sign up", "entry": "Signed Up", "kpis": [ { "id": "signups", "name": "Signups", "type": "count", "event": "Signed Up", "target": ">= 50" } ] },
            { "id": "pay", "name": "Pay", "entry": "Subscription Started", "kpis": [ { "id": "trial-to-paid", "name": "Trial to paid", "type": "conversion", "target": ">= 20%" } ] } ] }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-draft-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private async Task<string> BriefAsync(string text)
    {
        var path = PathOf("brief.md");
        await File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
        return path;
    }

    [Fact]
    public async Task Without_a_model_it_says_how_to_configure_one_and_offers_the_closest_template()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable("TRAILMAP_MODEL_URL") is { Length: > 0 }, "a model is configured in this environment");
        var brief = await BriefAsync("# Online course\nStudents enrol in a course, watch lessons and finish with a certificate.");

        var run = await CliRun.RunAsync("draft", brief, "-o", PathOf("journey.yaml"));

        run.ExitCode.ShouldBe(1);
        run.Err.ShouldContain("no model is configured");
        run.Err.ShouldContain("--model-url");
        run.Err.ShouldContain("11434");
        run.Err.ShouldContain("trailmap init --template online-course");
        File.Exists(PathOf("journey.yaml")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_scripted_model_drafts_a_journey_file_that_validates()
    {
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text("Segments: agency leads."), new ScriptedAnswer.Text("Personas: Lea the lead."), new ScriptedAnswer.Text(Journey));
        var brief = await BriefAsync("A project tool for small agencies <script>alert(1)</script>.");
        var output = PathOf("journey.yaml");

        var run = await CliRun.RunAsync("draft", brief, "-o", output, "--model-url", server.Url.ToString(), "--model", "scripted");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Err.ShouldContain("step 1/3 audience analysis");
        run.Err.ShouldContain("step 3/3 journey map");
        var file = JourneyFile.Load(output);
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        file.Journey!.Id.ShouldBe("agency-trial");
        (await CliRun.RunAsync("validate", output)).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task A_draft_that_stays_invalid_exits_1_and_keeps_the_last_draft_beside_the_output()
    {
        var broken = Journey.Replace("\">= 20%\"", "\"twenty\"", StringComparison.Ordinal);
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text("Segments."), new ScriptedAnswer.Text("Personas."), new ScriptedAnswer.Text(broken), new ScriptedAnswer.Text(broken));
        var brief = await BriefAsync("A project tool for small agencies.");

        var run = await CliRun.RunAsync("draft", brief, "-o", PathOf("journey.yaml"), "--model-url", server.Url.ToString(), "--model", "scripted", "--repairs", "1");

        run.ExitCode.ShouldBe(1, run.ToString());
        File.Exists(PathOf("journey.yaml")).ShouldBeFalse();
        var kept = PathOf("journey.draft.yaml");
        (await File.ReadAllTextAsync(kept, TestContext.Current.CancellationToken)).Trim().ShouldBe(broken.Trim());
        run.Out.ShouldContain($"{kept}:");
        run.Out.ShouldContain("twenty");
        run.Err.ShouldContain("after 1 repairs");
        run.Err.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_a_clear_error()
    {
        var brief = await BriefAsync("A brief.");
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var run = await CliRun.RunAsync("draft", brief, "-o", PathOf("journey.yaml"), "--model-url", $"http://127.0.0.1:{port}/v1", "--model", "m", "--retries", "0");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Err.ShouldContain($"cannot reach the model at http://127.0.0.1:{port}/v1");
        run.Err.ShouldContain("is the server running?");
        run.Err.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Notes_and_survey_answers_go_to_the_model_fenced_as_data()
    {
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text("Segments."), new ScriptedAnswer.Text("Personas."), new ScriptedAnswer.Text(Journey));
        var brief = await BriefAsync("A project tool for small agencies.");
        var notes1 = PathOf("interview-ana.txt");
        var notes2 = PathOf("interview-bo.txt");
        var survey = PathOf("survey.csv");
        await File.WriteAllTextAsync(notes1, "Ana: we lose a day a week chasing approvals.", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(notes2, "Bo: invoices are the worst part.", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(survey, "respondent,biggest_pain\nr1,approvals\nr2,invoicing\n", TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("draft", brief, "-o", PathOf("journey.yaml"), "--notes", notes1, "--notes", notes2, "--survey", survey,
            "--model-url", server.Url.ToString(), "--model", "scripted");

        run.ExitCode.ShouldBe(0, run.ToString());
        var first = UserText(server.Requests[0]);
        first.ShouldContain("<<<INTERVIEW NOTES interview-ana.txt\nAna: we lose a day a week chasing approvals.\n>>>");
        first.ShouldContain("<<<INTERVIEW NOTES interview-bo.txt\nBo: invoices are the worst part.\n>>>");
        first.ShouldContain("<<<SURVEY ANSWERS (CSV) survey.csv\nrespondent,biggest_pain\nr1,approvals\nr2,invoicing\n>>>");
        first.IndexOf("<<<BRIEF", StringComparison.Ordinal).ShouldBeLessThan(first.IndexOf("<<<INTERVIEW NOTES", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_survey_or_a_broken_journey_to_extend_stops_before_the_model_is_asked()
    {
        await using var server = ScriptedChatServer.Start();
        var brief = await BriefAsync("A project tool for small agencies.");
        var survey = PathOf("survey.csv");
        // Line 3 is the second answer, with an unquoted comma: 3 fields against the header's 2.
        await File.WriteAllTextAsync(survey, "respondent,biggest_pain\nr1,approvals\nr2,late, invoices\n", TestContext.Current.CancellationToken);
        var original = PathOf("original.yaml");
        await File.WriteAllTextAsync(original, Journey.Replace("\">= 20%\"", "\"lots\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var badSurvey = await CliRun.RunAsync("draft", brief, "-o", PathOf("journey.yaml"), "--survey", survey, "--model-url", server.Url.ToString(), "--model", "m");
        var badExtend = await CliRun.RunAsync("draft", brief, "-o", PathOf("journey.yaml"), "--extend", original, "--model-url", server.Url.ToString(), "--model", "m");

        badSurvey.ExitCode.ShouldBe(1, badSurvey.ToString());
        badSurvey.Err.ShouldContain("survey.csv:3:1: answer row 2: 3 fields where the header has 2");
        badExtend.ExitCode.ShouldBe(1, badExtend.ToString());
        // The target is on line 5 of the journey to extend.
        badExtend.Err.ShouldContain("the journey to extend, original.yaml, has 1 error");
        badExtend.Err.ShouldContain("The first: original.yaml:5:");
        server.Requests.ShouldBeEmpty();
        File.Exists(PathOf("journey.yaml")).ShouldBeFalse();
    }

    [Fact]
    public async Task Extending_a_journey_sends_it_and_a_draft_that_drops_its_ids_is_repaired()
    {
        // The original has the persona 'lead', the stages 'signup' and 'pay' and the KPIs 'signups' and 'trial-to-paid'.
        // The first answer renames the stage 'pay' to 'purchase' (and so drops 'pay'): it validates, but it is not an
        // extension, so it goes back with the missing id. The second keeps every id and adds a stage.
        var original = PathOf("original.yaml");
        await File.WriteAllTextAsync(original, Journey, TestContext.Current.CancellationToken);
        var dropsPay = Journey.Replace("\"id\": \"pay\", \"name\": \"Pay\"", "\"id\": \"purchase\", \"name\": \"Purchase\"", StringComparison.Ordinal);
        dropsPay.ShouldNotBe(Journey);
        var extended = Journey.Replace("\">= 20%\" } ] } ] }", "\">= 20%\" } ] },\n    { \"id\": \"refer\", \"name\": \"Refer\", \"entry\": \"Referral Sent\", \"kpis\": [ { \"id\": \"referrals\", \"name\": \"Referrals\", \"type\": \"count\", \"event\": \"Referral Sent\", \"target\": \">= 5\" } ] } ] }", StringComparison.Ordinal);
        extended.ShouldNotBe(Journey);
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text("Segments."), new ScriptedAnswer.Text("Personas."), new ScriptedAnswer.Text(dropsPay), new ScriptedAnswer.Text(extended));
        var brief = await BriefAsync("Add referrals to the agency trial.");
        var output = PathOf("journey.yaml");

        var run = await CliRun.RunAsync("draft", brief, "-o", output, "--extend", original, "--model-url", server.Url.ToString(), "--model", "scripted");

        run.ExitCode.ShouldBe(0, run.ToString());
        UserText(server.Requests[0]).ShouldContain("<<<EXISTING JOURNEY TO EXTEND (YAML) original.yaml\n" + Journey.TrimEnd() + "\n>>>");
        UserText(server.Requests[2]).ShouldContain("keep every persona, stage and KPI id");
        server.Requests.Count.ShouldBe(4);
        var repair = UserText(server.Requests[3]);
        repair.ShouldContain("the stage 'pay' of original.yaml");
        repair.ShouldNotContain("'signup'");
        var journey = JourneyFile.Load(output).Journey!;
        journey.Personas.Select(p => p.Id).ShouldBe(["lead"]);
        journey.Stages.Select(s => s.Id).ShouldBe(["signup", "pay", "refer"]);
        journey.AllMetrics().Select(m => m.Id).ShouldBe(["signups", "trial-to-paid", "referrals"]);
    }

    [Fact]
    public async Task A_stream_that_stalls_midway_ends_at_the_timeout_with_a_clear_error()
    {
        await using var server = ScriptedChatServer.Start(new ScriptedAnswer.Stall("Segments: agency leads who run many client projects at once.", TimeSpan.FromSeconds(60)));
        var brief = await BriefAsync("A project tool for small agencies.");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var run = await CliRun.RunAsync("draft", brief, "-o", PathOf("journey.yaml"), "--model-url", server.Url.ToString(), "--model", "scripted",
            "--timeout", "2s", "--retries", "0");

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), run.ToString());
        run.ExitCode.ShouldBe(1, run.ToString());
        run.Err.ShouldContain("audience analysis: the model at");
        run.Err.ShouldContain("did not answer within 2s");
        run.Err.ShouldContain("--timeout");
        run.Err.ShouldNotContain("   at ");
        File.Exists(PathOf("journey.yaml")).ShouldBeFalse();
    }

    /// <summary>The text of a request's last user message, whether sent as a string or as text parts.</summary>
    private static string UserText(System.Text.Json.Nodes.JsonObject request)
    {
        var content = request["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "user")!["content"];
        return content is System.Text.Json.Nodes.JsonArray parts
            ? string.Concat(parts.Select(p => p?["text"]?.GetValue<string>() ?? ""))
            : content!.GetValue<string>();
    }
}
