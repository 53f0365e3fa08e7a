using System.Globalization;
using Trailmap.Analytics.Cohorts;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Retention;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Journeys;

/// <summary>Measures a journey map against an event log: the actual next to every target.</summary>
/// <remarks>Definitions follow SEMANTICS ("Journey stages", "Scores"); docs/analyze.md documents every choice.</remarks>
public static class JourneyAnalyzer
{
    /// <summary>"Unbounded" for a journey without a window: longer than any real event history.</summary>
    private static readonly Duration Unbounded = Duration.FromSeconds(200.0 * 365 * 86400);

    /// <summary>Every customer trait the analysis reads (the personas' trait filters and cohorts), so a loader can skip the rest.</summary>
    public static IReadOnlySet<string> TraitsUsed(Journey journey) =>
        journey.Personas.Where(p => p.Traits is not null).SelectMany(p => p.Traits!.Properties())
            .Concat(journey.Cohorts.SelectMany(CohortAnalysis.TraitsUsed)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every event property the analysis reads, so a loader can skip parsing the rest.</summary>
    public static IReadOnlySet<string> PropertiesUsed(Journey journey)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        void Add(EventCondition? c)
        {
            if (c?.Where is { } w)
            {
                used.UnionWith(w.Properties());
            }
        }

        foreach (var s in journey.Stages)
        {
            Add(s.Entry);
        }

        foreach (var m in journey.AllMetrics())
        {
            Add(m.Event);
            Add(m.ReturnEvent);
            Add(m.Denominator);
            Add(m.Signup);
            if (m.Property is { } p)
            {
                used.Add(p);
            }
        }

        foreach (var mot in journey.MomentsOfTruth)
        {
            Add(mot.Condition);
        }

        foreach (var c in journey.Health?.Components ?? [])
        {
            Add(c.Event);
            if (c.Property is { } p)
            {
                used.Add(p);
            }
        }

        // Personas and rule audiences judge cohorts on the same log.
        foreach (var cohort in journey.Cohorts)
        {
            used.UnionWith(CohortAnalysis.PropertiesUsed(cohort));
        }

        return used;
    }

    /// <summary>A one-shot analysis: measures the journey (without the entry times only automation reads) and analyzes it.</summary>
    public static JourneyAnalysis Analyze(Journey journey, EventLog log, DateTimeOffset? asOf = null) =>
        Analyze(JourneyMeasurement.Measure(journey, log, entryTimes: false), asOf);

    /// <summary>
    /// The analysis of a measurement: its stage funnel and, as of the end of the data, its health; KPIs, moments of
    /// truth and surveys are computed here. A health as of another moment (<paramref name="asOf"/>) is scored afresh.
    /// </summary>
    public static JourneyAnalysis Analyze(JourneyMeasurement measurement, DateTimeOffset? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        var journey = measurement.Journey;
        var log = measurement.Log;
        var measured = measurement.Stages.ToList();
        var stages = Stages(journey, log, measurement.StageFunnel, measured);
        var health = journey.Health is { Components.Count: > 0 } model
            ? asOf is null || asOf == End(log) ? measurement.Health : Health(journey, model, log, asOf.Value)
            : null;
        var ttv = new List<TimeToValue>();
        var kpis = journey.Stages.SelectMany(s => s.Kpis.Select(k => (Stage: (string?)s.Id, Kpi: k)))
            .Concat(journey.Metrics.Select(k => (Stage: (string?)null, Kpi: k)))
            .Select(x => Kpi(journey, log, x.Kpi, x.Stage, health, ttv))
            .ToList();
        return new JourneyAnalysis
        {
            Journey = journey.Id,
            Title = journey.Title,
            Customers = log.CustomerCount,
            Events = log.EventCount,
            From = log.EventCount > 0 ? EventLogBuilder.FromMicros(log.Timestamps.Min()) : null,
            To = log.EventCount > 0 ? End(log) : null,
            Stages = stages,
            Kpis = kpis,
            MomentsOfTruth = [.. journey.MomentsOfTruth.Select(m => Moment(journey, log, m))],
            TimeToValue = ttv,
            Health = health,
            Personas = Personas(journey, log, measurement, measured),
            Bottleneck = Bottleneck.Find(journey, stages, kpis),
            IdealGaps = IdealGaps(journey, stages, kpis),
        };
    }

