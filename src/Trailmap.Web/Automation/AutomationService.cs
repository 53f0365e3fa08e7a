using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trailmap.Automation.Running;
using Trailmap.Delivery;
using Trailmap.Journeys.Model;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Automation;

/// <summary>What the running rules are doing, for the pages: the last pass, the last failure, and unconfigured channels.</summary>
public sealed record AutomationStatus(
    AutomationPass? LastPass,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    IReadOnlyDictionary<ActionChannel, string> MissingChannels,
    bool Dispatching);

/// <summary>
/// Runs the journeys' rules inside the server: a pass as soon as the events change (an ingestion import or a
/// data import raises <see cref="EventData.Version"/>) and at least once a minute by the workspace's clock, because
/// time-based conditions ("no login for 14 days") fire without any new event; while the runner sweeps the customers a
/// slice at a time (<see cref="AutomationRunner.SweepSlice"/>), at least every 200 ms. Beside it the dispatcher loop sends
/// what is due. Failures are logged and kept for the status; they never stop the server or the loop.
/// </summary>
public sealed class AutomationService(
    AutomationRunner runner, Outbox outbox, EventData data, WorkspaceOptions options, IHttpClientFactory http, ILogger<AutomationService> log)
    : BackgroundService
{
    /// <summary>The longest time between passes when no events arrive.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the loop looks at the workspace's clock for a due pass when no events arrive (new events wake it at
    /// once). Wall-clock on purpose: a test's fake clock moves in jumps, and the loop must notice them.
    /// </summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between passes while a sweep has customers left.</summary>
    private static readonly TimeSpan SweepPause = TimeSpan.FromMilliseconds(200);

    private readonly Lock statusLock = new();
    private string? lastError;
    private DateTimeOffset? lastErrorAt;
    private IReadOnlyDictionary<ActionChannel, string> missing = new Dictionary<ActionChannel, string>();
    private bool dispatching;

    public AutomationStatus Status()
    {
        lock (statusLock)
        {
            return new AutomationStatus(runner.LastPass, lastError, lastErrorAt, missing, dispatching);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.RunAutomation)
        {
            return;
        }

        await Task.Yield();
        DeliveryChannels? channels = null;
        try
        {
            channels = DeliveryChannels.Create(options.Delivery, outbox, runner.UnsubscribeTokens, http, options.Time);
            lock (statusLock)
            {
                missing = channels.Missing;
                dispatching = true;
            }

            foreach (var why in channels.Missing.Values)
            {
                log.LogInformation("Automation: {Reason}; those messages wait in the outbox", why);
            }

            if (outbox.RecoveredInFlight > 0)
            {
                // The one at-least-once case (docs/delivery.md, "Crash safety"): say so, with the keys to look for.
                log.LogWarning(
                    "Delivery recovery: {Count} messages were claimed by a dispatcher that stopped before recording their outcome; they are sent again as a later attempt, marked as redeliveries, and may reach their receivers twice (first keys: {Keys})",
                    outbox.RecoveredInFlight, string.Join(", ", outbox.RecoveredKeys));
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Fail($"delivery is not running: {e.Message}", e);
        }

        try
        {
            var evaluating = EvaluateAsync(stoppingToken);
            var sending = channels is null ? Task.CompletedTask : DispatchAsync(channels.Dispatcher(outbox, options.Time, log: log), stoppingToken);
            await Task.WhenAll(evaluating, sending).ConfigureAwait(false);
        }
        finally
        {
            if (channels is not null)
            {
                await channels.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task EvaluateAsync(CancellationToken stop)
    {
        long seen = -1;
        DateTimeOffset? last = null;
        while (!stop.IsCancellationRequested)
        {
            var version = data.Version;
            var now = options.Time.GetUtcNow();
            var failed = false;
            if (version != seen || last is null || now - last.Value >= Interval || runner.Sweeping)
            {
                seen = version;
                last = now;
                try
                {
                    var pass = await runner.RunOnceAsync(stop).ConfigureAwait(false);
                    foreach (var problem in pass.Problems)
                    {
                        log.LogWarning("Automation: {Problem}", problem.ToString());
                    }

                    if (pass.Decided > 0)
                    {
                        log.LogInformation("Automation pass: {Summary}", pass.ToString());
                    }
                    else
                    {
                        // Several a second under steady ingestion, so only at Debug when nothing was decided.
                        log.LogDebug("Automation pass: {Summary}", pass.ToString());
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    failed = true;
                    Fail($"the automation pass failed: {e.GetType().Name}: {e.Message}", e);
                }
            }

            try
            {
                // While a sweep has customers left, the next pass comes after a short pause at the latest, but not
                // back to back: passes that sweep without a break took both cores from ingestion and delivery.
                await data.WaitForChangeAsync(seen, runner.Sweeping && !failed ? SweepPause : Poll, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task DispatchAsync(Dispatcher dispatcher, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await dispatcher.RunAsync(stop).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // A broken file or disk: say so, wait, and try again rather than stop sending for good.
                Fail($"the dispatcher failed and restarts in 10 s: {e.GetType().Name}: {e.Message}", e);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(10), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Fail(string message, Exception e)
    {
        log.LogError(e, "Automation: {Message}", message);
        lock (statusLock)
        {
            lastError = message;
            lastErrorAt = options.Time.GetUtcNow();
        }
    }
}
