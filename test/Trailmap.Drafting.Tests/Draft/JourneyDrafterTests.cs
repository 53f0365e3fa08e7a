using System.Text.Json.Nodes;
using Trailmap.Drafting.Draft;
using Trailmap.Journeys;
using Trailmap.Journeys.Validation;
using Trailmap.Testing;

namespace Trailmap.Drafting.Tests.Draft;

/// <summary>The drafter against a loopback server speaking the OpenAI chat protocol, with scripted answers.</summary>
public sealed class JourneyDrafterTests
{
    private const string DraftPath = "journey.draft.yaml";

    /// <summary>The customer's own brief: the top of seed 001, up to where its generator's first step begins.</summary>
    private static DraftInput SeedBrief()
    {
        var seeds = Path.GetFullPath(Path.Combine(RepoPaths.SharedData, "..", "seeds"));
        var seed = Directory.Exists(seeds) ? Directory.GetFiles(seeds, "001*").FirstOrDefault() : null;
        Assert.SkipWhen(seed is null, $"seed 001 is not in {seeds}");
        var top = File.ReadLines(seed!).TakeWhile(l => !l.StartsWith("Step 1 of 3", StringComparison.Ordinal)).ToList();
        return new DraftInput { Brief = string.Join('\n', top), BriefName = Path.GetFileName(seed!) };
    }

    private static ModelEndpoint Endpoint(ScriptedChatServer server, int retries = 2, double timeoutSeconds = 20) =>
        new(server.Url, "scripted-model", null, TimeSpan.FromSeconds(timeoutSeconds), retries);

    private static async Task<DraftResult> DraftAsync(ScriptedChatServer server, ModelEndpoint endpoint, DraftInput input, int repairs, List<DraftProgress>? progress = null)
    {
        using var client = endpoint.CreateClient();
        return await JourneyDrafter.DraftAsync(client, endpoint, input, repairs, DraftPath, progress is null ? null : new ListProgress(progress), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_seed_brief_becomes_a_valid_journey_with_personas_stages_and_kpis()
    {
        var brief = SeedBrief();
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text(DraftFixtures.Audience), new ScriptedAnswer.Text(DraftFixtures.Personas), new ScriptedAnswer.Text(DraftFixtures.ValidJourney));
        var progress = new List<DraftProgress>();

        var result = await DraftAsync(server, Endpoint(server), brief, repairs: 2, progress);

        result.Valid.ShouldBeTrue(string.Join("\n", result.Diagnostics));
        result.Repairs.ShouldBe(0);
        var file = JourneyFile.FromText(result.Yaml!);
        file.HasErrors.ShouldBeFalse();
        file.Journey!.Personas.Select(p => p.Id).ShouldBe(["savvy-sarah", "budget-brian"]);
        file.Journey.Stages.Count.ShouldBe(4);
        file.Journey.AllMetrics().ShouldAllBe(m => m.Target != null);

        // Three requests, all streamed; the brief went to the model fenced as data; the journey step asked for JSON
        // against the journey schema.
        var requests = server.Requests;
        requests.Count.ShouldBe(3);
        requests.ShouldAllBe(r => r["stream"]!.GetValue<bool>());
        requests[0]["model"]!.GetValue<string>().ShouldBe("scripted-model");
        var firstUser = Text(requests[0]["messages"]!.AsArray().Last()!["content"]);
        firstUser.ShouldContain("<<<BRIEF");
        firstUser.ShouldContain("awareness to advocacy");
        var format = requests[2]["response_format"]!;
        format["type"]!.GetValue<string>().ShouldBe("json_schema");
        format["json_schema"]!["schema"]!["title"]!.GetValue<string>().ShouldBe("Trailmap journey");
        requests[0]["response_format"].ShouldBeNull();

        // Progress: every step starts, streams and ends, in order.
        progress.Where(p => p.Done).Select(p => p.Number).ShouldBe([1, 2, 3]);
        progress.Last().Characters.ShouldBe(DraftFixtures.ValidJourney.Length);
    }

    [Fact]
    public async Task A_draft_with_schema_errors_goes_back_with_their_locations_and_is_repaired()
    {
        var broken = DraftFixtures.BrokenJourney;
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text(DraftFixtures.Audience), new ScriptedAnswer.Text(DraftFixtures.Personas),
            new ScriptedAnswer.Text(broken), new ScriptedAnswer.Text(DraftFixtures.ValidJourney));

        var result = await DraftAsync(server, Endpoint(server), new DraftInput { Brief = "A project tool for small agencies." }, repairs: 2);

        result.Valid.ShouldBeTrue(string.Join("\n", result.Diagnostics));
        result.Repairs.ShouldBe(1);
        var repair = server.Requests[3]["messages"]!.AsArray();
        Text(repair[^2]!["content"]).ShouldBe(broken.Trim()); // the model sees its own draft ...
        var feedback = Text(repair[^1]!["content"]); // ... and the errors, with the lines they are on
        var (targetLine, _) = DraftFixtures.Find(broken, "thirty percent");
        var (addressLine, _) = DraftFixtures.Find(broken, "unclear-valu\"");
        feedback.ShouldContain($"{DraftPath}:{targetLine}:");
        feedback.ShouldContain($"{DraftPath}:{addressLine}:");
        feedback.ShouldContain("unclear-valu");
    }

