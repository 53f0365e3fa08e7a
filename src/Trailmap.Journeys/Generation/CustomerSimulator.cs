using System.Globalization;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Generation;

/// <summary>Plays one customer through a journey plan and returns their messages in time order.</summary>
internal sealed class CustomerSimulator
{
    private static readonly string[] FirstNames = ["Ada", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kira", "Luca", "Mina", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sami", "Tara"];
    private static readonly string[] LastNames = ["Adams", "Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski", "Lopez", "Moreau", "Novak", "Okafor", "Park", "Rossi", "Schmidt", "Tanaka", "Weber"];
    private static readonly string[] TimeZones = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney"];
    // plan weights: free 50%, starter 30%, team 15%, business 5%
    private static readonly (string Plan, double Cumulative)[] Plans = [("free", 0.5), ("starter", 0.8), ("team", 0.95), ("business", 1.0)];
    private static readonly string[] PageTypes = ["home", "blog", "docs", "help"];
    private static readonly string[] LoginMethods = ["password", "google", "sso"];

    private readonly GenerationPlan _plan;
    private readonly GeneratorOptions _options;
    private readonly IReadOnlyList<Stage> _stages;
    private readonly TimeSpan? _window;
    private readonly Dictionary<string, object?>?[] _fallbackTraits;

    // Per-customer state, reset by Simulate.
    private readonly List<Pending> _events = [];
    private readonly long[] _entryTicks;
    private Pcg32 _rng;
    private int _reached;
    private int _order;

    public CustomerSimulator(GenerationPlan plan, GeneratorOptions options)
    {
        _plan = plan;
        _options = options;
        _stages = plan.Journey.Stages;
        _window = plan.Journey.Window?.Span;
        _entryTicks = new long[_stages.Count];
        var rng = new Pcg32(0, 0);
        _fallbackTraits = [.. plan.Personas.Select((_, i) => PersonaTraits(i, ref rng, vary: false))];
    }

    private readonly record struct Pending(long Ticks, int Order, string Name, Dictionary<string, object?> Properties);