    internal static DateTimeOffset End(EventLog log) =>
        log.EventCount > 0 ? EventLogBuilder.FromMicros(log.Timestamps.Max()) : DateTimeOffset.UnixEpoch;

    /// <summary>
    /// The funnel of the measurable stages' entry criteria (each step named after its stage), which
    /// <see cref="JourneyMeasurement"/> runs; the workspace's funnel page starts from it. Null when no stage has an entry.
    /// </summary>
    public static (FunnelSpec? Spec, List<Stage> Measured) StageFunnelSpec(Journey journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        var measured = journey.Stages.Where(s => s.Entry is not null).ToList();
        if (measured.Count == 0)
        {
            return (null, measured);
        }

        return (StageFunnelSpec(journey, measured), measured);
    }

    private static List<StageAnalysis> Stages(Journey journey, EventLog log, FunnelResult? funnel, List<Stage> measured)
    {
        var surveys = SurveysByStage(journey, log);
        var result = new List<StageAnalysis>();
        foreach (var stage in journey.Stages)
        {
            var k = measured.IndexOf(stage);
            var step = k >= 0 && funnel is not null ? funnel.Steps[k] : null;
            var next = k >= 0 && funnel is not null && k + 1 < funnel.Steps.Count ? funnel.Steps[k + 1] : null;
            surveys.TryGetValue(stage.Id, out var answers);
            var nps = answers?.Nps;
            var csat = answers?.Csat;
            result.Add(new StageAnalysis
            {
                Id = stage.Id,
                Name = stage.Name,
                Measurable = step is not null,
                Reached = step?.Customers ?? 0,
                ConversionFromPrevious = k > 0 ? step?.ConversionFromPrevious : null,
                ConversionFromStart = step?.ConversionFromStart,
                DropOff = step is { Customers: > 0 } && next is not null ? 1 - ((double)next.Customers / step.Customers) : null,
                MedianTimeToStageSeconds = k > 0 && step?.TimeToConvert is { Count: > 0 } t ? t.Median : null,
                P90TimeToStageSeconds = k > 0 && step?.TimeToConvert is { Count: > 0 } t2 ? t2.P90 : null,
                Nps = nps,
                Csat = csat,
                Responses = answers?.Responses ?? 0,
                DesignedEmotion = stage.Emotion?.Score,
                IdealEmotion = stage.Ideal?.Emotion,
                MeasuredEmotion = MeasuredEmotion(journey.EmotionScale, csat, nps),
            });
        }

        return result;
    }

    /// <summary>
    /// CSAT (share of 4-5 answers) maps linearly onto the journey's emotion scale; without CSAT, NPS (-100..100) does.
    /// A stage where every answer is satisfied sits at the top of the scale, one where none is at the bottom.
    /// </summary>
    internal static double? MeasuredEmotion(EmotionScale scale, double? csat, double? nps)
    {
        double? position = csat ?? (nps is { } n ? (n + 100) / 200 : null);
        return position is { } p ? Math.Round(scale.Min + (p * (scale.Max - scale.Min)), 2) : null;
    }

    private sealed class Answers
    {
        public long Promoters;
        public long Detractors;
        public long NpsAnswers;
        public long Satisfied;
        public long CsatAnswers;

        public long Responses => NpsAnswers + CsatAnswers;

        public double? Nps => NpsAnswers > 0 ? 100.0 * (Promoters - Detractors) / NpsAnswers : null;

        public double? Csat => CsatAnswers > 0 ? (double)Satisfied / CsatAnswers : null;
    }

