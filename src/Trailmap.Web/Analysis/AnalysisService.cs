using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Trailmap.Analytics.Journeys;
using Trailmap.Automation.Rules;
using Trailmap.Events;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using Trailmap.Web.Journeys;

namespace Trailmap.Web.Analysis;

/// <summary>
/// A journey version measured against the events as they were at <see cref="DataVersion"/>: the analysis and every
/// page read the one <see cref="Measurement"/> (stage reach and times, health per customer).
/// </summary>
public sealed record MeasuredJourney(
    StoredJourney Stored,
    JourneyVersion Version,
    Journey Journey,
    EventLog Log,
    JourneyMeasurement Measurement,
    JourneyAnalysis Analysis,
    JourneyActuals Actuals,
    long DataVersion)
{
    /// <summary>When the measurement started: it counts every event that had landed by then.</summary>
    public DateTimeOffset AsOf { get; init; }
}

/// <summary>A measurement that failed: pages keep showing the last good one and say why it is not newer.</summary>
public sealed record MeasureFailure(string Message, DateTimeOffset At, long DataVersion);

/// <summary>
/// What a page shows for a journey version: the newest finished measurement (null while the version's first one is
/// still running) and how it stands against the data now.
/// </summary>
public sealed record JourneyReading(MeasuredJourney? Measured, long DataVersion, bool Updating, DateTimeOffset? UpdatingSince, MeasureFailure? Failure)
{
    /// <summary>Events landed after the shown measurement started; a newer one is on its way (or failed, see <see cref="Failure"/>).</summary>
    public bool Stale => Measured is { } m && m.DataVersion < DataVersion;
}

/// <summary>
/// Measures journeys for pages and the API, once per (journey version, data version), in the background.
/// </summary>
/// <remarks>
/// Measuring reads every event into memory and analyzes it: seconds at 1M events, tens of seconds at 10M. Under
/// steady ingestion the data changes several times a second, so pages cannot wait for a measurement of the data as
/// it is now. Pages therefore read the last finished measurement of their journey version (stale-while-revalidate,
/// <see cref="ReadAsync"/>) and say how old it is, while one background run per journey version measures the new
/// data: at most one runs and one more is queued, however many requests and imports arrive meanwhile. Only a
/// journey version that was never measured waits, and only up to <see cref="WorkspaceOptions.FirstAnalysisWait"/>;
/// the one view that notices new events waits up to <see cref="WorkspaceOptions.FreshWait"/> for the run it starts.
/// A new journey version never shows the previous version's numbers: its stages and conditions may differ, so the
/// old numbers would be labelled with the wrong map. The API and exports, which promise numbers as of the call, use
/// <see cref="MeasureAsync"/>, which waits but shares the same runs.
/// </remarks>
public sealed class AnalysisService(EventData data, WorkspaceOptions options, ILogger<AnalysisService> log) : IDisposable
{
    /// <summary>After a failed run, pages retry on the same data no sooner than this, so a broken store is not hammered.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(long Journey, int Version), Slot> slots = new();
    private readonly CancellationTokenSource stopping = new();
    private long runs;

    /// <summary>How many measurements started so far (tests count recomputes with it).</summary>
    internal long Runs => Interlocked.Read(ref runs);

    private TimeProvider Time => options.Time;

    /// <summary>
    /// The last finished measurement of this journey version, at once, with a background run started when events
    /// landed since. A version never measured waits for its first run up to <see cref="WorkspaceOptions.FirstAnalysisWait"/>;
    /// past that the reading has no measurement and the page says it is being computed.
    /// </summary>
    public async Task<JourneyReading> ReadAsync(StoredJourney stored, JourneyVersion version, CancellationToken cancel = default)
    {
        var slot = SlotOf(stored, version);
        Task settled;
        TimeSpan wait;
        lock (slot)
        {
            var started = RefreshIfStale(slot, stored, version);
            if (slot.Last is not null && !started || slot.Last is null && slot.Failure is not null && !slot.Running)
            {
                return Reading(slot, stored);
            }

            // Nothing to show yet: wait for the first run a while. New events: the view that noticed them waits a
            // moment for the run it started, so a small workspace never shows numbers marked "updating".
            wait = slot.Last is null ? options.FirstAnalysisWait : options.FreshWait;
            settled = slot.Settled.Task;
        }

        if (wait > TimeSpan.Zero)
        {
            try
            {
                await settled.WaitAsync(wait, Time, cancel).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Still measuring: the page says so (and, with nothing to show yet, refreshes itself).
            }
        }

        lock (slot)
        {
            return Reading(slot, stored);
        }
    }

