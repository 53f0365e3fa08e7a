using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CsCheck;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Ingestion.IngestClient;

namespace Trailmap.Web.Tests.Ingestion;

/// <summary>
/// Generated bad input at the Segment endpoints of a real in-process server: valid requests mutated byte by byte
/// and token by token (broken structure, lone surrogates, bytes that are not UTF-8, extreme times, deep nesting).
/// Whatever arrives, the answer is never a 5xx, and the server still takes a good request afterwards. A fixed
/// number of iterations keeps the run to seconds.
/// </summary>
public sealed class IngestGeneratedInputTests
{
    private const int Iterations = 400;

    private static readonly string[] Seeds =
    [
        """{"batch": [{"type": "track", "userId": "u1", "event": "Signed Up", "timestamp": "2024-05-01T12:00:00Z", "sentAt": "2024-05-01T12:00:01Z", "properties": {"plan": "pro", "n": 3}}, {"type": "identify", "anonymousId": "a1", "traits": {"email": "a@example.test"}}], "sentAt": "2024-05-01T12:00:02Z"}""",
        """{"userId": "u1", "event": "Viewed", "originalTimestamp": "2024-05-01T12:00:00.123Z", "properties": {"path": "/x", "tags": ["a", "b"], "nested": {"k": null}}}""",
        """{"userId": 42, "traits": {"name": "Ann \ud83d\ude00", "age": 31}, "timestamp": "2024-05-01"}""",
        """{"type": "alias", "userId": "u2", "previousId": "a1", "messageId": "m-1"}""",
    ];

    private static readonly string[] Paths = ["/v1/batch", "/v1/track", "/v1/identify", "/v1/page", "/v1/alias", "/v1/import"];

    // Tokens a careless or hostile client sends: structure, escapes, surrogates, extreme times and numbers.
    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "\"", "{", "}", "[", "]", ",", ":", "\\", "\\u", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u0000", "null", "true", "-1e999",
            "1e400", "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"1899-12-31T23:59:59Z\"", "\"2200-01-01T00:00:00Z\"",
            "\"not a time\"", "\"timestamp\":", "\"sentAt\":", "\"type\":", "\"batch\":", new string('[', 70), new string('{', 3) + "\"a\":",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x00],
    ];

    private static readonly Gen<Mutation> GenMutation = Gen.OneOf(
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Byte, (at, b) => new Mutation(MutationKind.Replace, at, [b])),
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, Tokens.Length - 1], (at, t) => new Mutation(MutationKind.Insert, at, Tokens[t])),
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[1, 16], (at, n) => new Mutation(MutationKind.Delete, at, new byte[n])),
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[1, 32], (at, n) => new Mutation(MutationKind.Duplicate, at, new byte[n])));

    private static readonly Gen<(int Seed, int Path, Mutation[] Mutations)> GenRequest =
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int[0, Paths.Length - 1], GenMutation.Array[1, 6]);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mutated_requests_never_get_a_5xx_and_the_server_keeps_answering()
    {
        using var factory = new WorkspaceFactory(o => o with { IngestRequestsPerSecond = 1_000_000 });
        var client = Segment(factory);
        var statuses = new Dictionary<int, int>();

        await GenRequest.SampleAsync(async request =>
        {
            var body = Apply(Encoding.UTF8.GetBytes(Seeds[request.Seed]), request.Mutations);
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(Paths[request.Path], content, Cancel);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                throw new InvalidOperationException($"{Paths[request.Path]} answered {status} to {Convert.ToBase64String(body)}: {await response.Content.ReadAsStringAsync(Cancel)}");
            }

            lock (statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }
        }, iter: Iterations, threads: 1);

        // The mutations must reach both sides: some requests still valid, most refused as bad input.
        statuses.GetValueOrDefault(400).ShouldBeGreaterThan(Iterations / 4, string.Join(", ", statuses));
        statuses.GetValueOrDefault(200).ShouldBeGreaterThan(0, string.Join(", ", statuses));

        var after = await PostAsync(client, "/v1/track", """{"userId": "after", "event": "Still answering", "messageId": "after-1"}""", Cancel);
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
        await FlushAsync(factory, Cancel);
        (await EventsAsync(factory, Cancel)).ShouldContain(e => e.MessageId == "after-1");
    }

    [Fact]
    public async Task Random_bytes_never_get_a_5xx()
    {
        using var factory = new WorkspaceFactory(o => o with { IngestRequestsPerSecond = 1_000_000 });
        var client = Segment(factory);

        await Gen.Select(Gen.Byte.Array[0, 300], Gen.Int[0, Paths.Length - 1]).SampleAsync(async (bytes, path) =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(Paths[path], content, Cancel);
            ((int)response.StatusCode).ShouldBeLessThan(500, $"{Paths[path]} answered {(int)response.StatusCode} to {Convert.ToBase64String(bytes)}");
        }, iter: 200, threads: 1);

        (await PostAsync(client, "/v1/track", """{"userId": "after", "event": "Still answering"}""", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static byte[] Apply(byte[] body, Mutation[] mutations)
    {
        var bytes = new List<byte>(body);
        foreach (var m in mutations)
        {
            var at = bytes.Count == 0 ? 0 : m.At % (bytes.Count + 1);
            switch (m.Kind)
            {
                case MutationKind.Replace when at < bytes.Count:
                    bytes[at] = m.Bytes[0];
                    break;
                case MutationKind.Insert:
                    bytes.InsertRange(at, m.Bytes);
                    break;
                case MutationKind.Delete:
                    bytes.RemoveRange(at, Math.Min(m.Bytes.Length, bytes.Count - at));
                    break;
                case MutationKind.Duplicate:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(m.Bytes.Length, bytes.Count - at)));
                    break;
            }
        }

        return [.. bytes];
    }

    private enum MutationKind { Replace, Insert, Delete, Duplicate }

    private sealed record Mutation(MutationKind Kind, int At, byte[] Bytes);
}