    /// <summary>Survey answers attributed to the stage the customer was in when answering: the last stage entered before.</summary>
    private static Dictionary<string, Answers> SurveysByStage(Journey journey, EventLog log)
    {
        var result = new Dictionary<string, Answers>(StringComparer.Ordinal);
        var surveys = journey.AllMetrics()
            .Where(m => m.Type is MetricType.Nps or MetricType.Csat && m.Event is not null && m.Property is not null)
            .Select(m => (m.Type, m.Property, Matcher: new EventMatcher(log, m.Event!)))
            .Where(s => s.Matcher.Exists)
            .ToList();
        if (surveys.Count == 0)
        {
            return result;
        }

        var entries = journey.Stages.Where(s => s.Entry is not null).Select(s => (s.Id, Matcher: new EventMatcher(log, s.Entry!))).ToList();
        var entered = new long[entries.Count];
        for (var c = 0; c < log.CustomerCount; c++)
        {
            for (var s = 0; s < entries.Count; s++)
            {
                var first = entries[s].Matcher.First(c);
                entered[s] = first >= 0 ? log.Timestamps[first] : long.MaxValue;
            }

            for (var i = log.Offsets[c]; i < log.Offsets[c + 1]; i++)
            {
                foreach (var (type, property, matcher) in surveys)
                {
                    if (!matcher.Matches(i) || Number(log.Property(i, property!)) is not { } score)
                    {
                        continue;
                    }

                    string? stage = null;
                    for (var s = 0; s < entries.Count; s++)
                    {
                        if (entered[s] <= log.Timestamps[i])
                        {
                            stage = entries[s].Id;
                        }
                    }

                    if (stage is null)
                    {
                        continue;
                    }

                    if (!result.TryGetValue(stage, out var a))
                    {
                        result[stage] = a = new Answers();
                    }

                    if (type == MetricType.Nps && score is >= 0 and <= 10)
                    {
                        a.NpsAnswers++;
                        a.Promoters += score >= 9 ? 1 : 0;
                        a.Detractors += score <= 6 ? 1 : 0;
                    }
                    else if (type == MetricType.Csat && score is >= 1 and <= 5)
                    {
                        a.CsatAnswers++;
                        a.Satisfied += score >= 4 ? 1 : 0;
                    }
                }
            }
        }

        return result;
    }