    public IEnumerable<GeneratedMessage> Simulate(int customer)
    {
        _rng = Pcg32.ForCustomer(_options.Seed, customer);
        _events.Clear();
        _order = 0;
        var userId = "user-" + (customer + 1).ToString("D6", CultureInfo.InvariantCulture);
        var prefix = _options.Seed.ToString(CultureInfo.InvariantCulture) + "-" + customer.ToString(CultureInfo.InvariantCulture) + "-";
        var duplicate = _rng.Chance(BehaviourModel.DuplicateRate);

        var arrival = Arrival();
        var persona = PickPersona();
        var traits = Traits(customer, persona);

        WalkStages(arrival, persona);
        EmitMetrics();
        EmitMoments();
        EmitTriggers();
        EmitActivity(arrival);
        EmitRetainedUsage();

        _events.Sort(static (a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : a.Order.CompareTo(b.Order));
        var messages = new List<GeneratedMessage>(_events.Count + 2)
        {
            new(MessageType.Identify, userId, null, At(arrival), prefix + "0", traits),
        };
        for (var i = 0; i < _events.Count; i++)
        {
            var e = _events[i];
            messages.Add(new GeneratedMessage(MessageType.Track, userId, e.Name, At(e.Ticks), prefix + (i + 1).ToString(CultureInfo.InvariantCulture), e.Properties));
        }

        if (duplicate && _events.Count > 0)
        {
            // A client retry: the very same message again right after the original.
            var at = 1 + _rng.Next(_events.Count);
            messages.Insert(at + 1, messages[at]);
        }

        return messages;
    }

    private static DateTimeOffset At(long ticks) => new(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private long Arrival()
    {
        var start = _options.Start.UtcTicks;
        var span = _options.ArrivalSpan.Ticks;
        long t = start;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            t = start + (long)(_rng.NextDouble() * span);
            var day = new DateTime(t, DateTimeKind.Utc).DayOfWeek;
            if (day is not (DayOfWeek.Saturday or DayOfWeek.Sunday) || _rng.Chance(BehaviourModel.WeekendArrivalRate))
            {
                break;
            }
        }

        return t;
    }

    private int PickPersona()
    {
        if (_plan.Personas.Count == 0)
        {
            return -1;
        }

        var u = _rng.NextDouble();
        var sum = 0.0;
        for (var i = 0; i < _plan.Personas.Count - 1; i++)
        {
            sum += _plan.Personas[i].Share;
            if (u < sum)
            {
                return i;
            }
        }

        return _plan.Personas.Count - 1;
    }

    private Dictionary<string, object?> Traits(int customer, int persona)
    {
        var traits = persona >= 0 ? PersonaTraits(persona, ref _rng, vary: true) ?? _fallbackTraits[persona] ?? [] : [];
        var first = FirstNames[_rng.Next(FirstNames.Length)];
        var last = LastNames[_rng.Next(LastNames.Length)];
        var u = _rng.NextDouble();
        var plan = Plans.First(p => u < p.Cumulative || p.Cumulative >= 1.0).Plan;
        var zone = TimeZones[_rng.Next(TimeZones.Length)];
        traits.TryAdd("name", first + " " + last);
        traits.TryAdd("email", (first + "." + last).ToLowerInvariant() + (customer + 1).ToString(CultureInfo.InvariantCulture) + "@example.com");
        traits.TryAdd("plan", plan);
        traits.TryAdd("time_zone", zone);
        if (persona >= 0 && !MatchesOnly(traits, persona) && _fallbackTraits[persona] is { } fallback)
        {
            foreach (var (k, v) in fallback)
            {
                traits[k] = v;
            }
        }

        return traits;
    }

    // Values that satisfy this persona's filter and, where possible, fail every other persona's.
    private Dictionary<string, object?>? PersonaTraits(int persona, ref Pcg32 rng, bool vary)
    {
        var values = new Dictionary<string, object?>();
        if (!FilterSolver.TrySolve(_plan.Personas[persona].Persona.Traits!, true, values, ref rng, vary, spread: true))
        {
            return null;
        }

        for (var j = 0; j < _plan.Personas.Count; j++)
        {
            var trial = new Dictionary<string, object?>(values);
            if (j != persona && FilterSolver.TrySolve(_plan.Personas[j].Persona.Traits!, false, trial, ref rng, vary, spread: true))
            {
                values = trial;
            }
        }

        return MatchesOnly(values, persona) ? values : null;
    }

    private bool MatchesOnly(Dictionary<string, object?> traits, int persona)
    {
        for (var j = 0; j < _plan.Personas.Count; j++)
        {
            if (_plan.Personas[j].Persona.Traits!.Matches(k => traits.GetValueOrDefault(k)) != (j == persona))
            {
                return false;
            }
        }

        return true;
    }

    private void WalkStages(long arrival, int persona)
    {
        _reached = _stages.Count == 0 ? -1 : 0;
        if (_stages.Count == 0)
        {
            return;
        }

        _entryTicks[0] = arrival;
        for (var k = 1; k < _stages.Count; k++)
        {
            if (!_rng.Chance(_plan.ConversionProbability(k - 1, persona, _options.ConversionScale)))
            {
                break;
            }

            var median = _plan.Transitions[k - 1].MedianDelay.TotalSeconds;
            _entryTicks[k] = _entryTicks[k - 1] + Delay(median, BehaviourModel.DelaySigma);
            _reached = k;
        }

        for (var k = 0; k <= _reached; k++)
        {
            if (_stages[k].Entry is { } entry)
            {
                Emit(entry, _entryTicks[k], ownStage: k);
            }
        }
    }

    // A log-normal delay in ticks, at least one second and within the journey's conversion window.
    private long Delay(double medianSeconds, double sigma, TimeSpan? cap = null)
    {
        var seconds = _rng.LogNormal(medianSeconds, sigma);
        var limit = (cap ?? _window)?.TotalSeconds * BehaviourModel.WindowCap;
        if (limit is { } l && seconds > l)
        {
            seconds = l;
        }

        return (long)(Math.Max(1, seconds) * TimeSpan.TicksPerSecond);
    }

    private long InStage(int stage, TimeSpan? window = null)
    {
        var median = stage < _plan.Transitions.Count
            ? _plan.Transitions[stage].MedianDelay.TotalSeconds * BehaviourModel.InStageDelayShare
            : TimeSpan.FromDays(1).TotalSeconds;
        return _entryTicks[stage] + Delay(median, BehaviourModel.InStageSigma, window);
    }

    private void EmitMetrics()
    {
        foreach (var e in _plan.Emissions)
        {
            if (e.Stage > _reached)
            {
                continue;
            }

            var m = e.Metric;
            switch (e.Kind)
            {
                case EmitKind.Rate:
                    if (_rng.Chance(e.Aim))
                    {
                        Emit(m.Event!, InStage(e.Stage, m.Window?.Span));
                    }
                    else if (m.Event!.Where is not null && _rng.Chance(BehaviourModel.NearMissRate))
                    {
                        Emit(m.Event, InStage(e.Stage, m.Window?.Span), satisfy: false);
                    }

                    break;
                case EmitKind.Count:
                    for (var n = 1 + _rng.Geometric(BehaviourModel.RepeatProbability, 3); n > 0; n--)
                    {
                        Emit(m.Event!, InStage(e.Stage, m.Window?.Span));
                    }

                    break;
                case EmitKind.Ratio:
                    EmitRatio(e);
                    break;
                case EmitKind.Nps or EmitKind.Csat:
                    if (_rng.Chance(BehaviourModel.SurveyResponseRate))
                    {
                        EmitSurvey(e);
                    }

                    break;
                case EmitKind.Retention:
                    EmitRetention(e);
                    break;
            }
        }

        foreach (var s in _plan.Sums)
        {
            if (s.Aim > 0 && s.Stage <= _reached)
            {
                Emit(s.Metric.Event!, InStage(s.Stage));
            }
        }
    }

    private void EmitRatio(MetricEmission e)
    {
        var m = e.Metric;
        var denominator = m.Denominator;
        if (denominator is null)
        {
            return;
        }

        var sameName = denominator.Event == m.Event!.Event;
        var since = _entryTicks[e.Stage];
        var occurrences = new List<long>();
        if (!sameName)
        {
            foreach (var p in _events)
            {
                if (p.Name == denominator.Event && p.Ticks >= since && (denominator.Where is null || denominator.Where.Matches(k => p.Properties.GetValueOrDefault(k))))
                {
                    occurrences.Add(p.Ticks);
                }
            }
        }

        if (occurrences.Count == 0 && !_plan.EntryNames.Contains(denominator.Event) && _rng.Chance(BehaviourModel.DenominatorRate))
        {
            for (var n = 1 + _rng.Geometric(BehaviourModel.RepeatProbability, 3); n > 0; n--)
            {
                var at = InStage(e.Stage);
                if (sameName)
                {
                    // The numerator is a subset of the denominator (searches with no results): mark the share that qualifies.
                    var hit = _rng.Chance(e.Aim);
                    var props = Properties(denominator, at, -1, satisfy: true);
                    if (props is not null && m.Event.Where is not null)
                    {
                        FilterSolver.TrySolve(m.Event.Where, hit, props, ref _rng, vary: false);
                    }

                    Add(denominator.Event, at, props);
                }
                else
                {
                    Emit(denominator, at);
                    occurrences.Add(at);
                }
            }
        }

        if (sameName || (_plan.EntryNames.Contains(m.Event.Event) && m.Event.Event != denominator.Event))
        {
            return;
        }

        foreach (var at in occurrences)
        {
            var count = (int)Math.Floor(e.Aim) + (_rng.Chance(e.Aim - Math.Floor(e.Aim)) ? 1 : 0);
            for (var i = 0; i < count; i++)
            {
                Emit(m.Event, at + Delay(3600, 1.0));
            }
        }
    }

    private void EmitSurvey(MetricEmission e)
    {
        var m = e.Metric;
        var property = m.Property ?? (e.Kind == EmitKind.Nps ? "score" : "rating");
        var at = InStage(e.Stage);
        // Redraw a few times if an answer would wrongly put the customer into a stage (promoters entering advocacy).
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var answer = e.Kind == EmitKind.Nps ? NpsScore(e.Aim) : CsatRating(e.Aim);
            var props = Properties(m.Event!, at, -1, satisfy: true, (property, answer));
            if (props is not null && Allowed(m.Event!.Event, at, props, -1))
            {
                Add(m.Event.Event, at, props);
                return;
            }
        }
    }

