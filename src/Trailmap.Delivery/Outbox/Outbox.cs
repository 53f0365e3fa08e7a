using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Trailmap.Journeys.Model;

namespace Trailmap.Delivery;

/// <summary>
/// The transactional outbox: messages to deliver, kept in DuckDB or PostgreSQL until a channel has taken them. Enqueueing is
/// idempotent by <see cref="OutboxMessage.IdempotencyKey"/>; the <see cref="Dispatcher"/> drains it.
/// </summary>
/// <remarks>
/// A message still marked <see cref="OutboxState.Sending"/> whose dispatcher is gone goes back to pending: on DuckDB,
/// every such message when the file opens (one process at a time may open it: DuckDB takes a write lock); on
/// PostgreSQL, those claimed by a node that no longer holds its lock (docs/postgres-state.md), at open and before
/// claims. Most of those were
/// never handed to a channel and go out once; the few a channel had accepted go out again, which is the one
/// at-least-once case (see docs/delivery.md, "Crash safety"). Nothing records which of them a channel had taken, so
/// each counts as an attempt: the resend carries a raised <see cref="OutboxEntry.Attempts"/>, which receivers see.
/// </remarks>
public sealed class Outbox : IDisposable
{
    internal const string EntryColumns =
        "idempotency_key, rule_id, customer_id, action_json, data_json, due_at, state, attempts, next_attempt_at, "
        + "enqueued_at, last_error, receipt, sent_at, finished_at";

    private TaskCompletionSource enqueued = NewSignal();

    private Outbox(OutboxDatabase database, string path, TimeProvider time)
    {
        Database = database;
        Path = path;
        Time = time;
    }

    /// <summary>The DuckDB file, ":memory:", or the PostgreSQL address (without its password).</summary>
    public string Path { get; }

    /// <summary>How many claimed messages (left in <see cref="OutboxState.Sending"/> by a crash) opening put back to pending.</summary>
    public int RecoveredInFlight { get; private set; }

    /// <summary>The keys of those messages (the first 20, oldest claim first), for the recovery log line.</summary>
    public IReadOnlyList<string> RecoveredKeys { get; private set; } = [];

    internal OutboxDatabase Database { get; }

    internal TimeProvider Time { get; }

    /// <summary>Completes at the next enqueue that added a message; the dispatcher's loop waits on it.</summary>
    internal Task Enqueued => Volatile.Read(ref enqueued).Task;

    /// <summary>Opens (creating the tables if needed) the outbox in the DuckDB file at <paramref name="path"/>.</summary>
    public static Outbox Open(string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Open(new DuckDbOutboxDatabase(path), path, time);
    }

    /// <summary>
    /// Opens (creating or upgrading the tables if needed) the outbox in the PostgreSQL database at
    /// <paramref name="state"/>, which several processes may share (docs/postgres-state.md).
    /// </summary>
    public static Outbox Open(PostgresAddress state, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Open(new PostgresOutboxDatabase(state), state.ToString(), time);
    }

