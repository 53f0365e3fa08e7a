namespace Trailmap.Oracle.Tests.Oracle;

/// <summary>A funnel step: an event name and optional property filters, each an exact match of the property's text.</summary>
public sealed record OracleStep(string Event, IReadOnlyDictionary<string, string>? Where = null)
{
    public static implicit operator OracleStep(string eventName) => new(eventName);
}

/// <summary>How steps must follow each other (SEMANTICS.md, Funnels).</summary>
public enum OracleFunnelMode
{
    /// <summary>ClickHouse windowFunnel without options: other events may come between steps.</summary>
    Default,

    /// <summary>
    /// ClickHouse <c>strict_order</c>: after the first step-1 event, an event matching no step, or a step whose
    /// predecessor no chain has reached, ends the whole scan; the customer keeps the level reached before it.
    /// </summary>
    StrictOrder,
}

/// <summary>Which step-1 events may start a chain.</summary>
public enum OracleReentry
{
    /// <summary>Every step-1 event starts a chain; the customer keeps the best (ClickHouse/PostHog).</summary>
    Latest,

    /// <summary>
    /// Mixpanel: the first step-1 event opens a window in which later step-1 events start nothing; the first step-1
    /// event after that window opens the next one (docs/analytics-semantics.md).
    /// </summary>
    First,
}

/// <summary>An ordered funnel question for <see cref="PostgresOracle"/>. The window is inclusive.</summary>
public sealed record OracleFunnel(
    IReadOnlyList<OracleStep> Steps,
    TimeSpan Window,
    OracleFunnelMode Mode = OracleFunnelMode.Default,
    OracleReentry Reentry = OracleReentry.Latest);
