using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Ingestion.IngestClient;

namespace Trailmap.Web.Tests.Ingestion;

/// <summary>
/// Bad client input at the Segment endpoints gets a 400 with a reason, never a 500 (Segment clients retry 5xx
/// forever): an escaped lone surrogate, bytes that are not UTF-8, and times outside the accepted range, including
/// the clock-skew correction that overflowed on a sentAt of 0001-01-01.
/// </summary>
public sealed class IngestBadInputTests
{
    /// <summary>The server's clock: every message is received at this instant.</summary>
    private static readonly DateTimeOffset ReceivedAt = new(2024, 5, 1, 12, 0, 40, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static WorkspaceFactory AtReceivedAt() => new(o => o with { Time = new FakeTimeProvider(ReceivedAt) });

    [Theory]
    [InlineData("/v1/track", """{"userId": "u1", "event": "\ud800"}""", "\\ud800")]
    [InlineData("/v1/track", """{"userId": "u1", "event": "A", "properties": {"k": "x\uDC00"}}""", "\\uDC00")]
    [InlineData("/v1/identify", """{"userId": "\ud83d", "traits": {}}""", "\\ud83d")]
    [InlineData("/v1/identify", """{"userId": "u1", "traits": {"\udbff name": 1}}""", "\\udbff")]
    public async Task A_lone_surrogate_escape_is_a_400_that_names_it(string path, string body, string escape)
    {
        using var factory = AtReceivedAt();
        var response = await PostAsync(Segment(factory), path, body, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonAsync(response, Cancel))["error"]!.GetValue<string>().ShouldContain($"has the escape {escape}, half of a UTF-16 surrogate pair");
    }

    [Fact]
    public async Task A_batch_keeps_its_good_messages_when_one_has_a_lone_surrogate_and_a_whole_pair_is_text()
    {
        using var factory = AtReceivedAt();
        var response = await PostAsync(Segment(factory), "/v1/batch", """
            {"batch": [
              {"type": "track", "userId": "u1", "event": "Bad \ud800", "messageId": "m1"},
              {"type": "track", "userId": "u2", "event": "Smile \ud83d\ude00", "messageId": "m2"}
            ]}
            """, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await JsonAsync(response, Cancel);
        body["accepted"]!.GetValue<int>().ShouldBe(1);
        var rejected = body["rejected"]!.AsArray().ShouldHaveSingleItem()!;
        rejected["index"]!.GetValue<int>().ShouldBe(0);
        rejected["reason"]!.GetValue<string>().ShouldContain("\\ud800");

        await FlushAsync(factory, Cancel);
        var stored = (await EventsAsync(factory, Cancel)).ShouldHaveSingleItem();
        stored.Event.ShouldBe("Smile \U0001F600");
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_is_a_400_that_says_where()
    {
        using var factory = AtReceivedAt();
        var client = Segment(factory);
        var prefix = """{"userId": "u1", "event": "A""";
        byte[] bytes = [.. Encoding.ASCII.GetBytes(prefix), 0xFF, .. "\"}"u8];

        foreach (var path in new[] { "/v1/track", "/v1/batch", "/v1/import" })
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var response = await client.PostAsync(path, content, Cancel);

            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, path);
            (await JsonAsync(response, Cancel))["error"]!.GetValue<string>()
                .ShouldStartWith($"The body is not valid UTF-8 (the first bad byte is at offset {prefix.Length}).");
        }

        // An encoded surrogate (CESU-8, ED A0 80) is not UTF-8 either.
        var cesu = new ByteArrayContent([.. "{\"userId\": \"u1\", \"event\": \""u8, 0xED, 0xA0, 0x80, .. "\"}"u8]);
        cesu.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        (await client.PostAsync("/v1/track", cesu, Cancel)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    // The accepted range is 1900-01-01T00:00:00Z to 2200-01-01T00:00:00Z (exclusive); the server's clock reads
    // 2024-05-01T12:00:40Z, so a message sent at 12:00:00 by the device's clock is corrected by +40 s.
    [Theory]
    // timestamp + (receivedAt - sentAt) = 9000 + ~2023 years: past DateTimeOffset's year 9999, a 500 before.
    [InlineData("""{"userId": "u1", "event": "A", "timestamp": "9000-01-01T00:00:00Z", "sentAt": "0001-01-01T00:00:00Z"}""", "\"timestamp\" \"9000-01-01T00:00:00Z\", outside the accepted range")]
    // A real timestamp with a sentAt of 0001-01-01 moved the event to the year 4047 before.
    [InlineData("""{"userId": "u1", "event": "A", "timestamp": "2024-05-01T12:00:00Z", "sentAt": "0001-01-01T00:00:00Z"}""", "\"sentAt\" \"0001-01-01T00:00:00Z\", outside the accepted range")]
    [InlineData("""{"userId": "u1", "event": "A", "timestamp": "1899-12-31T23:59:59Z"}""", "\"timestamp\" \"1899-12-31T23:59:59Z\", outside the accepted range")]
    [InlineData("""{"userId": "u1", "event": "A", "originalTimestamp": "2200-01-01T00:00:00Z"}""", "\"originalTimestamp\" \"2200-01-01T00:00:00Z\", outside the accepted range")]
    [InlineData("""{"userId": "u1", "event": "A", "timestamp": "9999-12-31T23:59:59Z", "sentAt": "2024-05-01T12:00:00Z"}""", "\"timestamp\" \"9999-12-31T23:59:59Z\", outside the accepted range")]
    // 2199-12-31T23:59:50Z + 40 s = 2200-01-01T00:00:30Z: each field is in range, the corrected time is not.
    [InlineData("""{"userId": "u1", "event": "A", "timestamp": "2199-12-31T23:59:50Z", "sentAt": "2024-05-01T12:00:00Z"}""", "falls outside the accepted range")]
    public async Task A_time_outside_the_accepted_range_is_a_400_with_the_field(string message, string says)
    {
        using var factory = AtReceivedAt();
        var client = Segment(factory);
        var response = await PostAsync(client, "/v1/track", message, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonAsync(response, Cancel))["error"]!.GetValue<string>().ShouldContain(says);
        (await PostAsync(client, "/v1/track", """{"userId": "u1", "event": "Still here"}""", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await FlushAsync(factory, Cancel);
        (await EventsAsync(factory, Cancel)).ShouldHaveSingleItem().Event.ShouldBe("Still here");
    }

    [Fact]
    public async Task The_skew_correction_keeps_a_time_that_lands_inside_the_range_and_the_batch_sentAt_is_checked_too()
    {
        using var factory = AtReceivedAt();
        var client = Segment(factory);

        // 2199-12-31T00:00:00Z + 40 s stays inside the range.
        var late = await PostAsync(client, "/v1/track", """{"userId": "u1", "event": "Late", "timestamp": "2199-12-31T00:00:00Z", "sentAt": "2024-05-01T12:00:00Z", "messageId": "late"}""", Cancel);
        late.StatusCode.ShouldBe(HttpStatusCode.OK);

        var envelope = await PostAsync(client, "/v1/batch", """
            {"sentAt": "0001-01-01T00:00:00Z", "batch": [{"type": "track", "userId": "u2", "event": "A", "timestamp": "2024-05-01T12:00:00Z"}]}
            """, Cancel);
        envelope.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonAsync(envelope, Cancel))["rejected"]!.AsArray().ShouldHaveSingleItem()!["reason"]!.GetValue<string>()
            .ShouldContain("belongs to a batch whose \"sentAt\" \"0001-01-01T00:00:00Z\" is outside the accepted range");

        await FlushAsync(factory, Cancel);
        var stored = (await EventsAsync(factory, Cancel)).ShouldHaveSingleItem();
        stored.Timestamp.ShouldBe(new DateTime(2199, 12, 31, 0, 0, 40, DateTimeKind.Utc));
    }
}