    private static Outbox Open(OutboxDatabase database, string path, TimeProvider? time)
    {
        try
        {
            var outbox = new Outbox(database, path, time ?? TimeProvider.System);
            if (database.SoleWriter)
            {
                foreach (var key in database.Query("SELECT idempotency_key FROM delivery_outbox", r => r.GetString(0)))
                {
                    outbox.keyHashes.Add(KeyHash(key));
                }
            }

            (outbox.RecoveredInFlight, outbox.RecoveredKeys) = database.RecoverAbandoned();
            return outbox;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>The last error of a message put back to pending because the dispatcher that claimed it is gone.</summary>
    internal const string AbandonedClaim =
        "claimed by a dispatcher that stopped before recording the outcome; sending again (it may have reached the receiver)";

    /// <summary>
    /// Adds <paramref name="message"/> unless a message with its idempotency key is already there (then nothing
    /// changes and the result says so: the first enqueue wins, even if the second carries other data).
    /// </summary>
    /// <exception cref="ArgumentException">A field is empty or the key does not follow "{ruleId}:{customerId}:{occurrence}".</exception>
    public EnqueueResult Enqueue(OutboxMessage message) => EnqueueMany([message])[0];

    /// <summary>Enqueues all of <paramref name="messages"/> in one transaction (all or none).</summary>
    public IReadOnlyList<EnqueueResult> EnqueueMany(IEnumerable<OutboxMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        foreach (var message in list)
        {
            Validate(message);
        }

        var nowAt = Time.GetUtcNow();
        var now = OutboxDatabase.ToDb(nowAt);
        var added = new List<ulong>();
        var handedOver = new List<OutboxEntry>();
        var to = Volatile.Read(ref handoff);
        // The writer runs this in its next group commit, beside other enqueues, claims and outcomes. On DuckDB safe
        // without ON CONFLICT or a PRIMARY KEY because every write to this file goes through this process (DuckDB's
        // file lock) and this one writer thread; on PostgreSQL the primary key settles a race between two nodes.
        var results = Database.Write(
            () =>
            {
                added.Clear();
                handedOver.Clear();
                return AddNew(list, nowAt, now, added, to, handedOver);
            },
            committed: _ => to?.Add(handedOver),
            rolledBack: () =>
            {
                keyHashes.ExceptWith(added);
                to?.Unreserve(handedOver.Count);
            });

        if (results.Any(r => r.Added))
        {
            Interlocked.Exchange(ref enqueued, NewSignal()).TrySetResult();
        }

        return results;
    }

    /// <summary>
    /// The enqueue itself, on the writer thread. A key whose hash is not in <see cref="keyHashes"/> is new without
    /// asking the table, so an enqueue costs the same with a million rows as with ten; only keys whose hash is known
    /// (a real duplicate, or a one-in-billions collision) are looked up, by exact key.
    /// </summary>
    private List<EnqueueResult> AddNew(
        List<OutboxMessage> list, DateTimeOffset nowAt, DateTime now, List<ulong> added, DispatchHandoff? to, List<OutboxEntry> handedOver)
    {
        // Only the sole writer knows every key; with several writers every key is looked up.
        var existing = StatesOf(list.Select(m => m.IdempotencyKey).Where(k => !Database.SoleWriter || keyHashes.Contains(KeyHash(k))));

        var done = new List<EnqueueResult>(list.Count);
        var fresh = new List<OutboxMessage>();
        foreach (var m in list)
        {
            if (existing.TryGetValue(m.IdempotencyKey, out var state))
            {
                done.Add(new EnqueueResult(m.IdempotencyKey, false, state));
                continue;
            }

            existing[m.IdempotencyKey] = OutboxState.Pending;
            fresh.Add(m);
            done.Add(new EnqueueResult(m.IdempotencyKey, true, OutboxState.Pending));
        }

        if (fresh.Count > 0)
        {
            var paused = to is null ? [] : Database.Query("SELECT rule_id FROM delivery_paused_rules", r => r.GetString(0)).ToHashSet(StringComparer.Ordinal);
            var claimedNow = new bool[fresh.Count];
            for (var i = 0; i < fresh.Count; i++)
            {
                var m = fresh[i];
                if (to is not null && !to.Accepts(m.Action.Channel))
                {
                    // Not the loop's channel: it stays pending for a dispatcher that has the channel, and this loop
                    // has nothing to claim for it.
                    continue;
                }

                var handable = m.DueAt <= nowAt && !paused.Contains(m.RuleId);
                if (to is not null && handable && to.TryReserve())
                {
                    claimedNow[i] = true;
                    handedOver.Add(new OutboxEntry(
                        m.IdempotencyKey, m.RuleId, m.CustomerId, m.Action, OutboxDatabase.FromDb(OutboxDatabase.ToDb(m.DueAt)), m.Data,
                        OutboxState.Sending, Attempts: 1, NextAttemptAt: OutboxDatabase.FromDb(OutboxDatabase.ToDb(m.DueAt)),
                        EnqueuedAt: OutboxDatabase.FromDb(now), null, null, null, null));
                }
                else if (to is not null)
                {
                    to.RequestClaim(backlog: handable);
                }
            }

            var inserted = Database.Insert(fresh, claimedNow, now);
            if (inserted.Count < fresh.Count)
            {
                // Another node enqueued the same key between the lookup and the insert (PostgreSQL only): its copy
                // wins, this call reports a duplicate and hands nothing over for it.
                var lost = fresh.Where(m => !inserted.Contains(m.IdempotencyKey)).Select(m => m.IdempotencyKey).ToHashSet(StringComparer.Ordinal);
                var states = StatesOf(lost);
                for (var i = 0; i < done.Count; i++)
                {
                    if (done[i].Added && lost.Contains(done[i].IdempotencyKey))
                    {
                        done[i] = new EnqueueResult(done[i].IdempotencyKey, false, states.GetValueOrDefault(done[i].IdempotencyKey, OutboxState.Pending));
                    }
                }

                var unreserved = handedOver.RemoveAll(e => lost.Contains(e.IdempotencyKey));
                to?.Unreserve(unreserved);
                fresh.RemoveAll(m => lost.Contains(m.IdempotencyKey));
            }
        }

        foreach (var m in fresh)
        {
            if (keyHashes.Add(KeyHash(m.IdempotencyKey)))
            {
                added.Add(KeyHash(m.IdempotencyKey));
            }
        }

        return done;
    }

    /// <summary>The state of each of these keys that is in the table.</summary>
    private Dictionary<string, OutboxState> StatesOf(IEnumerable<string> keys)
    {
        var states = new Dictionary<string, OutboxState>(StringComparer.Ordinal);
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var parameters = chunk.Select((k, i) => ("k" + i.ToString(CultureInfo.InvariantCulture), (object?)k)).ToArray();
            foreach (var (key, state) in Database.Query(
                $"SELECT idempotency_key, state FROM delivery_outbox WHERE idempotency_key IN ({string.Join(", ", parameters.Select(k => "$" + k.Item1))})",
                r => (r.GetString(0), OutboxStates.FromDb(r.GetString(1))),
                parameters))
            {
                states[key] = state;
            }
        }

        return states;
    }

    /// <summary>
    /// 64-bit hashes of every key in the table, loaded at open and kept by the writer thread (the only one to touch
    /// it): 8 bytes a key instead of the key itself, so ten million messages cost about 200 MB rather than a gigabyte.
    /// </summary>
    private readonly HashSet<ulong> keyHashes = [];

    // FNV-1a over the UTF-16 code units: stable, allocation-free, and good enough when a collision only costs a lookup.
    private static ulong KeyHash(string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>
    /// Reads every key in the table again, after something other than this outbox rewrote keys in the file (the
    /// running rules' one-time move to per-journey rule ids). Without it, an enqueue would take a rewritten key for a
    /// new one and add the message twice.
    /// </summary>
    public void RefreshKeys() =>
        Database.Write(() =>
        {
            if (!Database.SoleWriter)
            {
                return 0;
            }

            keyHashes.Clear();
            foreach (var key in Database.Query("SELECT idempotency_key FROM delivery_outbox", r => r.GetString(0)))
            {
                keyHashes.Add(KeyHash(key));
            }

            return 0;
        });

    /// <summary>Where enqueues hand due messages straight to a running dispatcher loop (null when none runs).</summary>
    private DispatchHandoff? handoff;

    /// <summary>Attaches a loop's handoff; false if another loop has one (then that loop claims as before).</summary>
    internal bool Attach(DispatchHandoff to) => Interlocked.CompareExchange(ref handoff, to, null) is null;

    /// <summary>
    /// Detaches the handoff and returns once every enqueue that may have seen it is committed, so whatever it handed
    /// over is in its queue by then.
    /// </summary>
    internal Task DetachAsync(DispatchHandoff from)
    {
        Interlocked.CompareExchange(ref handoff, null, from);
        return Database.WriteAsync(() => 0);
    }

    /// <summary>The message with this key, or null.</summary>
    public OutboxEntry? Get(string idempotencyKey) =>
        Database.Query(
            $"SELECT {EntryColumns} FROM delivery_outbox WHERE idempotency_key = $key",
            ReadEntry,
            ("key", idempotencyKey)).SingleOrDefault();

    /// <summary>Every message in <paramref name="state"/>, oldest next attempt first.</summary>
    public IReadOnlyList<OutboxEntry> List(OutboxState state) =>
        Database.Query(
            $"SELECT {EntryColumns} FROM delivery_outbox WHERE state = $state ORDER BY next_attempt_at, idempotency_key",
            ReadEntry,
            ("state", state.ToDb()));

    /// <summary>The most ids <see cref="ForCustomer"/> takes: a person's own id and the ids merged into it.</summary>
    public const int MaxCustomerIds = 100;

    /// <summary>
    /// The messages to <paramref name="customerIds"/> (one person's ids; the first <see cref="MaxCustomerIds"/>) from
    /// the rules of journey <paramref name="journeyId"/> (<see cref="RuleKeys"/>), in every state, latest due first,
    /// at most <paramref name="limit"/>. The outbox keeps no index on customers, so this reads the table once.
    /// </summary>
    public IReadOnlyList<OutboxEntry> ForCustomer(IReadOnlyCollection<string> customerIds, string journeyId, int limit)
    {
        ArgumentNullException.ThrowIfNull(customerIds);
        ArgumentException.ThrowIfNullOrWhiteSpace(journeyId);
        if (customerIds.Count == 0 || limit <= 0)
        {
            return [];
        }

        // Only parameter names are put into the SQL; every id travels as a parameter value.
        var ids = customerIds.Take(MaxCustomerIds).Select((id, i) => ("c" + i.ToString(CultureInfo.InvariantCulture), (object?)id)).ToList();
        var parameters = ids.Append(("prefix", journeyId + RuleKeys.Separator)).Append(("limit", (object?)(long)limit)).ToArray();
        return Database.Query(
            $"SELECT {EntryColumns} FROM delivery_outbox WHERE customer_id IN ({string.Join(", ", ids.Select(k => "$" + k.Item1))}) "
                + "AND starts_with(rule_id, $prefix) ORDER BY due_at DESC, idempotency_key LIMIT $limit",
            ReadEntry,
            parameters);
    }

    /// <summary>
    /// Whether this outbox lives in the DuckDB file at <paramref name="path"/>, so another connection to that file
    /// may join its tables in SQL; false for one in PostgreSQL.
    /// </summary>
    public bool IsInFile(string path) =>
        Database.SoleWriter && Path != StoreInMemory && System.IO.Path.GetFullPath(Path) == System.IO.Path.GetFullPath(path);

    private const string StoreInMemory = ":memory:";

    /// <summary>
    /// Every message of these rules (key, rule, customer, due time), in every state: what the running rules read to
    /// find messages enqueued by a pass that stopped before recording them, when the outbox is not in their file.
    /// </summary>
    public IReadOnlyList<RuleMessage> MessagesOf(IReadOnlyCollection<string> ruleIds)
    {
        ArgumentNullException.ThrowIfNull(ruleIds);
        var messages = new List<RuleMessage>();
        foreach (var chunk in ruleIds.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var parameters = chunk.Select((r, i) => ("r" + i.ToString(CultureInfo.InvariantCulture), (object?)r)).ToArray();
            messages.AddRange(Database.Query(
                $"SELECT idempotency_key, rule_id, customer_id, due_at FROM delivery_outbox WHERE rule_id IN ({string.Join(", ", parameters.Select(p => "$" + p.Item1))})",
                r => new RuleMessage(r.GetString(0), r.GetString(1), r.GetString(2), OutboxDatabase.FromDb(r, 3)),
                parameters));
        }

        return messages;
    }

    /// <summary>The dead letters: messages given up on, each with the reason in <see cref="OutboxEntry.LastError"/>.</summary>
    public IReadOnlyList<OutboxEntry> DeadLetters() => List(OutboxState.Dead);

    /// <summary>How many messages are in each state (states with none are absent).</summary>
    public IReadOnlyDictionary<OutboxState, long> Counts() =>
        Database.Query(
            "SELECT state, count(*) FROM delivery_outbox GROUP BY state",
            r => (State: OutboxStates.FromDb(r.GetString(0)), Count: r.GetInt64(1)))
            .ToDictionary(x => x.State, x => x.Count);

    /// <summary>
    /// Holds every message of <paramref name="ruleId"/> (pending ones stay pending) until <see cref="Resume"/>.
    /// Pausing a paused rule keeps its first pause time.
    /// </summary>
    public void Pause(string ruleId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleId);
        Database.Execute(
            "INSERT INTO delivery_paused_rules (rule_id, paused_since) VALUES ($rule, $now) ON CONFLICT DO NOTHING",
            ("rule", ruleId), ("now", OutboxDatabase.ToDb(Time.GetUtcNow())));
    }

    /// <summary>Lets the rule's held messages go out again (those already due go at the next dispatch). True if it was paused.</summary>
    public bool Resume(string ruleId) =>
        Database.Execute("DELETE FROM delivery_paused_rules WHERE rule_id = $rule", ("rule", ruleId)) > 0;

    public IReadOnlyList<PausedRule> PausedRules() =>
        Database.Query(
            "SELECT rule_id, paused_since FROM delivery_paused_rules ORDER BY rule_id",
            r => new PausedRule(r.GetString(0), OutboxDatabase.FromDb(r, 1)));

    /// <summary>
    /// Puts a dead letter back to pending, due now, with its attempt count reset (after the cause was fixed).
    /// False if there is no dead message with that key.
    /// </summary>
    public bool Requeue(string idempotencyKey) =>
        Database.Execute(
            """
            UPDATE delivery_outbox
            SET state = 'pending', attempts = 0, next_attempt_at = $now, finished_at = NULL
            WHERE idempotency_key = $key AND state = 'dead'
            """,
            ("key", idempotencyKey), ("now", OutboxDatabase.ToDb(Time.GetUtcNow()))) > 0;

    public void Dispose() => Database.Dispose();

    /// <summary>The earliest next attempt of a pending message whose rule is not paused, or null when none waits.</summary>
    internal DateTimeOffset? NextDue(IReadOnlyCollection<ActionChannel>? channels = null)
    {
        var (filter, parameters) = ChannelFilter(channels);
        var value = Database.Scalar(
            $"""
            SELECT min(next_attempt_at) FROM delivery_outbox
            WHERE state = 'pending' AND rule_id NOT IN (SELECT rule_id FROM delivery_paused_rules){filter}
            """,
            parameters);
        return value is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    /// <summary>
    /// Marks the rule's pending messages due before <paramref name="dueBefore"/> as <see cref="OutboxState.Suppressed"/>
    /// with <paramref name="reason"/>, so they are never sent: what resuming a rule with <c>on_resume: skip</c> does
    /// with the messages that fell due while it was paused. Returns how many were skipped.
    /// </summary>
    public int SkipPending(string ruleId, DateTimeOffset dueBefore, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var now = OutboxDatabase.ToDb(Time.GetUtcNow());
        // Through the writer, like claims and outcomes, so it commits in order with them. No key changes, so the
        // key-hash set needs nothing; messages already handed to a loop are sending, not pending, and go out.
        return Database.Write(() => Database.Execute(
            """
            UPDATE delivery_outbox SET state = 'suppressed', last_error = $reason, finished_at = $now
            WHERE rule_id = $rule AND state = 'pending' AND due_at < $before
            """,
            ("rule", ruleId), ("reason", reason), ("before", OutboxDatabase.ToDb(dueBefore)), ("now", now)));
    }

    /// <summary>An extra WHERE clause limiting rows to these channels (none: every channel), with its parameters.</summary>
    private static (string Sql, (string, object?)[] Parameters) ChannelFilter(IReadOnlyCollection<ActionChannel>? channels)
    {
        if (channels is null)
        {
            return ("", []);
        }

        if (channels.Count == 0)
        {
            return (" AND false", []);
        }

        var parameters = channels.Select((c, i) => ("ch" + i.ToString(CultureInfo.InvariantCulture), (object?)c.ToString())).ToArray();
        return ($" AND channel IN ({string.Join(", ", parameters.Select(p => "$" + p.Item1))})", parameters);
    }

    /// <summary>
    /// Marks up to <paramref name="limit"/> due messages (pending, next attempt at or before <paramref name="now"/>,
    /// rule not paused) as sending, in one statement, and returns them once that is committed, with
    /// <see cref="OutboxEntry.Attempts"/> already counting the attempt about to be made. The stored count goes up
    /// when the outcome is recorded, so a claim that is never attempted (a crash, a stop) costs no attempt.
    /// </summary>
    internal Task<List<OutboxEntry>> ClaimAsync(DateTimeOffset now, int limit, IReadOnlyCollection<ActionChannel>? channels = null) =>
        Database.WriteAsync(() => ClaimNow(now, limit, channels));

    /// <summary><see cref="ClaimAsync"/> for synchronous callers (tests).</summary>
    internal List<OutboxEntry> Claim(DateTimeOffset now, int limit, IReadOnlyCollection<ActionChannel>? channels = null) =>
        Database.Write(() => ClaimNow(now, limit, channels));

    private List<OutboxEntry> ClaimNow(DateTimeOffset now, int limit, IReadOnlyCollection<ActionChannel>? channels)
    {
        var (filter, parameters) = ChannelFilter(channels);
        return Database.Claim(OutboxDatabase.ToDb(now), limit, filter, parameters)
            .Select(e => e with { Attempts = e.Attempts + 1 })
            .OrderBy(e => e.NextAttemptAt).ThenBy(e => e.EnqueuedAt).ThenBy(e => e.IdempotencyKey, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Records what happened to a claimed message and returns once it is committed. Outcomes queued while the
    /// writer is busy are written together, in one UPDATE inside the writer's next group commit, so recording costs
    /// a statement per batch and no commit of its own.
    /// </summary>
    internal Task RecordAsync(Outcome outcome)
    {
        lock (queuedGate)
        {
            queued.Add(outcome);
        }

        List<Outcome> taken = [];
        return Database.WriteAsync(
            () =>
            {
                // Whoever runs first takes every outcome queued so far; later items of the same group find none.
                lock (queuedGate)
                {
                    (taken, queued) = (queued, []);
                }

                if (taken.Count > 0)
                {
                    Database.WriteOutcomes(taken);
                }

                return 0;
            },
            rolledBack: () =>
            {
                // Put them back so the retry of this item (alone) writes them again.
                lock (queuedGate)
                {
                    queued.AddRange(taken);
                }
            });
    }

    private readonly Lock queuedGate = new();
    private List<Outcome> queued = [];

    /// <summary>The new state of one claimed message (only messages still in <c>sending</c> are changed).</summary>
    internal sealed record Outcome(
        string Key, OutboxState State, string? LastError, string? Receipt, DateTimeOffset? NextAttemptAt, DateTimeOffset? SentAt, DateTimeOffset? FinishedAt)
    {
        public static Outcome Sent(string key, string receipt, DateTimeOffset at) => new(key, OutboxState.Sent, null, receipt, null, at, at);

        public static Outcome Dead(string key, string reason, DateTimeOffset at) => new(key, OutboxState.Dead, reason, null, null, null, at);

        public static Outcome Suppressed(string key, string reason, DateTimeOffset at) => new(key, OutboxState.Suppressed, reason, null, null, null, at);

        public static Outcome Retry(string key, string error, DateTimeOffset next) => new(key, OutboxState.Pending, error, null, next, null, null);
    }

    /// <summary>
    /// Gives back claims the dispatcher did not finish because it was stopped: never attempted, or with
    /// <paramref name="countAttempt"/> cut off mid-send (the receiver may have the message, so the next attempt must
    /// say it is a later one).
    /// </summary>
    internal Task ReleaseAsync(IReadOnlyCollection<string> keys, bool countAttempt = false) =>
        keys.Count == 0
            ? Task.CompletedTask
            : Database.WriteAsync(() =>
            {
                foreach (var chunk in keys.Chunk(500))
                {
                    var parameters = chunk.Select((k, i) => ("k" + i.ToString(CultureInfo.InvariantCulture), (object?)k)).ToArray();
                    var (own, ownParameters) = Database.OwnClaims;
                    Database.Execute(
                        $"""
                        UPDATE delivery_outbox SET state = 'pending'{(countAttempt ? ", attempts = attempts + 1" : "")}
                        WHERE idempotency_key IN ({string.Join(", ", parameters.Select(p => "$" + p.Item1))}) AND state = 'sending'{own}
                        """,
                        [.. parameters, .. ownParameters]);
                }

                return 0;
            });

    /// <summary>
    /// Gives back claims that were not attempted because their destination was busy, due again at
    /// <paramref name="until"/>: no attempt counted, and the loop does not claim them again at once.
    /// </summary>
    internal Task DeferAsync(IReadOnlyCollection<string> keys, DateTimeOffset until) =>
        keys.Count == 0
            ? Task.CompletedTask
            : Database.WriteAsync(() =>
            {
                foreach (var chunk in keys.Chunk(500))
                {
                    var parameters = chunk.Select((k, i) => ("k" + i.ToString(CultureInfo.InvariantCulture), (object?)k)).ToArray();
                    var (own, ownParameters) = Database.OwnClaims;
                    Database.Execute(
                        $"""
                        UPDATE delivery_outbox SET state = 'pending', next_attempt_at = greatest(next_attempt_at, $until)
                        WHERE idempotency_key IN ({string.Join(", ", parameters.Select(p => "$" + p.Item1))}) AND state = 'sending'{own}
                        """,
                        [.. parameters, .. ownParameters, ("until", OutboxDatabase.ToDb(until))]);
                }

                return 0;
            });

    internal static OutboxEntry ReadEntry(DbDataReader r) => new(
        IdempotencyKey: r.GetString(0),
        RuleId: r.GetString(1),
        CustomerId: r.GetString(2),
        Action: CachedAction(r.GetString(3)),
        DueAt: OutboxDatabase.FromDb(r, 5),
        Data: OutboxJson.ReadData(r.GetString(4)),
        State: OutboxStates.FromDb(r.GetString(6)),
        Attempts: r.GetInt32(7),
        NextAttemptAt: OutboxDatabase.FromDb(r, 8),
        EnqueuedAt: OutboxDatabase.FromDb(r, 9),
        LastError: OutboxDatabase.StringOrNull(r, 10),
        Receipt: OutboxDatabase.StringOrNull(r, 11),
        SentAt: OutboxDatabase.FromDbOrNull(r, 12),
        FinishedAt: OutboxDatabase.FromDbOrNull(r, 13));

    // A rule's messages all carry the same action, so its JSON is parsed once, not once per claimed message. Bounded:
    // emptied when full, as journeys are edited rarely and a miss only costs a parse.
    private static InterventionAction CachedAction(string json)
    {
        if (ActionCache.TryGetValue(json, out var action))
        {
            return action;
        }

        if (ActionCache.Count >= 1024)
        {
            ActionCache.Clear();
        }

        return ActionCache[json] = OutboxJson.ReadAction(json);
    }

    private static readonly ConcurrentDictionary<string, InterventionAction> ActionCache = new(StringComparer.Ordinal);

    private static void Validate(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Require(message.IdempotencyKey, "IdempotencyKey", message);
        Require(message.RuleId, "RuleId", message);
        Require(message.CustomerId, "CustomerId", message);
        if (message.Action is null)
        {
            throw new ArgumentException($"outbox message {message.IdempotencyKey}: Action is missing", nameof(message));
        }

        if (message.Data is null)
        {
            throw new ArgumentException($"outbox message {message.IdempotencyKey}: Data is missing (pass an empty dictionary)", nameof(message));
        }

        var prefix = message.RuleId + ":" + message.CustomerId + ":";
        if (!message.IdempotencyKey.StartsWith(prefix, StringComparison.Ordinal) || message.IdempotencyKey.Length == prefix.Length)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"outbox message key '{message.IdempotencyKey}' must be \"{{ruleId}}:{{customerId}}:{{occurrence}}\", here \"{prefix}OCCURRENCE\""),
                nameof(message));
        }
    }

    private static void Require(string? value, string field, OutboxMessage message)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"outbox message {message.IdempotencyKey}: {field} is empty", nameof(message));
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
