using System.Globalization;
using System.Net.Http.Headers;

namespace Trailmap.Delivery;

/// <summary>One HTTP POST and how its outcome maps to a delivery result (shared by the webhook and Slack channels).</summary>
internal static class HttpDelivery
{
    /// <summary>An absolute http(s) URL, or the reason it is not one.</summary>
    public static (Uri? Url, string? Error) ParseUrl(string? url, string what)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return (null, $"{what} has no url");
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? (uri, null)
            : (null, $"{what} url '{url}' is not an absolute http(s) URL");
    }

    public static async Task<DeliveryResult> PostAsync(
        HttpClient http, Uri url, HttpContent content, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var text = string.Create(CultureInfo.InvariantCulture, $"HTTP {status}");
            if (response.IsSuccessStatusCode)
            {
                return DeliveryResult.Sent(text);
            }

            var body = await ShortBodyAsync(response, deadline.Token).ConfigureAwait(false);
            var error = $"{url.GetLeftPart(UriPartial.Path)} answered {text} {response.ReasonPhrase}{body}";
            // 408 and 429 say "later", 5xx "not now"; every other 4xx (and a 3xx the client did not follow) says the
            // request itself is wrong, and repeating it cannot help.
            return status is 408 or 429 or >= 500
                ? DeliveryResult.Retry(error, RetryAfter(response.Headers.RetryAfter, time))
                : DeliveryResult.Failed(error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Retry($"{url.GetLeftPart(UriPartial.Path)} did not answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e) when (Refused(e) is { } refused)
        {
            // The destination is inside the host's networks: waiting will not change that, the URL or the option must.
            return DeliveryResult.Failed($"{url.GetLeftPart(UriPartial.Path)}: {refused.Message}");
        }
        catch (HttpRequestException e)
        {
            // Refused, reset, DNS: the receiver may be back later.
            return DeliveryResult.Retry($"{url.GetLeftPart(UriPartial.Path)}: {e.Message}");
        }
    }

    private static DestinationRefusedException? Refused(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is DestinationRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeProvider time) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : null,
        _ => null,
    };

    private static async Task<string> ShortBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
            return body.Length == 0 ? "" : ": " + (body.Length > 200 ? body[..200] + "..." : body);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "";
        }
    }

    public static HttpContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