    internal static double? Number(object? value) => value switch
    {
        double d => d,
        int i => i,
        long l => l,
        string s when double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static KpiAnalysis Kpi(Journey journey, EventLog log, Metric m, string? stage, HealthAnalysis? health, List<TimeToValue> ttv)
    {
        double? actual = null;
        string? detail = null;
        switch (m.Type)
        {
            case MetricType.Conversion when (StageEntry(journey, m.From) ?? m.FromEvent) is { } from && (StageEntry(journey, m.To) ?? m.ToEvent) is { } to:
                var spec = new FunnelSpec { Steps = [new FunnelStep(from.Event, from.Where), new FunnelStep(to.Event, to.Where)], Window = m.Window ?? journey.Window ?? Unbounded };
                var r = FunnelEngine.Run(log, spec);
                if (r.Steps[0].Customers > 0)
                {
                    actual = (double)r.Steps[1].Customers / r.Steps[0].Customers;
                    detail = $"{r.Steps[1].Customers:N0} of {r.Steps[0].Customers:N0} customers";
                }

                break;
            case MetricType.TimeBetween when (StageEntry(journey, m.From) ?? m.FromEvent) is { } from && (StageEntry(journey, m.To) ?? m.ToEvent) is { } to:
                var t = TimeBetween(log, m, from, to);
                ttv.Add(t);
                actual = t.MedianSeconds;
                detail = $"median of {t.Reached:N0} customers; p90 {(t.P90Seconds is { } p90 ? Duration.FormatApproximate(TimeSpan.FromSeconds(p90)) : "-")}";
                break;
            case MetricType.Retention when m.Event is not null && m.Period is not null && m.PeriodNumber is { } n:
                (actual, detail) = RetentionRate(log, m, n);
                break;
            case MetricType.Nps or MetricType.Csat when m.Event is not null && m.Property is not null:
                (actual, detail) = Survey(log, m);
                break;
            case MetricType.Count when m.Event is not null:
                var count = CountEvents(log, m.Event);
                actual = count;
                detail = $"{count:N0} events";
                break;
            case MetricType.Rate when m.Event is not null:
                (actual, detail) = Rate(journey, log, m);
                break;
            case MetricType.Ratio when m.Event is not null && m.Denominator is not null:
                var numerator = CountEvents(log, m.Event);
                var denominator = CountEvents(log, m.Denominator);
                actual = denominator > 0 ? (double)numerator / denominator : null;
                detail = $"{numerator:N0} / {denominator:N0} events";
                break;
            case MetricType.Sum when m.Event is not null && m.Property is not null:
                (actual, detail) = Sum(log, m);
                break;
            case MetricType.Nrr when m.Event is not null && m.Property is not null && m.Period is { } nrrPeriod:
                (actual, detail) = NetRevenueRetention(log, m, nrrPeriod);
                break;
            case MetricType.ViralCoefficient when m.Event is not null && m.Signup is not null:
                (actual, detail) = ViralCoefficient(log, m.Event, m.Signup);
                break;
            case MetricType.Frequency when m.Event is not null && m.Period is { } per:
                (actual, detail) = Frequency(log, m.Event, per);
                break;
            case MetricType.Score when string.Equals(m.Property, "health", StringComparison.Ordinal) && health?.Average is { } avg:
                actual = avg;
                detail = $"average health of {health.Scored:N0} customers";
                break;
        }

        var ideal = journey.Stages.Select(s => s.Ideal).FirstOrDefault(i => i?.Targets.ContainsKey(m.Id) == true)?.Targets[m.Id];
        return new KpiAnalysis
        {
            Id = m.Id,
            Name = m.Name,
            Stage = stage,
            Type = m.Type,
            Target = m.Target,
            Actual = actual,
            Status = m.Target?.Evaluate(actual) ?? (actual is null ? TargetStatus.NoData : TargetStatus.NoTarget),
            Detail = detail,
            IdealTarget = ideal,
            IdealStatus = ideal?.Evaluate(actual),
        };
    }

    private static EventCondition? StageEntry(Journey journey, string? stageId) =>
        stageId is null ? null : journey.FindStage(stageId)?.Entry;

    private static TimeToValue TimeBetween(EventLog log, Metric m, EventCondition from, EventCondition to)
    {
        var fromMatch = new EventMatcher(log, from);
        var toMatch = new EventMatcher(log, to);
        var times = new List<double>();
        long started = 0;
        long within = 0;
        for (var c = 0; c < log.CustomerCount; c++)
        {
            var a = fromMatch.First(c);
            if (a < 0)
            {
                continue;
            }

            started++;
            var b = toMatch.First(c, log.Timestamps[a]);
            if (b < 0)
            {
                continue;
            }

            var seconds = (log.Timestamps[b] - log.Timestamps[a]) / 1_000_000.0;
            times.Add(seconds);
            if (m.Target?.Evaluate(seconds) == TargetStatus.Met)
            {
                within++;
            }
        }

        times.Sort();
        return new TimeToValue
        {
            Kpi = m.Id,
            From = m.From ?? from.ToString(),
            To = m.To ?? to.ToString(),
            Started = started,
            Reached = times.Count,
            MedianSeconds = Stats.NearestRank(times, 0.5),
            P90Seconds = Stats.NearestRank(times, 0.9),
            ShareWithinTarget = m.Target is not null && started > 0 ? (double)within / started : null,
        };
    }

    /// <summary>
    /// Share of the start cohorts retained in period N, over cohorts whose period N has fully elapsed by the end
    /// of the data (younger cohorts would read as churned when they simply have not had the time).
    /// </summary>
    private static (double?, string?) RetentionRate(EventLog log, Metric m, int n)
    {
        var period = m.Period switch
        {
            Trailmap.Journeys.Model.RetentionPeriod.Day => Retention.RetentionPeriod.Day,
            Trailmap.Journeys.Model.RetentionPeriod.Week => Retention.RetentionPeriod.Week,
            _ => Retention.RetentionPeriod.Month,
        };
        var table = RetentionEngine.Run(log, new RetentionSpec
        {
            StartEvent = new FunnelStep(m.Event!.Event, m.Event.Where),
            ReturnEvent = m.ReturnEvent is { } r ? new FunnelStep(r.Event, r.Where) : null,
            Period = period,
            Periods = n,
            Bucket = RetentionBucket.On,
        });
        var end = DateOnly.FromDateTime(End(log).UtcDateTime);
        long size = 0;
        long retained = 0;
        foreach (var cohort in table.Cohorts)
        {
            var closes = period switch
            {
                Retention.RetentionPeriod.Day => SaturatingCalendar.AddDays(cohort.Cohort, n + 2L),
                Retention.RetentionPeriod.Week => SaturatingCalendar.AddDays(cohort.Cohort, (7L * (n + 1)) + 7),
                _ => SaturatingCalendar.AddMonths(cohort.Cohort, n + 2L),
            };
            if (closes > end || closes == DateOnly.MaxValue)
            {
                continue;
            }

            size += cohort.Size;
            retained += cohort.Retained[n];
        }

        return size > 0 ? ((double)retained / size, $"{retained:N0} of {size:N0} customers in complete cohorts") : (null, "no cohort old enough yet");
    }

    private static (double?, string?) Survey(EventLog log, Metric m)
    {
        var matcher = new EventMatcher(log, m.Event!);
        long answers = 0;
        long high = 0;
        long low = 0;
        for (var i = 0; i < log.EventCount; i++)
        {
            if (!matcher.Matches(i) || Number(log.Property(i, m.Property!)) is not { } score)
            {
                continue;
            }

            if (m.Type == MetricType.Nps && score is >= 0 and <= 10)
            {
                answers++;
                high += score >= 9 ? 1 : 0;
                low += score <= 6 ? 1 : 0;
            }
            else if (m.Type == MetricType.Csat && score is >= 1 and <= 5)
            {
                answers++;
                high += score >= 4 ? 1 : 0;
            }
        }

        if (answers == 0)
        {
            return (null, "no answers");
        }

        return m.Type == MetricType.Nps
            ? (100.0 * (high - low) / answers, $"{high:N0} promoters, {low:N0} detractors of {answers:N0} answers")
            : ((double)high / answers, $"{high:N0} satisfied of {answers:N0} answers");
    }

    private static long CountEvents(EventLog log, EventCondition condition)
    {
        var matcher = new EventMatcher(log, condition);
        if (!matcher.Exists)
        {
            return 0;
        }

        long n = 0;
        for (var i = 0; i < log.EventCount; i++)
        {
            n += matcher.Matches(i) ? 1 : 0;
        }

        return n;
    }

    /// <summary>
    /// Viral coefficient K = i × c: i = invites per existing customer, c = invited signups per invite, so K = invited
    /// signups / existing customers. Existing customers are those in the data without an invited signup of their own
    /// (the invitees are what K counts, not who it counts per); invites sent by invitees still count.
    /// </summary>
    private static (double?, string?) ViralCoefficient(EventLog log, EventCondition invite, EventCondition signup)
    {
        var invites = CountEvents(log, invite);
        if (invites == 0)
        {
            return (null, "no invites");
        }

        var signupMatcher = new EventMatcher(log, signup);
        long invited = 0;
        long existing = 0;
        for (var c = 0; c < log.CustomerCount; c++)
        {
            var joined = false;
            for (var i = log.Offsets[c]; i < log.Offsets[c + 1] && !joined; i++)
            {
                joined = signupMatcher.Exists && signupMatcher.Matches(i);
            }

            invited += joined ? 1 : 0;
            existing += joined ? 0 : 1;
        }

        if (existing == 0)
        {
            return (null, "no customers besides the invited ones");
        }

        var perCustomer = (double)invites / existing;
        var conversion = (double)invited / invites;
        // i × c written as its quotient, so 4 / 10 is exactly 0.4 rather than 1.2 × 0.333... rounded twice.
        return ((double)invited / existing, string.Create(CultureInfo.InvariantCulture,
            $"{invites:N0} invites by {existing:N0} customers ({perCustomer:0.##} each), {invited:N0} signed up ({conversion:0.#%})"));
    }

    /// <summary>
    /// Matching events per customer with at least one, per period: events / customers / periods. The periods are the
    /// span of the data (first to last event of the log) in days, weeks (7 days) or months (30 days), at least one,
    /// so a week of data is never extrapolated into a higher weekly rate.
    /// </summary>
    private static (double?, string?) Frequency(EventLog log, EventCondition condition, Trailmap.Journeys.Model.RetentionPeriod period)
    {
        var matcher = new EventMatcher(log, condition);
        if (!matcher.Exists)
        {
            return (null, "no matching events");
        }

        long events = 0;
        long customers = 0;
        for (var c = 0; c < log.CustomerCount; c++)
        {
            long mine = 0;
            for (var i = log.Offsets[c]; i < log.Offsets[c + 1]; i++)
            {
                mine += matcher.Matches(i) ? 1 : 0;
            }

            events += mine;
            customers += mine > 0 ? 1 : 0;
        }

        if (customers == 0)
        {
            return (null, "no matching events");
        }

        const double MicrosPerDay = 86_400_000_000d;
        var (days, word) = period switch
        {
            Trailmap.Journeys.Model.RetentionPeriod.Day => (1, "days"),
            Trailmap.Journeys.Model.RetentionPeriod.Week => (7, "weeks"),
            _ => (30, "months"),
        };
        var periods = Math.Max(1, (log.Timestamps.Max() - log.Timestamps.Min()) / (days * MicrosPerDay));
        return ((double)events / customers / periods,
            string.Create(CultureInfo.InvariantCulture, $"{events:N0} events by {customers:N0} customers over {periods:0.##} {word}"));
    }

    /// <summary>Share of the customers who reached stage <c>of</c> (all customers without it) with a matching event at or after entering.</summary>
    private static (double?, string?) Rate(Journey journey, EventLog log, Metric m)
    {
        var matcher = new EventMatcher(log, m.Event!);
        var baseEntry = StageEntry(journey, m.Of);
        var baseMatcher = baseEntry is null ? null : new EventMatcher(log, baseEntry);
        long population = 0;
        long hits = 0;
        for (var c = 0; c < log.CustomerCount; c++)
        {
            var from = long.MinValue;
            if (baseMatcher is not null)
            {
                var entry = baseMatcher.First(c);
                if (entry < 0)
                {
                    continue;
                }

                from = log.Timestamps[entry];
            }

            population++;
            hits += matcher.First(c, from) >= 0 ? 1 : 0;
        }

        return population > 0 ? ((double)hits / population, $"{hits:N0} of {population:N0} customers") : (null, "no customers reached the stage");
    }

    /// <summary>
    /// Net revenue retention over the last two whole periods before the data's last event: this period is
    /// (end - P, end], the base period (end - 2P, end - P]. The customers with revenue in the base period; their
    /// revenue this period (expansion, contraction and churn included, new customers not) over their base revenue.
    /// </summary>
    private static (double?, string?) NetRevenueRetention(EventLog log, Metric m, Trailmap.Journeys.Model.RetentionPeriod period)
    {
        if (log.EventCount == 0)
        {
            return (null, "no events");
        }

        var matcher = new EventMatcher(log, m.Event!);
        var length = (period switch { Trailmap.Journeys.Model.RetentionPeriod.Day => 1L, Trailmap.Journeys.Model.RetentionPeriod.Week => 7L, _ => 30L }) * 86_400_000_000L;
        var end = log.Timestamps.Max();
        double baseRevenue = 0;
        double kept = 0;
        long customers = 0;
        for (var c = 0; c < log.CustomerCount; c++)
        {
            double before = 0;
            double now = 0;
            for (var i = log.Offsets[c]; i < log.Offsets[c + 1]; i++)
            {
                if (!matcher.Matches(i) || Number(log.Property(i, m.Property!)) is not { } v)
                {
                    continue;
                }

                var t = log.Timestamps[i];
                if (t > end - length)
                {
                    now += v;
                }
                else if (t > end - (2 * length))
                {
                    before += v;
                }
            }

            if (before > 0)
            {
                baseRevenue += before;
                kept += now;
                customers++;
            }
        }

        return baseRevenue > 0
            ? (kept / baseRevenue, string.Create(CultureInfo.InvariantCulture, $"{kept:0.##} of {baseRevenue:0.##} from {customers:N0} customers"))
            : (null, "no revenue in the base period");
    }

    private static (double?, string?) Sum(EventLog log, Metric m)
    {
        var matcher = new EventMatcher(log, m.Event!);
        double sum = 0;
        long n = 0;
        for (var i = 0; i < log.EventCount; i++)
        {
            if (matcher.Matches(i) && Number(log.Property(i, m.Property!)) is { } v)
            {
                sum += v;
                n++;
            }
        }

        return n > 0 ? (sum, $"over {n:N0} events") : (null, "no events with that property");
    }

    /// <summary>Share of customers with the deadline's anchor who meet the condition within the deadline after it.</summary>
    private static MomentAnalysis Moment(Journey journey, EventLog log, MomentOfTruth mot)
    {
        var result = new MomentAnalysis { Id = mot.Id, Name = mot.Name, Deadline = mot.Deadline?.Text };
        if (MomentTimes(journey, log, mot) is not { } times)
        {
            return result;
        }

        return result with
        {
            Eligible = times.Deadline.LongCount(d => d != StageEntryTable.Never),
            Hit = times.Hit.LongCount(h => h != StageEntryTable.Never),
        };
    }

    /// <summary>
    /// Each customer's deadline and hit for a moment of truth, as <see cref="Analyze(Journey, EventLog, DateTimeOffset?)"/> counts them (the automation's
    /// <c>missed_moment</c> fires at the deadline of a customer without a hit); null when the moment has no condition,
    /// no deadline or no anchor to count from.
    /// </summary>
    public static MomentDeadlines? MomentTimes(Journey journey, EventLog log, MomentOfTruth mot)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(mot);
        if (mot.Condition is null || mot.Deadline is null)
        {
            return null;
        }

        var anchorCondition = mot.Deadline.Of is { } of
            ? journey.FindStage(of)?.Entry ?? new EventCondition { Event = of }
            : journey.Stages.FirstOrDefault(s => s.Entry is not null)?.Entry;
        if (anchorCondition is null)
        {
            return null;
        }

        var anchor = new EventMatcher(log, anchorCondition);
        var condition = new EventMatcher(log, mot.Condition);
        var within = (long)(mot.Deadline.Within.TotalSeconds * 1_000_000);
        var deadlines = new long[log.CustomerCount];
        var hits = new long[log.CustomerCount];
        for (var c = 0; c < log.CustomerCount; c++)
        {
            deadlines[c] = hits[c] = StageEntryTable.Never;
            var a = anchor.First(c);
            if (a < 0)
            {
                continue;
            }

            var start = log.Timestamps[a];
            deadlines[c] = start + within;
            var h = condition.First(c, start);
            if (h >= 0 && log.Timestamps[h] <= start + within)
            {
                hits[c] = log.Timestamps[h];
            }
        }

        return new MomentDeadlines(deadlines, hits);
    }

