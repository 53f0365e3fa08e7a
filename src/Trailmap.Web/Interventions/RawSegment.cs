using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Trailmap.Web.Interventions;

/// <summary>
/// Reads one path segment exactly as the client encoded it. Outbox keys and in-app message ids contain '/'
/// (a sequence step is ".../step-2"), which a client sends as %2F; the server keeps %2F undecoded in the path so the
/// segment does not split, and this decodes it once, so "%2F" means '/' and "%252F" means the text "%2F".
/// </summary>
internal static class RawSegment
{
    /// <summary>Segment <paramref name="index"/> of the request's path, decoded once.</summary>
    /// <param name="context">The request.</param>
    /// <param name="index">0 is the first segment after the leading '/'.</param>
    /// <param name="routed">The route value: decoded already except for %2F, which is what a server without the raw target (the in-memory test server) gives.</param>
    public static string Of(HttpContext context, int index, string routed)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            return routed.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }

        var path = raw.Split('?', 2)[0];
        var segments = path[1..].Split('/');
        return index < segments.Length ? Uri.UnescapeDataString(segments[index]) : routed;
    }
}