    /// <summary>
    /// An NPS answer for an aimed score: passives (7-8) are <see cref="BehaviourModel.NpsPassiveShare"/>; promoters (9-10)
    /// and detractors (0-6, mostly 5-6) split the rest so that promoters minus detractors is the aim.
    /// </summary>
    internal double NpsScore(double aim)
    {
        var rest = 1 - BehaviourModel.NpsPassiveShare;
        var promoters = Math.Clamp((rest + (aim / 100)) / 2, 0, rest);
        var u = _rng.NextDouble();
        if (u < promoters)
        {
            return _rng.Chance(0.55) ? 10 : 9;
        }

        if (u < promoters + BehaviourModel.NpsPassiveShare)
        {
            return _rng.Chance(0.5) ? 8 : 7;
        }

        // Detractors lean to 5-6 as in real surveys: 6 (35%), 5 (25%), 4..0 (40% spread).
        var d = _rng.NextDouble();
        return d < 0.35 ? 6 : d < 0.60 ? 5 : _rng.Next(5);
    }

    /// <summary>A 1-5 rating where 4 or 5 (55% fives among them) has the aimed probability; unhappy answers are 3 (50%), 2 (30%), 1 (20%).</summary>
    internal double CsatRating(double aim)
    {
        if (_rng.Chance(aim))
        {
            return _rng.Chance(0.55) ? 5 : 4;
        }

        var d = _rng.NextDouble();
        return d < 0.5 ? 3 : d < 0.8 ? 2 : 1;
    }

