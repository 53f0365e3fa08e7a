using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Trailmap.Delivery;
using Trailmap.Web.Analysis;
using Trailmap.Web.Ingestion;

namespace Trailmap.Web.Operations;

/// <summary>
/// The workspace's own metrics, exported through OpenTelemetry at <c>/metrics</c> (Prometheus): ingestion, the
/// pump's backlog, how old the numbers on the pages are, and the outbox by state. docs/operations.md lists each.
/// </summary>
/// <remarks>
/// Every instrument is observed at scrape time from the state the features keep anyway (the spool's counters, the
/// pump's status, the measurements, the outbox's table), so the hot paths carry no metrics code. The services are
/// resolved at the first scrape, not at start, so metrics never open a store earlier than the workspace would.
/// </remarks>
public sealed class WorkspaceMetrics
{
    public const string MeterName = "Trailmap";

    private static readonly OutboxState[] States = Enum.GetValues<OutboxState>();

    public WorkspaceMetrics(IMeterFactory meters, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter(
            "trailmap.ingest.accepted.messages",
            () => services.GetRequiredService<Spool>().Accepted,
            description: "Messages accepted by the ingestion API (/v1/track, /v1/batch, ...) and made durable in the spool");
        meter.CreateObservableCounter(
            "trailmap.ingest.imported.events",
            () => services.GetRequiredService<IngestPump>().Status().ImportedEvents,
            description: "Events the ingestion pump moved from the spool into the event store (repeats of a message id excluded)");
        meter.CreateObservableGauge(
            "trailmap.ingest.queued.bytes",
            () => services.GetRequiredService<IngestPump>().Status().QueuedBytes,
            description: "The pump's lag: bytes of accepted messages waiting in the spool to be imported");
        meter.CreateObservableGauge(
            "trailmap.ingest.quarantined.segments",
            () => services.GetRequiredService<IngestPump>().Status().Quarantined.Count,
            description: "Spool segments moved aside after failing to import (docs/ingestion.md)");
        meter.CreateObservableGauge(
            "trailmap.measurement.age.seconds",
            () => services.GetRequiredService<AnalysisService>().StalestAge().TotalSeconds,
            description: "How old the oldest numbers a page shows are while newer events wait to be measured (0 when every measured journey is current)");
        meter.CreateObservableGauge(
            "trailmap.outbox.messages",
            () =>
            {
                var counts = services.GetRequiredService<Outbox>().Counts();
                return States.Select(s => new Measurement<long>(counts.GetValueOrDefault(s), new KeyValuePair<string, object?>("state", s.ToString().ToLowerInvariant())));
            },
            description: "Messages in the delivery outbox by state: pending and sending are its depth; sent, dead and suppressed are sends by outcome");
    }
}
