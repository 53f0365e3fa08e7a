using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Trailmap.Analytics.Journeys;
using Trailmap.Automation.Planning;
using Trailmap.Automation.Rules;
using Trailmap.Delivery;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Running;

/// <summary>
/// Runs the journeys' rules for real: each pass evaluates every intervention and sequence as of now, decides each
/// trigger once (holdout, pause and resume, quiet hours, frequency cap through the <see cref="Planner"/>), enqueues
/// the planned messages in the outbox and records every decision. State lives in the workspace's DuckDB file
/// (tables <c>automation_rules</c> and <c>automation_decisions</c>), so a restart carries on where it stopped.
/// See docs/automation.md, "Running rules".
/// </summary>
/// <remarks>
/// A rule is activated when a pass first sees it, as of the save of the journey version that has it (at most
/// <see cref="SaveGrace"/> before the pass): triggers from before that moment are never decided, so switching
/// a rule on (or importing a year of history) does not flood customers with what the rule would have sent in the
/// past; the backtest shows that instead.
/// </remarks>
public sealed class AutomationRunner : IDisposable
{
    private const string PlannedOutcome = "planned";

    private readonly AutomationState state;
    private readonly AutomationState files;
    private readonly string path;
    private readonly Outbox outbox;
    private readonly Func<IReadOnlySet<string>, CancellationToken, Task<EventLog>> events;
    private readonly Func<IReadOnlyList<AutomatedJourney>>? journeys;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim passGate = new(1, 1);
    private readonly Lazy<UnsubscribeTokens> tokens;
    private readonly Dictionary<string, (string Yaml, AutomatedJourney Journey)> parsed = new(StringComparer.Ordinal);
    private readonly HashSet<string> recovered = new(StringComparer.Ordinal);
    private readonly IEventChanges changes;
    private readonly Dictionary<string, (Journey Journey, JourneyMeasurement Measurement, bool Shared)> measurements = new(StringComparer.Ordinal);
    private AutomationPass? lastPass;
    private int sharedMeasurements;
    private int ownMeasurements;
    private long scannedCustomers;
    private Seen? seen;
    private Sweep? sweep;

