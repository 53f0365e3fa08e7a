namespace Trailmap.Web.Ingestion;

/// <summary>Segment's HTTP Tracking API limits, kept the same so a client that works against Segment works here.</summary>
public static class IngestLimits
{
    /// <summary>One message (a single call's body, or one item of a batch): 32 KB.</summary>
    public const int MessageBytes = 32 * 1024;

    /// <summary>One batch request's body (after gzip is undone): 500 KB.</summary>
    public const int BatchBytes = 500 * 1024;
}