    private static FunnelSpec StageFunnelSpec(Journey journey, List<Stage> measured) => new()
    {
        // TM020 refuses a window on the first measured stage; it is dropped here too so no caller can crash on it.
        Steps = [.. measured.Select((s, k) => new FunnelStep(s.Entry!.Event, s.Entry.Where, s.Name) { Within = k == 0 ? null : s.EntryWithin })],
        Window = journey.Window ?? Unbounded,
    };

    private static List<PersonaAnalysis> Personas(Journey journey, EventLog log, JourneyMeasurement measurement, List<Stage> measured)
    {
        var result = new List<PersonaAnalysis>();
        if (measurement.StageFunnel is null)
        {
            return result;
        }

        foreach (var persona in journey.Personas.Where(p => p.Traits is not null || p.Cohort is not null))
        {
            // A persona's cohort is its population; with traits as well, a customer must match both.
            var cohort = persona.Cohort is { } id && journey.FindCohort(id) is { } found ? new CohortMembership(log, found) : null;
            var reached = new long[measured.Count];
            long customers = 0;
            for (var c = 0; c < log.CustomerCount; c++)
            {
                var customer = c;
                if ((persona.Traits is { } traits && !traits.Matches(t => log.Trait(customer, t))) || (cohort is not null && !cohort.IsMember(c)))
                {
                    continue;
                }

                customers++;
                var level = measurement.Level(c);
                for (var k = 0; k < level && k < reached.Length; k++)
                {
                    reached[k]++;
                }
            }

            var byStage = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var k = 0; k < measured.Count; k++)
            {
                byStage[measured[k].Id] = reached[k];
            }

            result.Add(new PersonaAnalysis { Id = persona.Id, Name = persona.Name, Customers = customers, Reached = byStage });
        }

