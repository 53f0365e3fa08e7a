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

    /// <summary>Step k+1 must be the very next event after step k's event; anything in between ends the chain.</summary>
    StrictOrder,
}

/// <summary>Which step-1 events may start a chain.</summary>
public enum OracleReentry
{
    /// <summary>Every step-1 event starts a chain; the customer keeps the best (ClickHouse/PostHog).</summary>
    Latest,

    /// <summary>Only the customer's first step-1 event starts a chain (Mixpanel).</summary>
    First,
}

/// <summary>An ordered funnel question for <see cref="PostgresOracle"/>. The window is inclusive.</summary>
public sealed record OracleFunnel(
    IReadOnlyList<OracleStep> Steps,
    TimeSpan Window,
    OracleFunnelMode Mode = OracleFunnelMode.Default,
    OracleReentry Reentry = OracleReentry.Latest);