    /// <summary>
    /// The last finished measurement of this journey version, or null, without waiting; starts a background run when
    /// events landed since. For lists, which show many journeys and must not wait for each to be measured.
    /// </summary>
    public MeasuredJourney? Peek(StoredJourney stored, JourneyVersion version)
    {
        var slot = SlotOf(stored, version);
        lock (slot)
        {
            RefreshIfStale(slot, stored, version);
            return slot.Last;
        }
    }

    /// <summary>
    /// A measurement counting at least every event that landed before the call: waits for it, sharing the runs pages
    /// start. Throws what the run threw when a run started for this call failed.
    /// </summary>
    public async Task<MeasuredJourney> MeasureAsync(StoredJourney stored, JourneyVersion version, CancellationToken cancel = default)
    {
        var at = data.Version;
        var slot = SlotOf(stored, version);
        long before;
        lock (slot)
        {
            before = slot.Completed;
        }

        while (true)
        {
            Task settled;
            lock (slot)
            {
                if (slot.Last is { } last && last.DataVersion >= at)
                {
                    return last with { Stored = stored };
                }

                if (slot.Error is { } error && slot.ErrorRun > before)
                {
                    error.Throw();
                }

                _ = Request(slot, stored, version);
                settled = slot.Settled.Task;
            }

            await settled.WaitAsync(cancel).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The pages' measurement of this journey version on this very event log, or null when they hold none: the running
    /// rules read it rather than measure the journey a second time. A run under way is waited for, since at start-up
    /// the rules and the first page ask for the same log together (<see cref="EventData.LogAsync(IReadOnlySet{string}, CancellationToken)"/>
    /// hands both the same instance while no events land in between). Without <paramref name="wait"/> it only looks.
    /// </summary>
    public async Task<JourneyMeasurement?> MeasurementOfAsync(long journeyId, int version, EventLog log, bool wait, CancellationToken cancel = default)
    {
        if (!slots.TryGetValue((journeyId, version), out var slot))
        {
            return null;
        }

        Task settled;
        lock (slot)
        {
            if (slot.Last is { } last && ReferenceEquals(last.Log, log))
            {
                return last.Measurement;
            }

            if (!slot.Running || !wait)
            {
                return null;
            }

            settled = slot.Settled.Task;
        }

        try
        {
            await settled.WaitAsync(cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            return null; // the run failed or the service stops: the rules measure for themselves
        }

        lock (slot)
        {
            return slot.Last is { } done && ReferenceEquals(done.Log, log) ? done.Measurement : null;
        }
    }

    /// <summary>
    /// How long ago the oldest measurement still shown started, among journey versions with events landed since
    /// (zero when every measured journey version is current): the staleness an operator alerts on.
    /// </summary>
    public TimeSpan StalestAge()
    {
        var now = data.Version;
        var oldest = TimeSpan.Zero;
        foreach (var slot in slots.Values)
        {
            lock (slot)
            {
                if (slot.Last is { } last && last.DataVersion < now && Time.GetUtcNow() - last.AsOf > oldest)
                {
                    oldest = Time.GetUtcNow() - last.AsOf;
                }
            }
        }

        return oldest;
    }

    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }

    private Slot SlotOf(StoredJourney stored, JourneyVersion version) => slots.GetOrAdd((stored.Id, version.Version), _ => new Slot());

    private JourneyReading Reading(Slot slot, StoredJourney stored) =>
        new(slot.Last is { } m ? m with { Stored = stored } : null, data.Version, slot.Running, slot.Running ? slot.RunningSince : null, slot.Failure);

    /// <summary>
    /// Asks for a run when events landed since the last measurement, unless the last run failed on this data moments
    /// ago; true when this call started one (rather than queued behind one, or found the numbers current).
    /// </summary>
    private bool RefreshIfStale(Slot slot, StoredJourney stored, JourneyVersion version)
    {
        var now = data.Version;
        if (slot.Last is { } last && last.DataVersion >= now)
        {
            return false;
        }

        if (slot.Failure is { } failure && failure.DataVersion >= now && Time.GetUtcNow() - failure.At < RetryAfter)
        {
            return false;
        }

        return Request(slot, stored, version);
    }

    /// <summary>Single flight per journey version: a request while a run is under way queues (at most) one more.</summary>
    private bool Request(Slot slot, StoredJourney stored, JourneyVersion version)
    {
        if (slot.Running)
        {
            slot.Queued = true;
            return false;
        }

        slot.Running = true;
        slot.RunningSince = Time.GetUtcNow();
        Interlocked.Increment(ref runs);
        _ = Task.Run(() => RunAsync(slot, stored, version));
        return true;
    }

    private async Task RunAsync(Slot slot, StoredJourney stored, JourneyVersion version)
    {
        while (true)
        {
            var at = data.Version;
            var started = Time.GetUtcNow();
            MeasuredJourney? measured = null;
            Exception? failed = null;
            try
            {
                MeasuredJourney? previous;
                lock (slot)
                {
                    previous = slot.Last;
                }

                measured = await ComputeAsync(stored, version, previous, at, started, stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Shutting down: release whoever waits rather than leave them hanging.
                lock (slot)
                {
                    slot.Running = false;
                    slot.Settled.TrySetCanceled();
                }

                return;
            }
            catch (Exception ex)
            {
                // Whatever broke (the store, a bad property value), the last good numbers stay up and the page says why.
                log.LogError(ex, "Measuring journey {Slug} v{Version} failed; pages keep the last measurement", stored.Slug, version.Version);
                failed = ex;
            }

            lock (slot)
            {
                slot.Completed++;
                if (measured is not null)
                {
                    slot.Last = measured;
                    slot.Failure = null;
                    slot.Error = null;
                    DropOlderVersions(stored.Id, version.Version);
                }
                else
                {
                    slot.Failure = new MeasureFailure(failed!.Message, Time.GetUtcNow(), at);
                    slot.Error = ExceptionDispatchInfo.Capture(failed);
                    slot.ErrorRun = slot.Completed;
                }

                var settled = slot.Settled;
                slot.Settled = NewSignal();
                settled.TrySetResult();

                // Coalesce: however many requests queued during the run, one more run measures the data as it is now.
                var again = slot.Queued && measured is not null && data.Version > at;
                slot.Queued = false;
                if (!again)
                {
                    slot.Running = false;
                    slot.RunningSince = null;
                    return;
                }

                slot.RunningSince = Time.GetUtcNow();
                Interlocked.Increment(ref runs);
            }
        }
    }

    /// <remarks>
    /// The slot's last measurement is of the same journey version; when the new log extends its log (events landed,
    /// nothing regrouped), only the customers with new events are measured again (<see cref="JourneyMeasurement"/>).
    /// </remarks>
    private async Task<MeasuredJourney> ComputeAsync(StoredJourney stored, JourneyVersion version, MeasuredJourney? previous, long at, DateTimeOffset started, CancellationToken cancel)
    {
        var journey = JourneyStore.Parse(version.Yaml, stored.Slug + ".yaml").Journey!;
        // The rules' properties too: the lift of the journey's interventions reads this very log and measurement.
        var events = await data.LogAsync(AutomationProperties.Used(journey),
            journey.Measure == JourneyMeasure.Accounts ? AnalysisUnit.Accounts : AnalysisUnit.People, cancel).ConfigureAwait(false);
        var (measurement, analysis) = await Task.Run(
            () =>
            {
                var m = JourneyMeasurement.Measure(journey, events, previous?.Measurement);
                return (m, JourneyAnalyzer.Analyze(m));
            },
            cancel).ConfigureAwait(false);
        return new MeasuredJourney(stored, version, journey, events, measurement, analysis, analysis.ToActuals(started), at) { AsOf = started };
    }

    /// <summary>A journey's older versions are not shown once a newer one is measured; dropping them frees their event logs.</summary>
    private void DropOlderVersions(long journey, int version)
    {
        foreach (var key in slots.Keys)
        {
            if (key.Journey == journey && key.Version < version)
            {
                slots.TryRemove(key, out _);
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One journey version's measurements; every field is read and written under the slot's lock.</summary>
    private sealed class Slot
    {
        public MeasuredJourney? Last { get; set; }

        public MeasureFailure? Failure { get; set; }

        public ExceptionDispatchInfo? Error { get; set; }

        public long ErrorRun { get; set; }

        public long Completed { get; set; }

        public bool Running { get; set; }

        public bool Queued { get; set; }

        public DateTimeOffset? RunningSince { get; set; }

        /// <summary>Completes when the current run ends, with or without a measurement.</summary>
        public TaskCompletionSource Settled { get; set; } = NewSignal();
    }
}
