using System.Globalization;
using System.Text;
using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Writing;

namespace Trailmap.Discovery.Discover;

/// <summary>
/// <c>trailmap discover</c>: proposes a journey from an event log alone. Stages are the milestone events customers
/// reach in a consistent order (<see cref="MilestoneFinder"/>); the journey's window covers 95% of the measured steps;
/// KPIs carry the analyzer's own actuals as baselines and a suggested target; moments of truth and personas are
/// candidates with the counts and intervals behind them. The result is written as YAML and validated.
/// </summary>
public static class JourneyDiscoverer
{
    /// <summary>A suggested share target improves the baseline by this factor, but goes at most halfway to 100%.</summary>
    public const double TargetImprovement = 1.10;

    /// <summary>A suggested time target is this share of the measured median.</summary>
    public const double TimeTargetShare = 0.9;

    public static DiscoveredJourney Discover(EventLog log, DiscoveryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        options ??= new DiscoveryOptions();
        options.Check();
        var basis = Basis(log);
        var reach = FirstTimes.ReachOfEveryEvent(log);
        var times = FirstTimes.Measure(log, reach, options);
        var orders = MilestoneFinder.Orders(times);
        var chain = MilestoneFinder.Chain(times, orders, options);
        if (chain.Count < 2)
        {
            throw new DiscoveryException(chain.Count == 0 && times.Count == 0
                ? $"no event is reached by {options.MinCustomers} customers or more ({basis.Customers:N0} customers, {basis.Events:N0} events); import more events or lower --min-customers"
                : $"no two events are reached in a consistent order (at least {Pct(options.Consistency)} of at least {options.MinCustomers} customers who reached both); lower --consistency or --min-customers, or import more history");
        }

        var ids = StageIds(chain.Select(k => times.Candidates[k]).ToList());
        var stages = new List<DiscoveredStage>();
        for (var s = 0; s < chain.Count; s++)
        {
            var order = s == 0 ? default : orders[chain[s - 1], chain[s]];
            stages.Add(new DiscoveredStage(ids[s], times.Candidates[chain[s]], times.Reach[chain[s]], order.Both, s == 0 ? null : order.Share,
                s == 0 ? null : Step(times, chain[s - 1], chain[s])));
        }

        var window = NiceDuration(stages.Skip(1).Max(s => s.FromPrevious?.P95Seconds ?? 0), roundUp: true);
        var endToEnd = Step(times, chain[0], chain[^1]);
        var anchor = Anchor(chain.Count);
        var deadline = NiceDuration(Step(times, chain[anchor], chain[^1])?.MedianSeconds ?? window.TotalSeconds, roundUp: true);
        var moments = MomentFinder.Find(times, chain, chain[anchor], deadline, options);
        var personas = PersonaFinder.Find(times, chain, chain[anchor], options);

        var draft = Build(stages, moments, personas, basis, window, endToEnd, options, baselines: null);
        var analysis = JourneyAnalyzer.Analyze(draft, log);
        var baselines = analysis.Kpis.ToDictionary(k => k.Id, k => (k.Actual, k.Detail), StringComparer.Ordinal);
        var journey = Build(stages, moments, personas, basis, window, endToEnd, options, baselines);
        var yaml = Header(basis, options) + JourneyYamlWriter.Write(journey);
        var file = JourneyFile.FromText(yaml, $"{options.JourneyId}.yaml");
        return new DiscoveredJourney(file.Journey ?? journey, yaml, file.Diagnostics, basis, stages, moments, personas,
            baselines.ToDictionary(b => b.Key, b => b.Value.Actual, StringComparer.Ordinal));
    }

    /// <summary>
    /// The stage whose customers moments and personas are measured on: the second when there are three stages or
    /// more, because the first is usually an everyday event (a visit, a view) that nearly everyone has, and what
    /// matters is what separates the customers who started from those who finished.
    /// </summary>
    public static int Anchor(int stageCount) => stageCount >= 3 ? 1 : 0;