    /// <summary>
    /// How often a sweep over every customer starts. Between sweeps a pass evaluates only the customers whose events
    /// or traits changed since the last pass (what keeps event-to-action latency low on a large store);
    /// time-based conditions of the others ("no login for 14 days") are decided when the sweep reaches them. A
    /// change to a journey or to a rule's state (activation, pause, resume) starts a new sweep at once.
    /// </summary>
    public static readonly TimeSpan FullPassInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How far back a rule's activation may reach: a rule a pass sees for the first time is active from the moment its
    /// journey version was saved, so events between the save and that pass are decided too, but never from more than
    /// this before the pass. Without the bound, the first pass after a long stop (or the first <c>automate --once</c>
    /// on a journey saved months ago) would act on all the history since the save.
    /// </summary>
    public static readonly TimeSpan SaveGrace = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How many customers a sweep adds to one pass. The default, all of them, makes every sweep one full pass (what
    /// <c>trailmap automate --once</c> needs); the server sets a slice, so a pass stays short on a large store and
    /// the customers who just changed never wait behind a full evaluation.
    /// </summary>
    public int SweepSlice { get; init; } = int.MaxValue;

    /// <summary>
    /// The measurement the pages already hold of this journey version on this very log, or null. A sweep's stage
    /// conditions read it instead of measuring the journey again; without one the runner measures the sweep's log
    /// itself, incrementally from its previous sweep (only the customers with new events).
    /// </summary>
    /// <remarks>
    /// Asked before the journey's rules run on a sweep's log. With <c>wait</c> (the first ask for a log) it may wait for
    /// a page measurement under way; later asks, while the runner holds its own measurement of the log, only look.
    /// </remarks>
    public Func<AutomatedJourney, EventLog, bool, CancellationToken, Task<JourneyMeasurement?>>? SharedMeasurement { get; init; }

    /// <summary>
    /// How many sweep measurements came from <see cref="SharedMeasurement"/>, how many the runner made, and for how
    /// many customers those ran the stage funnel (the rest were copied from the sweep before): tests read them.
    /// </summary>
    public SweepMeasurements MeasurementsUsed => new(sharedMeasurements, ownMeasurements, scannedCustomers);

    /// <summary>True while a sweep has customers left: the caller should run the next pass without waiting.</summary>
    public bool Sweeping => sweep is { Done: false };

    /// <param name="path">The workspace's DuckDB file (the outbox's and the events' file).</param>
    /// <param name="outbox">Where planned messages go; its rule pauses follow the runner's.</param>
    /// <param name="events">
    /// Loads the event log with (at least) the given properties parsed. Sequence numbers must only grow as events
    /// arrive (the store's arrival order): a pass evaluates the customers with events after the last pass's highest.
    /// </param>
    /// <param name="time">The clock: a pass evaluates as of its now.</param>
    /// <param name="journeys">The journeys to run; null reads the workspace's saved journeys from the same file.</param>
    /// <param name="changes">Reads the customers who changed since a pass; null picks them out of <paramref name="events"/>' whole log.</param>
    /// <param name="stateAddress">
    /// Where the rules' state lives (<c>--state</c>): null keeps it in <paramref name="path"/>; a PostgreSQL address
    /// shares it between nodes, one of which owns each pass (docs/postgres-state.md), and saved journeys are read
    /// there too (the workspace's tables, written by <c>trailmap serve --state</c>).
    /// </param>
    public AutomationRunner(
        string path,
        Outbox outbox,
        Func<IReadOnlySet<string>, CancellationToken, Task<EventLog>> events,
        TimeProvider? time = null,
        Func<IReadOnlyList<AutomatedJourney>>? journeys = null,
        IEventChanges? changes = null,
        PostgresAddress? stateAddress = null)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(events);
        if (stateAddress is null)
        {
            state = files = new DuckDbAutomationState(path);
        }
        else
        {
            // The workspace (its saved journeys included) is in PostgreSQL too.
            state = files = new PostgresAutomationState(stateAddress);
        }

        this.path = path;
        this.outbox = outbox;
        if (state.MoveToPerJourneyKeys())
        {
            outbox.RefreshKeys();
        }

        this.events = events;
        this.changes = changes ?? new ChangesFromWholeLog(events);
        this.journeys = journeys;
        this.time = time ?? TimeProvider.System;
        // Random per workspace and kept in the file, so unsubscribe links stay valid across restarts and hosts.
        tokens = new Lazy<UnsubscribeTokens>(() => new UnsubscribeTokens(
            state.Secret("unsubscribe", () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)))));
    }

    /// <summary>The workspace's unsubscribe token signer: the email channel's links and the unsubscribe endpoint share it.</summary>
    public UnsubscribeTokens UnsubscribeTokens => tokens.Value;

    /// <summary>The last finished pass, or null before the first.</summary>
    public AutomationPass? LastPass => Volatile.Read(ref lastPass);

    /// <summary>The journeys a pass runs: those given to the constructor, else the workspace's saved journeys.</summary>
    public IReadOnlyList<AutomatedJourney> Journeys() => journeys?.Invoke() ?? StoredJourneys();

    /// <summary>
    /// The latest version of every journey saved in the workspace (tables <c>journeys</c> and
    /// <c>journey_versions</c>, written by <c>trailmap serve</c>), with its slug as id; none when the file has no
    /// workspace tables.
    /// </summary>
    public IReadOnlyList<AutomatedJourney> StoredJourneys()
    {
        if (!files.HasTable("journeys") || !files.HasTable("journey_versions"))
        {
            return [];
        }

        return files.Query(
            """
            SELECT j.slug, v.yaml, v.created_at, v.version FROM journeys j
            JOIN journey_versions v ON v.journey_id = j.id
                AND v.version = (SELECT max(version) FROM journey_versions WHERE journey_id = j.id)
            WHERE j.deleted_at IS NULL
            ORDER BY j.id
            """,
            r => Parsed(r.GetString(0), r.GetString(1)) with { SavedAt = AutomationState.FromDb(r, 2), Version = r.GetInt32(3) });
    }

    /// <summary>
    /// A stored journey parsed once per text: passes run several times a second under steady ingestion, and the
    /// same instance from pass to pass is how a pass knows the journey did not change.
    /// </summary>
    private AutomatedJourney Parsed(string slug, string yaml)
    {
        lock (parsed)
        {
            if (parsed.TryGetValue(slug, out var known) && string.Equals(known.Yaml, yaml, StringComparison.Ordinal))
            {
                return known.Journey;
            }

            var journey = AutomatedJourney.FromYaml(slug, yaml, $"journey '{slug}'");
            parsed[slug] = (yaml, journey);
            return journey;
        }
    }

    /// <summary>
    /// One pass as of now: evaluates every journey's rules, decides new triggers, enqueues planned messages and
    /// records the decisions. A journey that fails is reported in the result; the others still run. Passes never
    /// overlap.
    /// </summary>
    public Task<AutomationPass> RunOnceAsync(CancellationToken cancellationToken = default) => PassGuardedAsync(write: true, cancellationToken);

    /// <summary>
    /// A dry run: what a pass would decide now, with <see cref="AutomationPass.Messages"/> listing the messages it
    /// would plan. Nothing is recorded or enqueued, and rules no pass has seen count as activated now.
    /// </summary>
    public Task<AutomationPass> PreviewAsync(CancellationToken cancellationToken = default) => PassGuardedAsync(write: false, cancellationToken);

    private async Task<AutomationPass> PassGuardedAsync(bool write, CancellationToken cancellationToken)
    {
        await passGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // With the state in PostgreSQL several nodes run passes; one owns each. A node that finds the pass owned
            // skips it whole, so its own position among the events stays where it was and its next pass covers
            // everything since: what the owner decided meanwhile is recorded, and is not decided twice.
            using var lease = write ? state.TryOwnPass() : null;
            if (write && lease is null)
            {
                return new AutomationPass(time.GetUtcNow(), [], [], TimeSpan.Zero) { OwnedElsewhere = true, Customers = 0 };
            }

            var pass = await PassAsync(write, cancellationToken).ConfigureAwait(false);
            if (write)
            {
                Volatile.Write(ref lastPass, pass);
            }

            return pass;
        }
        finally
        {
            passGate.Release();
        }
    }

    private async Task<AutomationPass> PassAsync(bool write, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var problems = new List<AutomationProblem>();
        var summaries = new List<RulePass>();
        var messages = new List<PlannedMessage>();
        var evaluatedCustomers = 0;
        var fullPass = true;
        IReadOnlyList<AutomatedJourney> all;
        try
        {
            all = Journeys();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problems.Add(new AutomationProblem("*", null, $"the journeys could not be read: {e.Message}"));
            return new AutomationPass(now, [], problems, Stopwatch.GetElapsedTime(started));
        }

        problems.AddRange(all.Where(j => j.Error is not null).Select(j => new AutomationProblem(j.Id, null, j.Error!)));
        var rows = RuleRows();
        var runnable = new List<(AutomatedJourney Journey, List<string> Rules)>();
        foreach (var journey in all.Where(j => j.Journey is not null))
        {
            var rules = new List<string>();
            // Rules are keyed by (journey, rule id) everywhere, so two journeys made from one template run side by
            // side, each with its own activation, pauses, decisions and messages.
            foreach (var rule in journey.RuleIds)
            {
                rules.Add(rule);
                if (!rows.ContainsKey((journey.Id, rule)) && write)
                {
                    state.Execute(
                        "INSERT INTO automation_rules (journey_id, rule_id, active_since) VALUES ($j, $r, $now) ON CONFLICT DO NOTHING",
                        ("j", journey.Id), ("r", rule), ("now", AutomationState.ToDb(ActivatedAt(journey, now))));
                }
            }

            if (rules.Count > 0)
            {
                runnable.Add((journey, rules));
            }
        }

        // A journey no longer run keeps no measurement (and so no event log) alive.
        foreach (var gone in measurements.Keys.Where(id => !runnable.Exists(r => r.Journey.Id == id)).ToList())
        {
            measurements.Remove(gone);
        }

        rows = RuleRows();
        foreach (var (journey, rules) in runnable)
        {
            // A dry run writes nothing, so rules it sees for the first time count as activated now.
            foreach (var rule in rules.Where(r => !rows.ContainsKey((journey.Id, r))))
            {
                rows[(journey.Id, rule)] = new RuleRow(journey.Id, rule, ActivatedAt(journey, now), null, null, null, null);
            }
        }

        foreach (var row in write ? rows.Values.Where(r => r.PausedSince is not null) : [])
        {
            // Pausing records the pause here first and then in the outbox; should the process have died in between,
            // this puts the outbox back in step.
            outbox.Pause(RuleKeys.Qualify(row.JourneyId, row.RuleId));
        }

        if (runnable.Count > 0)
        {
            var properties = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (journey, _) in runnable)
            {
                properties.UnionWith(AutomationProperties.Used(journey.Journey!));
            }

            IReadOnlyList<Scope> scopes = [];
            var loaded = false;
            try
            {
                // A dry run looks at everyone: it shows what a pass would decide, not what changed since the last.
                scopes = write
                    ? await ScopesAsync(properties, now, [.. runnable.Select(r => r.Journey.Journey!)], [.. rows.Values], cancellationToken).ConfigureAwait(false)
                    : [new Scope(await events(properties, cancellationToken).ConfigureAwait(false), true)];
                loaded = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problems.Add(new AutomationProblem("*", null, $"the events could not be loaded: {e.Message}"));
            }

            // As of after the read, not the pass's start: an event that landed in between is dated before now, so
            // this pass decides it; as of the start it would look like the future, and the next pass, reading only
            // what landed after this one's position, would not see it again.
            var asOf = write ? Max(now, time.GetUtcNow()) : now;
            evaluatedCustomers = scopes.Sum(x => x.Customers?.Count ?? x.Log.CustomerCount);
            fullPass = scopes.Count == 1 && scopes[0].Everyone;
            foreach (var (journey, rules) in runnable)
            {
                try
                {
                    var passes = new List<RulePass>();
                    foreach (var scope in scopes)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (scope.OfSweep)
                        {
                            await AdoptSharedAsync(journey, scope.Log, cancellationToken).ConfigureAwait(false);
                        }

                        passes.AddRange(RunJourney(journey, rules, rows, scope, asOf, write, messages));
                    }

                    summaries.AddRange(loaded && scopes.Count == 0
                        // Nobody to evaluate in this pass: each rule did nothing.
                        ? rules.Select(r => new RulePass(journey.Id, r, 0, 0, 0, 0, 0, 0, 0, rows[(journey.Id, r)].PausedSince is not null))
                        : passes.GroupBy(p => p.RuleId, StringComparer.Ordinal).Select(g => g.Aggregate(Add)));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    recovered.Remove(journey.Id);
                    problems.Add(new AutomationProblem(journey.Id, null, $"the rules did not run: {e.GetType().Name}: {e.Message}"));
                }
            }

            if (write && (problems.Count > 0 || !loaded))
            {
                // Start over: the next pass takes a new position and sweeps everyone, so nobody skipped here waits long.
                seen = null;
                sweep = null;
            }
        }

        return new AutomationPass(now, summaries, problems, Stopwatch.GetElapsedTime(started))
        {
            Messages = messages,
            Customers = evaluatedCustomers,
            Full = fullPass,
        };
    }

    /// <summary>
    /// What this pass evaluates: the customers who changed since the last pass (read through
    /// <see cref="IEventChanges"/>) and the sweep's next slice. A sweep loads the whole log once and walks it a
    /// <see cref="SweepSlice"/> per pass; it starts on the first pass, <see cref="FullPassInterval"/> after the
    /// last one started, when the clock moves back, and when a journey or a rule's state changed.
    /// </summary>
    /// <remarks>
    /// Every condition is evaluated per customer from that customer's own history (the evaluator's property tests
    /// hold a subset's triggers equal to the whole log's for the same customers), so evaluating a customer decides
    /// exactly what a full pass would decide for them now. The sweep's log grows stale as events land, so its
    /// slices leave out every customer who changed since it was loaded: those were evaluated from fresh histories
    /// by the changes path, in this pass or an earlier one. A customer new since the load is not in the log at all,
    /// and is one of those.
    /// </remarks>
    private async Task<IReadOnlyList<Scope>> ScopesAsync(
        IReadOnlySet<string> properties, DateTimeOffset now, IReadOnlyList<Journey> journeys, IReadOnlyList<RuleRow> rules, CancellationToken cancellationToken)
    {
        var restart = seen is not { } last
            || now < last.At
            || journeys.Count != last.Journeys.Count
            || !journeys.Zip(last.Journeys).All(p => ReferenceEquals(p.First, p.Second))
            || rules.Count != last.Rules.Count
            || !rules.ToHashSet().SetEquals(last.Rules)
            || sweep is null
            || (sweep.Done && now - sweep.StartedAt >= FullPassInterval);

        EventLog? changed = null;
        EventsMark mark;
        if (seen is null)
        {
            mark = await changes.MarkAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            (changed, mark) = await changes.ChangedSinceAsync(properties, seen.Mark, cancellationToken).ConfigureAwait(false);
        }

        if (restart)
        {
            sweep = new Sweep(await events(properties, cancellationToken).ConfigureAwait(false), now);
        }

        seen = new Seen(mark, now, journeys, rules);
        var current = sweep!;
        if (changed is not null)
        {
            current.Changed.UnionWith(changed.Customers);
        }

        if (current.Next == 0 && current.Changed.Count == 0 && SweepSlice >= current.Log.CustomerCount)
        {
            // The whole sweep in one pass, and nobody changed since its log was loaded: everyone, as is.
            current.Next = current.Log.CustomerCount;
            return [new Scope(current.Log, true) { OfSweep = true }];
        }

        var scopes = new List<Scope>();
        if (changed is { CustomerCount: > 0 })
        {
            scopes.Add(new Scope(changed, false));
        }

        var from = current.Next;
        var to = (int)Math.Min(current.Log.CustomerCount, (long)from + SweepSlice);
        current.Next = to;
        var slice = new List<int>(to - from);
        for (var c = from; c < to; c++)
        {
            if (!current.Changed.Contains(current.Log.Customers[c]))
            {
                slice.Add(c);
            }
        }

        if (slice.Count > 0)
        {
            // The slice is evaluated on the sweep's log itself, not a copy of its customers: every slice then reads
            // the one measurement of that log.
            scopes.Add(new Scope(current.Log, false, slice) { OfSweep = true });
        }

        return scopes;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    /// <summary>
    /// When a rule of <paramref name="journey"/> that a pass at <paramref name="now"/> sees for the first time becomes
    /// active: at the save of the journey's version, so that events between the save and this pass are not lost, but
    /// no earlier than <see cref="SaveGrace"/> before now; at now for journeys that were not saved (files).
    /// </summary>
    private static DateTimeOffset ActivatedAt(AutomatedJourney journey, DateTimeOffset now) =>
        journey.SavedAt is { } saved && saved < now ? Max(saved, now - SaveGrace) : now;

    private static RulePass Add(RulePass a, RulePass b) => a with
    {
        Triggered = a.Triggered + b.Triggered,
        Decided = a.Decided + b.Decided,
        Planned = a.Planned + b.Planned,
        HeldOut = a.HeldOut + b.HeldOut,
        Capped = a.Capped + b.Capped,
        Skipped = a.Skipped + b.Skipped,
        Waiting = a.Waiting + b.Waiting,
    };

    /// <summary>
    /// A walk over every customer of a log loaded when it started, a slice per pass: where it continues, and who
    /// changed since the load (evaluated from fresh histories instead, never from this log).
    /// </summary>
    /// <remarks>Holds its log until the next sweep starts: with the pages' cached logs, one more log at most.</remarks>
    private sealed class Sweep(EventLog log, DateTimeOffset startedAt)
    {
        public EventLog Log { get; } = log;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public int Next { get; set; }

        public HashSet<string> Changed { get; } = new(StringComparer.Ordinal);

        public bool Done => Next >= Log.CustomerCount;
    }

    /// <summary>
    /// What a pass evaluates: a log, whether that is everyone, and which of its customers (null: all of them).
    /// <see cref="OfSweep"/> marks the sweep's log, whose measurement is shared or kept from sweep to sweep.
    /// </summary>
    private sealed record Scope(EventLog Log, bool Everyone, IReadOnlyList<int>? Customers = null)
    {
        public bool OfSweep { get; init; }
    }

    /// <summary>What the last pass saw: the events' position, when, and the journeys and rule states then.</summary>
    private sealed record Seen(EventsMark Mark, DateTimeOffset At, IReadOnlyList<Journey> Journeys, IReadOnlyList<RuleRow> Rules);

    private List<RulePass> RunJourney(
        AutomatedJourney automated, List<string> rules, Dictionary<(string, string), RuleRow> rows, Scope scope,
        DateTimeOffset now, bool write, List<PlannedMessage> planned)
    {
        var (journeyId, journey, log, everyone) = (automated.Id, automated.Journey!, scope.Log, scope.Everyone);
        var ruleSet = rules.ToHashSet(StringComparer.Ordinal);
        var evaluator = scope.OfSweep ? new RuleEvaluator(journey, log, () => SweepMeasurement(automated, log)) : new RuleEvaluator(journey, log);
        var triggers = (scope.Customers is { } customers ? evaluator.Evaluate(now, customers) : evaluator.Evaluate(now))
            .Where(t => ruleSet.Contains(t.RuleId)
                // Activation: a rule acts on what happens from the moment it was switched on. A sequence run that
                // started before counts as before, so nobody gets step 3 of a series whose step 1 they never had.
                && (t.EnrolledAt ?? t.At) >= rows[(journeyId, t.RuleId)].ActiveSince)
            .ToList();

        var decided = Decided(journeyId, triggers, everyone);
        if (write && recovered.Add(journeyId))
        {
            // Only a pass that stopped between enqueueing and recording leaves such messages, and a stop ends the
            // process or fails the pass (which clears the journey from `recovered`): one look per journey and start.
            decided.UnionWith(RecoverUnrecorded(journeyId, rules, triggers, now));
        }

        string Key(Trigger t) => RuleKeys.Qualify(journeyId, t.IdempotencyKey);

        var counts = rules.ToDictionary(r => r, _ => new int[6], StringComparer.Ordinal);
        const int Triggered = 0, Waiting = 1;
        var toPlan = new List<Trigger>();
        foreach (var t in triggers)
        {
            counts[t.RuleId][Triggered]++;
            if (decided.Contains(Key(t)))
            {
                continue;
            }

            if (rows[(journeyId, t.RuleId)].PausedSince is not null)
            {
                counts[t.RuleId][Waiting]++;
                continue;
            }

            toPlan.Add(t);
        }

        IReadOnlyList<PlanDecision> decisions = [];
        if (toPlan.Count > 0)
        {
            var resumedAt = rules
                .Where(r => rows[(journeyId, r)].ResumedAt is not null)
                .ToDictionary(r => r, r => rows[(journeyId, r)].ResumedAt!.Value, StringComparer.Ordinal);
            var planner = new Planner(journey, log.Traits, SentHistory(journey, toPlan), resumedAt);
            decisions = planner.Plan(toPlan);

            // Enqueue first, then record: enqueueing is idempotent by key, so a crash between the two leaves
            // messages in the outbox without a decision row, and the next pass records them as planned
            // (RecoverUnrecorded) instead of planning them again. The other order could record "planned" for a
            // message that never reached the outbox and so would never be sent. (The outbox has its own
            // connection, so one transaction over both is not possible.)
            planned.AddRange(decisions.Where(d => d.Message is not null).Select(d => d.Message!));
            var messages = decisions.Where(d => d.Message is not null).Select(d => ToOutbox(journeyId, d.Message!)).ToList();
            if (!write)
            {
                // A dry run stops here: nothing enqueued, nothing recorded.
            }
            else if (messages.Count > 0)
            {
                outbox.EnqueueMany(messages);
            }

            if (write)
            {
                Record(journeyId, decisions.Select(d => (Key(d.Trigger), d.Trigger.RuleId, d.Trigger.CustomerId, d.Trigger.At, Outcome(d.Outcome), d.Message?.DueAt)), now);
            }
        }

        foreach (var d in decisions)
        {
            counts[d.Trigger.RuleId][2 + (int)d.Outcome]++;
        }

        return
        [
            .. rules.Select(r =>
            {
                var c = counts[r];
                var decidedNow = c[2] + c[3] + c[4] + c[5];
                return new RulePass(journeyId, r, c[Triggered], decidedNow,
                    Planned: c[2 + (int)PlanOutcome.Planned], HeldOut: c[2 + (int)PlanOutcome.HeldOut],
                    Capped: c[2 + (int)PlanOutcome.Capped], Skipped: c[2 + (int)PlanOutcome.SkippedOverdue],
                    Waiting: c[Waiting], Paused: rows[(journeyId, r)].PausedSince is not null);
            }),
        ];
    }

    /// <summary>
    /// The journey's measurement of the sweep's log: the pages' when they hold one of this log, else the runner's own,
    /// measured once per sweep log and incrementally from the previous sweep's (a sweep's log extends the one before
    /// it while nothing was regrouped), so a sweep every <see cref="FullPassInterval"/> measures only who changed.
    /// </summary>
    private JourneyMeasurement SweepMeasurement(AutomatedJourney automated, EventLog log)
    {
        var journey = automated.Journey!;
        var last = measurements.TryGetValue(automated.Id, out var kept) && ReferenceEquals(kept.Journey, journey) ? kept.Measurement : null;
        if (last is not null && ReferenceEquals(last.Log, log))
        {
            return last;
        }

        var measured = JourneyMeasurement.Measure(journey, log, last);
        ownMeasurements++;
        scannedCustomers += measured.Scanned;
        measurements[automated.Id] = (journey, measured, false);
        return measured;
    }

    /// <summary>
    /// Keeps the pages' measurement of the sweep's log, when they have one, as the journey's measurement of it. Asked
    /// again while the runner holds only its own measurement of the log (a sweep that started before the page's
    /// measurement did): taking the page's lets the runner's copy go.
    /// </summary>
    private async Task AdoptSharedAsync(AutomatedJourney automated, EventLog log, CancellationToken cancellationToken)
    {
        var known = measurements.TryGetValue(automated.Id, out var kept) && ReferenceEquals(kept.Journey, automated.Journey) && ReferenceEquals(kept.Measurement.Log, log);
        if (SharedMeasurement is null || (known && kept.Shared))
        {
            return;
        }

        if (await SharedMeasurement(automated, log, !known, cancellationToken).ConfigureAwait(false) is { } shared && ReferenceEquals(shared.Log, log))
        {
            measurements[automated.Id] = (automated.Journey!, shared, true);
            sharedMeasurements++;
        }
    }

    /// <summary>
    /// The triggers' keys (with the journey: <see cref="RuleKeys"/>) already decided: for a pass over everyone, the journey's decisions whole; otherwise only
    /// those of the customers with triggers, so a short pass stays short on a workspace with millions of decisions.
    /// </summary>
    private HashSet<string> Decided(string journeyId, List<Trigger> triggers, bool everyone)
    {
        if (triggers.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var keys = everyone
            ? state.Query("SELECT idempotency_key FROM automation_decisions WHERE journey_id = $j", r => r.GetString(0), ("j", journeyId))
            : state.DecidedKeys(journeyId, triggers.Select(t => t.CustomerId).Distinct(StringComparer.Ordinal));
        return keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Messages of these rules in the outbox without a decision: a pass enqueued them and stopped before recording.
    /// They are recorded as planned now (with their outbox due time), which is what that pass decided.
    /// </summary>
    private List<string> RecoverUnrecorded(string journeyId, List<string> rules, List<Trigger> triggers, DateTimeOffset now)
    {
        var ruleParams = rules.Select((r, i) => ("r" + AutomationState.N(i), (object?)RuleKeys.Qualify(journeyId, r))).ToArray();
        List<(string Key, string Rule, string Customer, DateTimeOffset Due)> orphans;
        if (state is DuckDbAutomationState && outbox.IsInFile(path))
        {
            // One anti-join in the shared file, rather than every message of the rules read into memory.
            orphans = state.Query(
                $"""
                SELECT o.idempotency_key, o.rule_id, o.customer_id, o.due_at FROM delivery_outbox o
                WHERE o.rule_id IN ({string.Join(", ", ruleParams.Select(p => "$" + p.Item1))})
                  AND NOT EXISTS (SELECT 1 FROM automation_decisions d WHERE d.idempotency_key = o.idempotency_key)
                """,
                r => (Key: r.GetString(0), Rule: r.GetString(1), Customer: r.GetString(2), Due: AutomationState.FromDb(r, 3)),
                ruleParams);
        }
        else
        {
            // The outbox is in PostgreSQL (--state): its messages and the recorded decisions are compared here.
            var recorded = state.Query("SELECT idempotency_key FROM automation_decisions WHERE journey_id = $j", r => r.GetString(0), ("j", journeyId))
                .ToHashSet(StringComparer.Ordinal);
            orphans = [.. outbox.MessagesOf([.. ruleParams.Select(p => (string)p.Item2!)])
                .Where(m => !recorded.Contains(m.IdempotencyKey))
                .Select(m => (m.IdempotencyKey, m.RuleId, m.CustomerId, m.DueAt))];
        }

        if (orphans.Count == 0)
        {
            return [];
        }

        var at = triggers.GroupBy(t => RuleKeys.Qualify(journeyId, t.IdempotencyKey), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().At, StringComparer.Ordinal);
        Record(journeyId, orphans.Select(o => (o.Key, RuleKeys.Split(o.Rule).RuleId, o.Customer, at.GetValueOrDefault(o.Key, o.Due), PlannedOutcome, (DateTimeOffset?)o.Due)), now);
        return [.. orphans.Select(o => o.Key)];
    }

    /// <summary>
    /// What the frequency cap counts: every message already planned for a customer, by any journey, whose due time
    /// can share a cap window with the new triggers. Nothing is loaded when the journey has no cap.
    /// </summary>
    private List<SentMessage> SentHistory(Journey journey, List<Trigger> toPlan)
    {
        if (journey.Automation?.FrequencyCap is not { } cap)
        {
            return [];
        }

        var from = toPlan.Min(t => t.At) - cap.Per.Span;
        return state.Query(
            "SELECT customer_id, due_at FROM automation_decisions WHERE outcome = $planned AND due_at >= $from",
            r => new SentMessage(r.GetString(0), AutomationState.FromDb(r, 1)),
            ("planned", PlannedOutcome), ("from", AutomationState.ToDb(from)));
    }

    private void Record(
        string journeyId,
        IEnumerable<(string Key, string Rule, string Customer, DateTimeOffset At, string Outcome, DateTimeOffset? Due)> decisions,
        DateTimeOffset now)
    {
        state.AppendDecisions([.. decisions.Select(d => new DecisionRow(d.Key, journeyId, d.Rule, d.Customer, d.At, d.Outcome, d.Due, now))]);
    }

    /// <summary>
    /// Pauses a rule: no trigger of it is decided and none of its messages is sent until <see cref="Resume"/>.
    /// Returns false when it was paused already (the first pause time and actor are kept).
    /// </summary>
    /// <exception cref="ArgumentException">Neither the journey nor the runner's state knows the rule.</exception>
    public bool Pause(string journeyId, string ruleId, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(journeyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleId);
        RequireKnown(journeyId, ruleId);
        var now = AutomationState.ToDb(time.GetUtcNow());
        // A rule paused before any pass saw it is activated now, paused.
        state.Execute(
            "INSERT INTO automation_rules (journey_id, rule_id, active_since) VALUES ($j, $r, $now) ON CONFLICT DO NOTHING",
            ("j", journeyId), ("r", ruleId), ("now", now));
        var changed = state.Execute(
            "UPDATE automation_rules SET paused_since = $now, paused_by = $actor WHERE journey_id = $j AND rule_id = $r AND paused_since IS NULL",
            ("j", journeyId), ("r", ruleId), ("now", now), ("actor", actor)) > 0;
        // Recorded here first, then in the outbox: a pass re-applies recorded pauses to the outbox (see PassAsync).
        outbox.Pause(RuleKeys.Qualify(journeyId, ruleId));
        return changed;
    }

    /// <summary>
    /// Resumes a paused rule. Triggers that fired while it was paused, and its messages in the outbox that fell due
    /// meanwhile, follow the rule's <c>on_resume</c>: <c>skip</c> (the default) drops them (the outbox marks its
    /// messages suppressed with the reason), <c>send</c> sends them now. Nothing floods either way: with skip
    /// nothing overdue goes, with send exactly what was held goes.
    /// </summary>
    /// <exception cref="ArgumentException">Neither the journey nor the runner's state knows the rule.</exception>
    public ResumeResult Resume(string journeyId, string ruleId, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(journeyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleId);
        var journey = RequireKnown(journeyId, ruleId);
        var row = RuleRows().GetValueOrDefault((journeyId, ruleId));
        var outboxRule = RuleKeys.Qualify(journeyId, ruleId);
        if (row?.PausedSince is null)
        {
            outbox.Resume(outboxRule);
            return new ResumeResult(false, 0);
        }

        var now = time.GetUtcNow();
        var policy = journey?.Interventions.FirstOrDefault(i => i.Id == ruleId)?.OnResume
            ?? journey?.Sequences.FirstOrDefault(s => s.Id == ruleId)?.OnResume
            ?? ResumePolicy.Skip;
        // Outbox first, state last: should the process die in between, the rule still reads as paused, the next
        // pass re-pauses the outbox, and resuming again finishes the job (skipping is idempotent).
        var skipped = policy == ResumePolicy.Skip
            ? outbox.SkipPending(outboxRule, now, string.Create(CultureInfo.InvariantCulture,
                $"skipped on resume at {now:yyyy-MM-dd HH:mm:ss}Z: fell due while the rule was paused (on_resume: skip)"))
            : 0;
        outbox.Resume(outboxRule);
        state.Execute(
            "UPDATE automation_rules SET paused_since = NULL, paused_by = NULL, resumed_at = $now, resumed_by = $actor WHERE journey_id = $j AND rule_id = $r",
            ("j", journeyId), ("r", ruleId), ("now", AutomationState.ToDb(now)), ("actor", actor));
        return new ResumeResult(true, skipped);
    }

    /// <summary>
    /// Every rule the runner knows or the journeys define: activation, pause, whether the journey still has it, and
    /// how its triggers were decided so far. Journey order, then file order; rules the journeys no longer have last.
    /// </summary>
    public IReadOnlyList<AutomationRuleState> Rules()
    {
        var rows = RuleRows();
        var counts = state.Query(
            "SELECT journey_id, rule_id, outcome, count(*) FROM automation_decisions GROUP BY journey_id, rule_id, outcome",
            r => (Key: (r.GetString(0), r.GetString(1)), Outcome: r.GetString(2), Count: r.GetInt64(3)))
            .GroupBy(x => x.Key)
            .ToDictionary(g => g.Key, g => g.ToDictionary(x => x.Outcome, x => x.Count, StringComparer.Ordinal));
        var result = new List<AutomationRuleState>();
        var seen = new HashSet<(string, string)>();
        AutomationRuleState Make((string Journey, string Rule) key, string? name, bool inJourney)
        {
            var row = rows.GetValueOrDefault(key);
            var c = counts.GetValueOrDefault(key) ?? new Dictionary<string, long>(StringComparer.Ordinal);
            return new AutomationRuleState(key.Journey, key.Rule, name, row?.ActiveSince, row?.PausedSince, row?.PausedBy,
                row?.ResumedAt, row?.ResumedBy, inJourney,
                c.GetValueOrDefault(PlannedOutcome), c.GetValueOrDefault(Outcome(PlanOutcome.HeldOut)),
                c.GetValueOrDefault(Outcome(PlanOutcome.Capped)), c.GetValueOrDefault(Outcome(PlanOutcome.SkippedOverdue)));
        }

        foreach (var journey in Journeys().Where(j => j.Journey is not null))
        {
            var names = journey.Journey!.Interventions.Select(i => (i.Id, i.Name)).Concat(journey.Journey.Sequences.Select(s => (s.Id, s.Name)));
            foreach (var (id, name) in names)
            {
                seen.Add((journey.Id, id));
                result.Add(Make((journey.Id, id), name, inJourney: true));
            }
        }

        foreach (var key in rows.Keys.Where(k => !seen.Contains(k)).OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal))
        {
            result.Add(Make(key, null, inJourney: false));
        }

        return result;
    }

    public void Dispose()
    {
        state.Dispose();
        if (!ReferenceEquals(files, state))
        {
            files.Dispose();
        }

        passGate.Dispose();
    }

    /// <summary>The journey when it has the rule; null when only the runner's state knows it (a removed rule); else throws.</summary>
    private Journey? RequireKnown(string journeyId, string ruleId)
    {
        var journey = Journeys().FirstOrDefault(j => j.Id == journeyId && j.RuleIds.Contains(ruleId, StringComparer.Ordinal))?.Journey;
        if (journey is null && !RuleRows().ContainsKey((journeyId, ruleId)))
        {
            throw new ArgumentException($"journey '{journeyId}' has no intervention or sequence '{ruleId}'");
        }

        return journey;
    }

    private Dictionary<(string, string), RuleRow> RuleRows() =>
        state.Query(
            "SELECT journey_id, rule_id, active_since, paused_since, paused_by, resumed_at, resumed_by FROM automation_rules",
            r => new RuleRow(r.GetString(0), r.GetString(1), AutomationState.FromDb(r, 2), AutomationState.FromDbOrNull(r, 3),
                AutomationState.StringOrNull(r, 4), AutomationState.FromDbOrNull(r, 5), AutomationState.StringOrNull(r, 6)))
        .ToDictionary(r => (r.JourneyId, r.RuleId));

    /// <summary>The outbox's message: rule id and key carry the journey (<see cref="RuleKeys"/>).</summary>
    private static OutboxMessage ToOutbox(string journeyId, PlannedMessage m) =>
        new(RuleKeys.Qualify(journeyId, m.IdempotencyKey), RuleKeys.Qualify(journeyId, m.RuleId), m.CustomerId, m.Action, m.DueAt, m.Data);

    /// <summary>The stored name of an outcome: planned, held_out, capped, skipped_overdue.</summary>
    public static string Outcome(PlanOutcome outcome) => outcome switch
    {
        PlanOutcome.Planned => PlannedOutcome,
        PlanOutcome.HeldOut => "held_out",
        PlanOutcome.Capped => "capped",
        PlanOutcome.SkippedOverdue => "skipped_overdue",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    private sealed record RuleRow(
        string JourneyId, string RuleId, DateTimeOffset ActiveSince, DateTimeOffset? PausedSince, string? PausedBy, DateTimeOffset? ResumedAt, string? ResumedBy);
}
