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
}