    private static DiscoveryBasis Basis(EventLog log)
    {
        if (log.EventCount == 0)
        {
            return new DiscoveryBasis(0, 0, null, null);
        }

        long min = long.MaxValue, max = long.MinValue;
        foreach (var t in log.Timestamps)
        {
            min = Math.Min(min, t);
            max = Math.Max(max, t);
        }

        return new DiscoveryBasis(log.CustomerCount, log.EventCount, EventLogBuilder.FromMicros(min), EventLogBuilder.FromMicros(max));
    }

    private static string Header(DiscoveryBasis basis, DiscoveryOptions options) =>
        $"# Proposed by 'trailmap discover' from {basis.Events:N0} events of {basis.Customers:N0} customers, {Period(basis)}.\n" +
        $"# Stages: events that customers reach in a consistent order (at least {Pct(options.Consistency)} of the customers who reached two of them,\n" +
        $"# at least {options.MinCustomers} customers each). Targets are suggestions; names, personas and moments are candidates to review.\n";

    /// <summary>The period a discovery rests on, for the file and the terminal.</summary>
    public static string Period(DiscoveryBasis basis) => basis.From is { } from && basis.To is { } to
        ? $"{from.UtcDateTime:yyyy-MM-dd HH:mm} to {to.UtcDateTime:yyyy-MM-dd HH:mm} UTC"
        : "no events";

    private static StepTime? Step(FirstTimes times, int from, int to)
    {
        var log = times.Log;
        var seconds = new List<double>();
        for (var c = 0; c < log.CustomerCount; c++)
        {
            var start = times.First(c, from);
            if (start < 0)
            {
                continue;
            }

            var end = times.FirstAtOrAfter(c, to, start);
            if (end >= 0)
            {
                seconds.Add((log.Timestamps[end] - log.Timestamps[start]) / 1e6);
            }
        }

        if (seconds.Count == 0)
        {
            return null;
        }

        seconds.Sort();
        return new StepTime(seconds.Count, NearestRank(seconds, 0.5), NearestRank(seconds, 0.9), NearestRank(seconds, 0.95));
    }