        return result;
    }

    private static List<IdealGap> IdealGaps(Journey journey, List<StageAnalysis> stages, List<KpiAnalysis> kpis)
    {
        var gaps = new List<IdealGap>();
        foreach (var stage in journey.Stages.Where(s => s.Ideal is not null))
        {
            var measured = stages.First(s => s.Id == stage.Id);
            if (stage.Ideal!.Emotion is { } idealEmotion)
            {
                gaps.Add(new IdealGap
                {
                    Stage = stage.Id,
                    What = "emotion",
                    Designed = stage.Emotion?.Score?.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
                    Ideal = idealEmotion.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
                    Measured = measured.MeasuredEmotion?.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
                });
            }

            foreach (var (kpiId, target) in stage.Ideal.Targets)
            {
                var kpi = kpis.FirstOrDefault(k => k.Id == kpiId);
                gaps.Add(new IdealGap
                {
                    Stage = stage.Id,
                    What = kpi?.Name ?? kpiId,
                    Designed = kpi?.Target?.Text,
                    Ideal = target.Text,
                    Measured = kpi?.Actual is { } a ? target.FormatValue(a) : null,
                    Status = target.Evaluate(kpi?.Actual),
                });
            }
        }

        return gaps;
    }

    /// <summary>
    /// The health section; with <paramref name="keep"/>, every customer's score (NaN when not scored) and weakest
    /// component from the same pass, which is what a measurement holds for the customer pages.
    /// </summary>
    internal static HealthAnalysis Health(Journey journey, HealthModel model, EventLog log, DateTimeOffset asOf, (double[] Score, string?[] Weakest)? keep = null)
    {
        var population = StageEntry(journey, model.Stage) is { } entry ? new EventMatcher(log, entry) : null;
        var now = EventLogBuilder.ToMicros(asOf);
        var before = now - (long)(model.TrendPeriod.TotalSeconds * 1_000_000);
        var scorer = new HealthScorer(model, log);
        var scores = new List<(string Customer, double Score, string Weakest)>();
        var distribution = new long[10];
        var componentSums = new double[model.Components.Count];
        var componentCounts = new long[model.Components.Count];
        double previousSum = 0;
        long previousCount = 0;
        for (var c = 0; c < log.CustomerCount; c++)
        {
            if (log.Timestamps[log.Offsets[c]] > now || population?.First(c) is < 0)
            {
                continue;
            }

            if (scorer.Score(c, now, componentSums, componentCounts) is { } s)
            {
                if (keep is { } k)
                {
                    k.Score[c] = s.Score;
                    k.Weakest[c] = s.Weakest;
                }

                scores.Add((log.Customers[c], s.Score, s.Weakest));
                distribution[Math.Min((int)(s.Score / 10), 9)]++;
            }

            if (log.Timestamps[log.Offsets[c]] <= before && scorer.Score(c, before, null, null) is { } p)
            {
                previousSum += p.Score;
                previousCount++;
            }
        }

        var atRisk = scores.Where(s => s.Score < model.AtRiskBelow).OrderBy(s => s.Score).ThenBy(s => s.Customer, StringComparer.Ordinal).ToList();
        var averages = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < model.Components.Count; i++)
        {
            if (componentCounts[i] > 0)
            {
                averages[model.Components[i].Id] = componentSums[i] / componentCounts[i];
            }
        }

        return new HealthAnalysis
        {
            AsOf = asOf,
            Scored = scores.Count,
            Average = scores.Count > 0 ? scores.Average(s => s.Score) : null,
            PreviousAverage = previousCount > 0 ? previousSum / previousCount : null,
            Red = scores.Count(s => HealthModel.Band(s.Score) == "red"),
            Yellow = scores.Count(s => HealthModel.Band(s.Score) == "yellow"),
            Green = scores.Count(s => HealthModel.Band(s.Score) == "green"),
            Distribution = distribution,
            ComponentAverages = averages,
            AtRiskCount = atRisk.Count,
            AtRisk = [.. atRisk.Take(20).Select(s => new AtRiskCustomer(s.Customer, s.Score, HealthModel.Band(s.Score), s.Weakest))],
        };
    }
}