    [Fact]
    public async Task A_draft_that_stays_invalid_ends_with_its_diagnostics_and_the_last_draft()
    {
        var broken = DraftFixtures.BrokenJourney;
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Text(DraftFixtures.Audience), new ScriptedAnswer.Text(DraftFixtures.Personas),
            new ScriptedAnswer.Text(broken), new ScriptedAnswer.Text(broken), new ScriptedAnswer.Text(broken));

        var result = await DraftAsync(server, Endpoint(server), new DraftInput { Brief = "A project tool for small agencies." }, repairs: 2);

        result.Valid.ShouldBeFalse();
        result.Yaml.ShouldBeNull();
        result.Repairs.ShouldBe(2);
        server.Requests.Count.ShouldBe(5); // 2 text steps, the draft and 2 repairs: bounded
        result.LastDraft.ShouldBe(broken.Trim());
        var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        errors.Count.ShouldBe(2);
        errors.ShouldAllBe(d => d.File == DraftPath);
        // The kept draft gives the same diagnostics when validated on its own.
        JourneyFile.FromText(result.LastDraft, DraftPath).Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBe(errors);
    }

    [Fact]
    public async Task A_model_that_does_not_answer_in_time_is_a_clear_error()
    {
        await using var server = ScriptedChatServer.Start(new ScriptedAnswer.Silence(TimeSpan.FromSeconds(30)));

        var e = await Should.ThrowAsync<DraftException>(() => DraftAsync(server, Endpoint(server, retries: 0, timeoutSeconds: 1), new DraftInput { Brief = "A brief." }, repairs: 0));

        e.Message.ShouldContain("did not answer within 1s");
        e.Message.ShouldContain("--timeout");
        server.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_429_is_retried_and_the_draft_goes_on()
    {
        await using var server = ScriptedChatServer.Start(
            new ScriptedAnswer.Status(429), new ScriptedAnswer.Text(DraftFixtures.Audience), new ScriptedAnswer.Text(DraftFixtures.Personas),
            new ScriptedAnswer.Text(DraftFixtures.ValidJourney));

        var result = await DraftAsync(server, Endpoint(server, retries: 1), new DraftInput { Brief = "A brief." }, repairs: 0);

        result.Valid.ShouldBeTrue();
        server.Requests.Count.ShouldBe(4);
        server.Requests[1].ToJsonString().ShouldBe(server.Requests[0].ToJsonString()); // the same request again
    }

    [Fact]
    public async Task A_429_that_persists_after_the_retries_is_a_clear_error()
    {
        await using var server = ScriptedChatServer.Start(new ScriptedAnswer.Status(429), new ScriptedAnswer.Status(429), new ScriptedAnswer.Status(429));

        var e = await Should.ThrowAsync<DraftException>(() => DraftAsync(server, Endpoint(server, retries: 1), new DraftInput { Brief = "A brief." }, repairs: 0));

        e.Message.ShouldContain("429");
        e.Message.ShouldContain("--retries");
        server.Requests.Count.ShouldBe(2); // one try and one retry
    }

    [Fact]
    public void The_closest_template_to_the_seed_brief_is_awareness_to_advocacy() =>
        TemplateMatcher.Closest(SeedBrief().Brief).Name.ShouldBe("awareness-to-advocacy");

    [Fact]
    public void The_endpoint_comes_from_the_options_else_the_environment()
    {
        var env = new Dictionary<string, string?> { [ModelEndpoint.UrlVariable] = "http://127.0.0.1:11434/v1", [ModelEndpoint.ModelVariable] = "llama3.1" };
        var timeout = TimeSpan.FromSeconds(5);

        ModelEndpoint.Resolve(null, null, null, timeout, 2, _ => null).ShouldBeNull();
        var fromEnv = ModelEndpoint.Resolve(null, null, null, timeout, 2, n => env.GetValueOrDefault(n))!;
        (fromEnv.Url.ToString(), fromEnv.Model, fromEnv.Key).ShouldBe(("http://127.0.0.1:11434/v1", "llama3.1", null));
        ModelEndpoint.Resolve(null, "qwen2.5", "k", timeout, 2, n => env.GetValueOrDefault(n))!.Model.ShouldBe("qwen2.5");
        Should.Throw<DraftException>(() => ModelEndpoint.Resolve("ftp://host/v1", "m", null, timeout, 2, _ => null)).Message.ShouldContain("http");
    }

    [Fact]
    public void Markdown_fences_around_the_json_are_removed() =>
        JourneyDrafter.Unfence("```json\n{\"a\": 1}\n```").ShouldBe("{\"a\": 1}");

    /// <summary>A message's text, whether the client sent it as a string or as an array of text parts.</summary>
    private static string Text(JsonNode? content) => content switch
    {
        JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>() ?? "")),
        null => "",
        _ => content.GetValue<string>(),
    };

    private sealed class ListProgress(List<DraftProgress> list) : IProgress<DraftProgress>
    {
        public void Report(DraftProgress value) => list.Add(value);
    }
}
