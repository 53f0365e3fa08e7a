using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Trailmap.Journeys.Parsing;
using Trailmap.Testing;
using Trailmap.Testing.Fuzzing;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Api;

/// <summary>
/// The journey limits through the API: bodies over 1 MiB get 413 (not 500, not a parse), and journeys beyond the
/// other limits are diagnostics, so they can neither be saved nor rendered. Deep nesting, which killed the server,
/// is tested against a real <c>trailmap serve</c> in <see cref="ServeParserLimitTests"/>.
/// </summary>
public sealed class JourneyLimitsApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "text/yaml");

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone();

    private static string Journey(int measuredStages) => "version: 1\nid: wide\ntitle: Wide\nstages:\n" + string.Concat(Enumerable.Range(1, measuredStages).Select(k =>
        $"  - {{ id: s{k}, name: S{k}, entry: E{k}, kpis: [{{ id: k{k}, name: K{k}, type: count, event: E{k}, target: \">= 1\" }}] }}\n"));

    /// <summary>A clean journey padded with a comment to <paramref name="bytes"/> bytes.</summary>
    private static string OfSize(int bytes)
    {
        var yaml = Journey(3);
        return yaml + "# " + new string('x', bytes - yaml.Length - 3) + "\n";
    }

    [Fact]
    public async Task Validate_answers_413_to_a_body_over_1_MiB_with_a_length()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.WithKey(ApiKeyKind.Read, out _);

        var response = await client.PostAsync("/api/validate", Yaml(OfSize(JourneyLimits.MaxFileBytes + 1)), Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, await response.Content.ReadAsStringAsync(Cancel));
        (await JsonAsync(response)).GetProperty("detail").GetString()!.ShouldContain("1,048,576 bytes");
    }

    [Fact]
    public async Task Validate_answers_413_to_a_chunked_body_over_1_MiB()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.WithKey(ApiKeyKind.Read, out _);
        // A stream of unknown length is sent chunked, without Content-Length: the limit is found while reading.
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(OfSize(2 * JourneyLimits.MaxFileBytes))));
        content.Headers.ContentType = new("text/yaml");

        var response = await client.PostAsync("/api/validate", content, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, await response.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task A_body_of_exactly_1_MiB_is_validated()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.WithKey(ApiKeyKind.Read, out _);

        var response = await client.PostAsync("/api/validate", Yaml(OfSize(JourneyLimits.MaxFileBytes)), Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        (await JsonAsync(response)).GetProperty("valid").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Creating_a_journey_over_1_MiB_is_a_413_and_saves_nothing()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.WithKey(ApiKeyKind.Admin, out _);

        var response = await client.PostAsync("/api/journeys", JsonContent.Create(new { yaml = OfSize(JourneyLimits.MaxFileBytes + 10) }), Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, await response.Content.ReadAsStringAsync(Cancel));
        factory.Service<JourneyStore>().All().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_journey_whose_aliases_expand_past_the_limit_cannot_be_saved()
    {
        // The report: 300 KB naming one 1 KB text 100,000 times saved cleanly and rendered a 102 MB page.
        var yaml = Journey(1) + "description: &t " + new string('x', 1024) + "\ntags: [" + string.Join(',', Enumerable.Repeat("*t", 100_000)) + "]\n";
        using var factory = new WorkspaceFactory();
        var client = factory.WithKey(ApiKeyKind.Admin, out _);

        var response = await client.PostAsync("/api/journeys", Yaml(yaml), Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync(Cancel));
        var diagnostic = (await JsonAsync(response)).GetProperty("diagnostics").EnumerateArray().ShouldHaveSingleItem();
        diagnostic.GetProperty("code").GetString().ShouldBe("TM017");
        // The aliases are all on the last line: 4 lines of head, one stage, the description.
        diagnostic.GetProperty("line").GetInt32().ShouldBe(7);
        factory.Service<JourneyStore>().All().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_journey_with_more_measured_stages_than_analysis_follows_cannot_be_saved()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.WithKey(ApiKeyKind.Admin, out _);

        var response = await client.PostAsync("/api/journeys", Yaml(Journey(31)), Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync(Cancel));
        var diagnostic = (await JsonAsync(response)).GetProperty("diagnostics").EnumerateArray().ShouldHaveSingleItem();
        // Stage 31 is on line 4 + 31; its entry value at column 34 (6 + "id: s31, " + "name: S31, " + "entry: ").
        (diagnostic.GetProperty("code").GetString(), diagnostic.GetProperty("line").GetInt32(), diagnostic.GetProperty("column").GetInt32())
            .ShouldBe(("TM018", 35, 34));
        factory.Service<JourneyStore>().All().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_journey_with_30_measured_stages_is_saved_and_renders()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.WithKey(ApiKeyKind.Admin, out _);

        var created = await client.PostAsync("/api/journeys", Yaml(Journey(30)), Cancel);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Cancel));

        // Rendering measures the journey: the stage funnel with 30 steps, the most it has.
        var rendered = await client.GetAsync("/api/journeys/wide/render?format=json", Cancel);
        rendered.StatusCode.ShouldBe(HttpStatusCode.OK, await rendered.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task Mutated_journeys_posted_to_validate_never_get_a_5xx()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.WithKey(ApiKeyKind.Read, out _);
        var gen = YamlMutations.Of(YamlMutations.Corpus(RepoPaths.Root));

        foreach (var (i, input) in YamlMutations.Fixed(gen, 150))
        {
            var response = await client.PostAsync("/api/validate", Yaml(input.Text), Cancel);
            ((int)response.StatusCode).ShouldBeLessThan(500, $"iteration {i}: {input}: {await response.Content.ReadAsStringAsync(Cancel)}");
        }
    }
}