    private void EmitRetention(MetricEmission e)
    {
        var m = e.Metric;
        var period = m.Period switch
        {
            RetentionPeriod.Day => TimeSpan.FromDays(1),
            RetentionPeriod.Month => TimeSpan.FromDays(30),
            _ => TimeSpan.FromDays(7),
        };
        var n = Math.Max(1, m.PeriodNumber ?? 1);
        for (var k = 1; k <= n + 1; k++)
        {
            // Anchored at the measured period: earlier periods return more often, later ones less.
            var p = Math.Min(0.97, e.Aim * Math.Pow(BehaviourModel.RetentionDecay, k - n));
            if (_rng.Chance(p))
            {
                var at = _entryTicks[e.Stage] + (long)((k + 0.05 + (0.9 * _rng.NextDouble())) * period.Ticks);
                Emit(m.ReturnEvent!, at);
            }
        }
    }

    private void EmitMoments()
    {
        foreach (var mot in _plan.Journey.MomentsOfTruth)
        {
            if (mot.Condition is not { } condition || _plan.EntryNames.Contains(condition.Event))
            {
                continue; // the stage transition itself decides this moment
            }

            var home = mot.Stage is { } s ? IndexOf(s) : 0;
            if (home < 0 || home > _reached)
            {
                continue;
            }

            long? anchor = null;
            var of = mot.Deadline?.Of;
            var anchorStage = of is null ? home : IndexOf(of) is var byId and >= 0 ? byId : IndexOfEntry(of);
            if (anchorStage >= 0)
            {
                anchor = anchorStage <= _reached ? _entryTicks[anchorStage] : null;
            }
            else if (_events.FirstOrDefault(p => p.Name == of) is { Name: not null } existing)
            {
                anchor = existing.Ticks;
            }
            else if (_rng.Chance(BehaviourModel.AnchorRate))
            {
                anchor = InStage(home);
                Add(of!, anchor.Value, []);
            }

            if (anchor is not { } a)
            {
                continue;
            }

            var deadline = (mot.Deadline?.Within.Span ?? TimeSpan.FromDays(7)).Ticks;
            var u = _rng.NextDouble();
            if (u < BehaviourModel.MomentOnTime)
            {
                Emit(condition, a + Math.Max(TimeSpan.TicksPerSecond, (long)(_rng.NextDouble() * deadline)));
            }
            else if (u < BehaviourModel.MomentOnTime + BehaviourModel.MomentLate)
            {
                Emit(condition, a + deadline + (long)(_rng.NextDouble() * 2 * deadline) + TimeSpan.TicksPerSecond);
            }
        }
    }

