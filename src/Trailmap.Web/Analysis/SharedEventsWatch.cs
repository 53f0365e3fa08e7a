using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trailmap.Events.ClickHouse;

namespace Trailmap.Web.Analysis;

/// <summary>
/// On a ClickHouse store, events also land through other nodes (or <c>trailmap import</c>), which this process's
/// <see cref="EventData.Changed"/> never hears of. This asks the store every <see cref="WorkspaceOptions.SharedEventsPoll"/>
/// whether anything was written, and if so marks the data changed, so pages and rules see the other nodes' events.
/// </summary>
public sealed class SharedEventsWatch(EventData data, WorkspaceOptions options, TimeProvider time, ILogger<SharedEventsWatch> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? seen = null;
        using var timer = new PeriodicTimer(options.SharedEventsPoll, time);
        try
        {
            do
            {
                try
                {
                    var mark = await data.UseStoreAsync(s => s is ClickHouseEventStore c ? c.ChangeMark() : "", stoppingToken).ConfigureAwait(false);
                    if (seen is not null && mark != seen)
                    {
                        data.Changed();
                    }

                    seen = mark;
                }
                catch (ClickHouseStoreException e)
                {
                    // Readiness reports an unreachable store; keep watching for when it answers again.
                    log.LogDebug(e, "Could not ask the event store for changes");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