    /// <summary>The nearest-rank percentile of sorted values, as the analyzer reports medians.</summary>
    internal static double NearestRank(IReadOnlyList<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>A duration in one whole unit: minutes under an hour, hours under two days, else days (at least 1m).</summary>
    internal static Duration NiceDuration(double seconds, bool roundUp)
    {
        static double Round(double v, bool up) => Math.Max(1, up ? Math.Ceiling(v - 1e-9) : Math.Round(v));
        var text = seconds < 3600 ? $"{Round(seconds / 60, roundUp)}m"
            : seconds < 2 * 86400 ? $"{Round(seconds / 3600, roundUp)}h"
            : $"{Round(seconds / 86400, roundUp)}d";
        return Duration.Parse(text);
    }

    private static List<string> StageIds(IReadOnlyList<string> events)
    {
        var ids = new List<string>();
        foreach (var e in events)
        {
            var slug = Slug(e);
            var id = slug.Length == 0 ? $"stage-{ids.Count + 1}" : slug;
            for (var n = 2; ids.Contains(id); n++)
            {
                id = $"{slug}-{n}";
            }

            ids.Add(id);
        }

        return ids;
    }

    /// <summary>An id made from a name: lowercase letters, digits and single dashes.</summary>
    public static string Slug(string text)
    {
        var sb = new StringBuilder();
        foreach (var ch in text.ToLowerInvariant())
        {
            if (ch is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                sb.Append(ch);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        var slug = sb.ToString().Trim('-');
        return slug.Length > 0 && char.IsDigit(slug[0]) ? "e-" + slug : slug;
    }

    private static string Pct(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A share target: the baseline improved by <see cref="TargetImprovement"/>, at most halfway to 100%.</summary>
    internal static Target ShareTarget(double baseline)
    {
        var aim = Math.Min(baseline * TargetImprovement, baseline + ((1 - baseline) / 2));
        var percent = Math.Round(aim * 100, 1);
        return Target.Parse(">= " + percent.ToString("0.#", CultureInfo.InvariantCulture) + "%");
    }

    /// <summary>A volume target: the baseline count improved by <see cref="TargetImprovement"/>, rounded up to a whole event.</summary>
    internal static Target VolumeTarget(double baseline) =>
        Target.Parse(">= " + Math.Ceiling((baseline * TargetImprovement) - 1e-9).ToString("0", CultureInfo.InvariantCulture));

    private static Journey Build(
        IReadOnlyList<DiscoveredStage> stages,
        IReadOnlyList<MomentCandidate> moments,
        IReadOnlyList<PersonaCandidate> personas,
        DiscoveryBasis basis,
        Duration window,
        StepTime? endToEnd,
        DiscoveryOptions options,
        IReadOnlyDictionary<string, (double? Actual, string? Detail)>? baselines)
    {
        (Target? Target, string Text) Share(string kpi)
        {
            if (baselines is null || !baselines.TryGetValue(kpi, out var b) || b.Actual is not { } actual)
            {
                return (null, "no baseline: no customer to measure it on");
            }

            var target = ShareTarget(actual);
            return (target, $"Baseline {Pct(actual)} ({b.Detail}); suggested target {target.Text} (10% better than the baseline, at most halfway to 100%).");
        }

        (Target? Target, string Text) Volume(string kpi, string eventName)
        {
            if (baselines is null || !baselines.TryGetValue(kpi, out var b) || b.Actual is not { } actual || actual <= 0)
            {
                return (null, $"no baseline: no '{eventName}' events");
            }

            var target = VolumeTarget(actual);
            return (target, $"Baseline {N((long)actual)} '{eventName}' events in {Period(basis)}; suggested target {target.Text} over a period as long (10% more). A count grows with the period it is measured over: compare it over periods of the same length.");
        }

        var based = $"{N(basis.Customers)} customers, {N(basis.Events)} events, {Period(basis)}";
        var built = new List<Stage>();
        for (var s = 0; s < stages.Count; s++)
        {
            var stage = stages[s];
            var description = new StringBuilder($"Entry: the first '{stage.Event}', reached by {N(stage.Reached)} of {N(basis.Customers)} customers.");
            if (s > 0)
            {
                description.Append(CultureInfo.InvariantCulture, $" Of the {N(stage.OrderCustomers)} customers who reached both, {Pct(stage.OrderConsistency ?? 0)} reached '{stages[s - 1].Event}' first.");
                if (stage.FromPrevious is { } step)
                {
                    description.Append(CultureInfo.InvariantCulture, $" Time from '{stages[s - 1].Event}': median {Duration.FormatApproximate(TimeSpan.FromSeconds(step.MedianSeconds))}, p90 {Duration.FormatApproximate(TimeSpan.FromSeconds(step.P90Seconds))}, over {N(step.Customers)} customers.");
                }
            }

            Metric kpi;
            if (s == 0)
            {
                // The first stage's own volume: the step from it to the second stage is already the second stage's
                // conversion KPI, and a rate of its customers reaching the second event would measure that step twice.
                var id = $"{stage.Id}-volume";
                var (target, text) = Volume(id, stage.Event);
                kpi = new Metric
                {
                    Id = id,
                    Name = $"'{stage.Event}' events",
                    Type = MetricType.Count,
                    Event = new EventCondition { Event = stage.Event },
                    Target = target,
                    Description = text,
                };
            }
            else
            {
                var id = $"{stage.Id}-conversion";
                var (target, text) = Share(id);
                kpi = new Metric
                {
                    Id = id,
                    Name = $"'{stages[s - 1].Event}' to '{stage.Event}' within {window.Text}",
                    Type = MetricType.Conversion,
                    From = stages[s - 1].Id,
                    To = stage.Id,
                    Target = target,
                    Description = text,
                };
            }

            built.Add(new Stage
            {
                Id = stage.Id,
                Name = stage.Event,
                Description = description.ToString(),
                Entry = new EventCondition { Event = stage.Event },
                Kpis = [kpi],
            });
        }

        var (first, last) = (stages[0], stages[^1]);
        var endId = "end-to-end";
        var (endTarget, endText) = Share(endId);
        var metrics = new List<Metric>
        {
            new()
            {
                Id = endId,
                Name = $"'{first.Event}' to '{last.Event}'",
                Type = MetricType.Conversion,
                From = first.Id,
                To = last.Id,
                Target = endTarget,
                Description = endText,
            },
        };
        if (endToEnd is { } e2e)
        {
            var median = TimeSpan.FromSeconds(e2e.MedianSeconds);
            var aim = NiceDuration(e2e.MedianSeconds * TimeTargetShare, roundUp: false);
            metrics.Add(new Metric
            {
                Id = $"time-to-{last.Id}",
                Name = $"Time from '{first.Event}' to '{last.Event}'",
                Type = MetricType.TimeBetween,
                From = first.Id,
                To = last.Id,
                Target = Target.Parse("<= " + aim.Text),
                Description = $"Baseline median {Duration.FormatApproximate(median)} over {N(e2e.Customers)} customers; suggested target {aim.Text}, 10% faster.",
            });
        }

        return new Journey
        {
            Id = options.JourneyId,
            Title = $"Journey discovered from {N(basis.Customers)} customers",
            Description = $"Proposed by trailmap discover from {based}. Stages are the events customers reach in a consistent order; each KPI carries today's actual as its baseline and a suggested target. Review the names, targets, moments of truth and personas before use.",
            Tags = ["discovered"],
            Window = window,
            Personas = [.. personas.Select(p => Persona(p, stages[Anchor(stages.Count)], last))],
            Stages = built,
            MomentsOfTruth = [.. moments.Select(m => Moment(m, stages))],
            Metrics = metrics,
        };
    }

    private static Persona Persona(PersonaCandidate p, DiscoveredStage anchor, DiscoveredStage last) => new()
    {
        Id = Slug($"segment {p.Trait} {p.Value}") is { Length: > 0 } id ? id : "segment",
        Name = $"Customers with {p.Trait} = {p.Value}",
        Role = $"Candidate persona: {N(p.MembersConverted)} of {N(p.Members)} ({Pct((double)p.MembersConverted / p.Members)}) of these '{anchor.Event}' customers reach '{last.Event}', against {N(p.RestConverted)} of {N(p.Rest)} ({Pct((double)p.RestConverted / p.Rest)}) of the rest; difference {Points(p.Difference.Estimate)} points, 95% CI {Points(p.Difference.Low)} to {Points(p.Difference.High)}.",
        Traits = Filter.Parse(p.Filter),
    };

    private static MomentOfTruth Moment(MomentCandidate m, IReadOnlyList<DiscoveredStage> stages)
    {
        var (anchor, last) = (stages[Anchor(stages.Count)], stages[^1]);
        var exposedRate = (double)m.ExposedConverted / m.Exposed;
        var restRate = (double)m.UnexposedConverted / m.Unexposed;
        return new MomentOfTruth
        {
            Id = "early-" + (Slug(m.Event) is { Length: > 0 } s ? s : "event"),
            Name = $"'{m.Event}' within {m.Deadline.Text} of '{anchor.Event}'",
            Stage = anchor.Id,
            Condition = new EventCondition { Event = m.Event },
            Deadline = Deadline.TryParse($"within {m.Deadline.Text} of {anchor.Id}", out var d, out _) ? d : null,
            Impact = $"Candidate: of the customers who reached '{anchor.Event}', {N(m.ExposedConverted)} of {N(m.Exposed)} ({Pct(exposedRate)}) who did it in time reach '{last.Event}', against {N(m.UnexposedConverted)} of {N(m.Unexposed)} ({Pct(restRate)}) who did not; lift {Points(m.Lift.Estimate)} points, 95% CI {Points(m.Lift.Low)} to {Points(m.Lift.High)}. An association, not proof of cause.",
        };
    }

    private static string Points(double difference) =>
        (difference >= 0 ? "+" : "") + (difference * 100).ToString("0.0", CultureInfo.InvariantCulture);
}

/// <summary>The events do not support a journey (too few customers, no consistent order); the message says what to change.</summary>
public sealed class DiscoveryException(string message) : Exception(message);
