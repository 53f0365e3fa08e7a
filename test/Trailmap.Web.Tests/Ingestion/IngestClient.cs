using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Trailmap.Events;
using Trailmap.Web.Analysis;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Ingestion;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Ingestion;

/// <summary>Helpers the ingestion tests share: a Segment-style client, posting JSON, reading the store back.</summary>
internal static class IngestClient
{
    /// <summary>A client that sends a new write key the way Segment's libraries do: HTTP Basic, the key as user name.</summary>
    public static HttpClient Segment(WorkspaceFactory factory)
    {
        var (_, secret) = factory.Service<ApiKeyStore>().Create("website", ApiKeyKind.Ingest);
        var client = factory.Anonymous();
        client.DefaultRequestHeaders.Authorization = Basic(secret);
        return client;
    }

    public static AuthenticationHeaderValue Basic(string writeKey) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json, CancellationToken cancel) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancel);

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response, CancellationToken cancel) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(cancel))!.AsObject();

    /// <summary>Waits until everything spooled so far is in the store.</summary>
    public static Task FlushAsync(WorkspaceFactory factory, CancellationToken cancel) => factory.Service<IngestPump>().FlushAsync(cancel);

    public static Task<List<EventRow>> EventsAsync(WorkspaceFactory factory, CancellationToken cancel) =>
        factory.Service<EventData>().UseAsync(s => s.ReadSorted(null, null, null).ToList(), cancel);

    public static async Task<Dictionary<string, JsonObject>> TraitsAsync(WorkspaceFactory factory, CancellationToken cancel)
    {
        var traits = await factory.Service<EventData>().UseAsync(s => s.ReadTraits(), cancel);
        return traits.ToDictionary(t => t.CustomerId, t => JsonNode.Parse(t.Traits)!.AsObject());
    }

    public static void ShouldBeJson(this string actual, string expected) =>
        JsonNode.DeepEquals(JsonNode.Parse(actual), JsonNode.Parse(expected)).ShouldBeTrue($"expected {expected}, got {actual}");
}