    private void EmitTriggers()
    {
        foreach (var (trigger, stage) in _plan.Triggers)
        {
            if (stage <= _reached && _rng.Chance(BehaviourModel.TriggerRate))
            {
                Emit(trigger, InStage(stage));
            }
        }
    }

    private void EmitActivity(long arrival)
    {
        var last = arrival;
        foreach (var e in _events)
        {
            last = Math.Max(last, e.Ticks);
        }

        var end = last + Delay(BehaviourModel.ActiveTail.TotalSeconds, BehaviourModel.DelaySigma, TimeSpan.MaxValue);
        var activity = _plan.ActivityEvents;
        for (var n = 1 + _rng.Geometric(BehaviourModel.NoiseContinuation, BehaviourModel.MaxNoise - 1); n > 0; n--)
        {
            var at = arrival + TimeSpan.TicksPerSecond + (long)(_rng.NextDouble() * (end - arrival));
            var u = _rng.NextDouble();
            // 55% Page Viewed, 25% Logged In, 20% the journey's activity events (70/30 without any).
            var pageShare = activity.Count > 0 ? 0.55 : 0.7;
            var loginShare = activity.Count > 0 ? 0.25 : 0.3;
            if (u < pageShare)
            {
                var page = PageTypes[_rng.Next(PageTypes.Length)];
                Add("Page Viewed", at, new Dictionary<string, object?> { ["page_type"] = page, ["path"] = "/" + page });
            }
            else if (u < pageShare + loginShare)
            {
                Add("Logged In", at, new Dictionary<string, object?> { ["method"] = LoginMethods[_rng.Next(LoginMethods.Length)] });
            }
            else
            {
                Emit(activity[_rng.Next(activity.Count)], at);
            }
        }
    }

    /// <summary>
    /// Ongoing use by customers who completed the journey, so health and retention have something to read. Only they
    /// get it: a login can be a stage's entry event, and a customer who has reached the last stage can enter no new one.
    /// </summary>
    private void EmitRetainedUsage()
    {
        if (_stages.Count < 2 || _reached != _stages.Count - 1)
        {
            return;
        }

        var from = 0L;
        foreach (var e in _events)
        {
            from = Math.Max(from, e.Ticks);
        }

        var horizon = _options.Start.UtcTicks + _options.ArrivalSpan.Ticks;
        var activity = _plan.ActivityEvents;
        for (var day = 1; from + (day * TimeSpan.TicksPerDay) < horizon; day++)
        {
            if (day % 7 == 0 && _rng.Chance(BehaviourModel.RetainedWeeklyChurn))
            {
                return;
            }

            if (!_rng.Chance(BehaviourModel.RetainedDailyLogin))
            {
                continue;
            }

            var at = from + (day * TimeSpan.TicksPerDay) + (long)(_rng.NextDouble() * TimeSpan.TicksPerHour * 10);
            Add("Logged In", at, new Dictionary<string, object?> { ["method"] = LoginMethods[_rng.Next(LoginMethods.Length)] });
            if (activity.Count > 0 && _rng.Chance(BehaviourModel.RetainedDailyActivity))
            {
                Emit(activity[_rng.Next(activity.Count)], at + TimeSpan.TicksPerMinute);
            }
        }
    }

    private int IndexOf(string stageId)
    {
        for (var i = 0; i < _stages.Count; i++)
        {
            if (_stages[i].Id == stageId)
            {
                return i;
            }
        }

        return -1;
    }

    private int IndexOfEntry(string? eventName)
    {
        for (var i = 0; i < _stages.Count; i++)
        {
            if (_stages[i].Entry?.Event == eventName)
            {
                return i;
            }
        }

        return -1;
    }

    private void Emit(EventCondition condition, long ticks, int ownStage = -1, bool satisfy = true)
    {
        var props = Properties(condition, ticks, ownStage, satisfy);
        if (props is not null)
        {
            Add(condition.Event, ticks, props, ownStage);
        }
    }

    /// <summary>
    /// Properties for an event: its <c>where</c> met (or failed), an amount for sums, and values that keep it from
    /// matching a later stage's entry the customer has not reached by then. Null when no such properties exist.
    /// </summary>
    private Dictionary<string, object?>? Properties(EventCondition condition, long ticks, int ownStage, bool satisfy, (string Key, object? Value)? preset = null)
    {
        var props = new Dictionary<string, object?>();
        if (preset is { } p)
        {
            props[p.Key] = p.Value;
        }

        if (condition.Where is { } where && !FilterSolver.TrySolve(where, satisfy, props, ref _rng, vary: true))
        {
            return null;
        }

        if (_plan.EntryNames.Contains(condition.Event))
        {
            for (var j = 1; j < _stages.Count; j++)
            {
                if (j != ownStage && _stages[j].Entry is { Where: { } w } entry && entry.Event == condition.Event && Forbidden(j, ticks))
                {
                    var trial = new Dictionary<string, object?>(props);
                    if (FilterSolver.TrySolve(w, false, trial, ref _rng, vary: true))
                    {
                        props = trial;
                    }
                }
            }
        }

        foreach (var s in _plan.Sums)
        {
            if (s.Metric.Event!.Event == condition.Event && s.Metric.Property is { } key && !props.ContainsKey(key))
            {
                props[key] = Amount(key);
            }
        }

        return props;
    }

    // Order values: amount and revenue around 99 (median), ARR around 12,000; log-normal, two decimals.
    private double Amount(string property)
    {
        var median = property.Contains("arr", StringComparison.OrdinalIgnoreCase) ? 12000 : 99;
        return Math.Round(_rng.LogNormal(median, 0.6), 2);
    }

    private bool Forbidden(int stage, long ticks) => stage > _reached || ticks < _entryTicks[stage];

    private bool Allowed(string name, long ticks, Dictionary<string, object?> props, int ownStage)
    {
        if (!_plan.EntryNames.Contains(name))
        {
            return true;
        }

        for (var j = 1; j < _stages.Count; j++)
        {
            if (j != ownStage && _stages[j].Entry is { } entry && entry.Event == name && Forbidden(j, ticks)
                && (entry.Where is null || entry.Where.Matches(k => props.GetValueOrDefault(k))))
            {
                return false;
            }
        }

        return true;
    }

    private void Add(string name, long ticks, Dictionary<string, object?>? props, int ownStage = -1)
    {
        props ??= [];
        if (Allowed(name, ticks, props, ownStage))
        {
            _events.Add(new Pending(ticks, _order++, name, props));
        }
    }
}
