using System.Globalization;
using System.Text.RegularExpressions;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Generation;

/// <summary>A persona's share of the generated customers and how much better or worse it converts.</summary>
public sealed record PersonaPlan(Persona Persona, double Share, double ConversionMultiplier);

/// <summary>The step from one stage into the next: how likely, how long it takes, and which KPI or rule set that.</summary>
public sealed record TransitionPlan(Stage From, Stage To, double Probability, TimeSpan MedianDelay, string Basis);

/// <summary>The value the generator aims a KPI at, and whether that aim meets, misses or nearly misses its target.</summary>
public sealed record KpiAim(Metric Metric, double Aim, TargetStatus Intended);

internal enum EmitKind { Rate, Count, Ratio, Nps, Csat, Retention, Sum }

/// <summary>Events emitted for one metric by customers who reached <see cref="Stage"/>.</summary>
internal sealed record MetricEmission(Metric Metric, EmitKind Kind, int Stage, double Aim);

/// <summary>
/// What the generator derives from a journey before it simulates anyone: persona shares, the conversion and delay of
/// each transition, and the value each KPI is aimed at. Public so docs, tests and the CLI can show the model.
/// </summary>
public sealed partial class GenerationPlan
{
    private GenerationPlan(Journey journey) => Journey = journey;

    public Journey Journey { get; }

    /// <summary>Personas that have a <c>traits</c> filter, with their shares; empty when no persona has one.</summary>
    public IReadOnlyList<PersonaPlan> Personas { get; private init; } = [];

    /// <summary><c>Transitions[k - 1]</c> leads from stage k-1 into stage k.</summary>
    public IReadOnlyList<TransitionPlan> Transitions { get; private init; } = [];

    /// <summary>Every KPI the generator steers, in the journey's order.</summary>
    public IReadOnlyList<KpiAim> Aims { get; private init; } = [];

    /// <summary>Event names the generator may emit for this journey, noise included.</summary>
    public IReadOnlySet<string> EventNames { get; private init; } = new HashSet<string>();

    internal IReadOnlyList<MetricEmission> Emissions { get; private init; } = [];
    internal IReadOnlyList<EventCondition> ActivityEvents { get; private init; } = [];
    internal IReadOnlyList<(EventCondition Trigger, int Stage)> Triggers { get; private init; } = [];
    internal IReadOnlyList<MetricEmission> Sums { get; private init; } = [];
    internal IReadOnlySet<string> EntryNames { get; private init; } = new HashSet<string>();

    /// <summary>
    /// The probability that a customer of persona <paramref name="persona"/> (an index into <see cref="Personas"/>, or -1
    /// without personas) who reached stage <c>transition</c> goes on to stage <c>transition + 1</c>.
    /// </summary>
    public double ConversionProbability(int transition, int persona, double conversionScale = 1.0)
    {
        var multiplier = persona >= 0 && persona < Personas.Count ? Personas[persona].ConversionMultiplier : 1.0;
        return Math.Clamp(Transitions[transition].Probability * multiplier * conversionScale, 0, BehaviourModel.MaxConversion);
    }

    /// <summary>Derives the plan of a journey; it depends only on the journey, never on the seed.</summary>
    public static GenerationPlan For(Journey journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        var stages = journey.Stages;
        var stageIndex = stages.Select((s, i) => (s.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var entryNames = new HashSet<string>(stages.Skip(1).Where(s => s.Entry is not null).Select(s => s.Entry!.Event));

        // Which stage each metric belongs to: the stage that declares it, else its 'of' stage, else none.
        var owned = new List<(Metric Metric, int? Stage)>();
        for (var i = 0; i < stages.Count; i++)
        {
            owned.AddRange(stages[i].Kpis.Select(k => (k, (int?)i)));
        }

        owned.AddRange(journey.Metrics.Select(m => (m, m.Of is { } of && stageIndex.TryGetValue(of, out var s) ? (int?)s : null)));

        // Transition a conversion or time-between metric describes, when it spans exactly one step.
        int? StepOf(Metric m, int? stage)
        {
            var to = m.To is { } t && stageIndex.TryGetValue(t, out var ti) ? ti : stage;
            var from = m.From is { } f && stageIndex.TryGetValue(f, out var fi) ? fi : to - 1;
            return to is { } x && from is { } y && x == y + 1 && x >= 1 ? x : null;
        }

        var conversionOf = new Dictionary<int, Metric>();
        var delayOf = new Dictionary<int, Metric>();
        foreach (var (m, stage) in owned)
        {
            if (m.Type == MetricType.Conversion && StepOf(m, stage) is { } step && m.Target is not null)
            {
                conversionOf.TryAdd(step, m);
            }
            else if (m.Type == MetricType.TimeBetween && StepOf(m, stage) is { } step2 && m.Target?.Unit == TargetUnit.Duration)
            {
                delayOf.TryAdd(step2, m);
            }
        }

        // A rate on stage k-1 whose event is stage k's entry (saas: 'visitors who start a trial') is that transition.
        var rateOf = new Dictionary<int, Metric>();
        foreach (var (m, stage) in owned)
        {
            if (m.Type == MetricType.Rate && stage is { } s && s + 1 < stages.Count && m.Target is not null
                && m.Event?.Event == stages[s + 1].Entry?.Event && !conversionOf.ContainsKey(s + 1))
            {
                rateOf.TryAdd(s + 1, m);
            }
        }

        // Pass 1: decide what each metric drives, so the met/missed cycle counts only metrics the generator steers.
        var steered = new List<(Metric Metric, int? Stage)>();
        var emissions = new List<(Metric Metric, EmitKind Kind, int Stage)>();
        var sums = new List<Metric>();
        foreach (var (m, stage) in owned)
        {
            var home = stage ?? (m.Type is MetricType.Nps or MetricType.Csat ? stages.Count - 1 : 0);
            var steers = false;
            switch (m.Type)
            {
                case MetricType.Conversion:
                    steers = conversionOf.ContainsValue(m);
                    break;
                case MetricType.TimeBetween:
                    steers = delayOf.ContainsValue(m);
                    break;
                case MetricType.Rate when m.Event is not null:
                    if (rateOf.ContainsValue(m))
                    {
                        steers = true;
                    }
                    else if (!entryNames.Contains(m.Event.Event))
                    {
                        steers = m.Target is not null;
                        emissions.Add((m, EmitKind.Rate, home));
                    }

                    break;
                case MetricType.Ratio when m.Event is not null:
                    var numeratorIsEntry = entryNames.Contains(m.Event.Event) && m.Event.Event != m.Denominator?.Event;
                    steers = m.Target is not null && !numeratorIsEntry;
                    emissions.Add((m, EmitKind.Ratio, home));
                    break;
                case MetricType.Nps or MetricType.Csat when m.Event is not null:
                    steers = m.Target is not null;
                    emissions.Add((m, m.Type == MetricType.Nps ? EmitKind.Nps : EmitKind.Csat, home));
                    break;
                case MetricType.Retention when m.Event is not null && m.ReturnEvent is not null:
                    var start = stages.ToList().FindIndex(s => s.Entry?.Event == m.Event.Event);
                    if (start >= 0)
                    {
                        steers = m.Target is not null;
                        emissions.Add((m, EmitKind.Retention, start));
                    }

                    break;
                case MetricType.Count when m.Event is not null && !entryNames.Contains(m.Event.Event):
                    emissions.Add((m, EmitKind.Count, home));
                    break;
                case MetricType.Sum when m.Event is not null:
                    sums.Add(m);
                    break;
            }

            if (steers)
            {
                steered.Add((m, stage));
            }
        }

        var aims = new List<KpiAim>();
        for (var i = 0; i < steered.Count; i++)
        {
            var intended = (i % BehaviourModel.TargetCycle) switch
            {
                1 => TargetStatus.Missed,
                3 => TargetStatus.AtRisk,
                _ => TargetStatus.Met,
            };
            aims.Add(new KpiAim(steered[i].Metric, AimAt(steered[i].Metric, intended), intended));
        }

        double AimOf(Metric m, double fallback) => aims.FirstOrDefault(a => a.Metric == m)?.Aim ?? fallback;

        var offsets = stages.Select(s => StartDay(s.Timeframe)).ToList();
        var transitions = new List<TransitionPlan>();
        for (var k = 1; k < stages.Count; k++)
        {
            var (probability, basis) = conversionOf.TryGetValue(k, out var c) ? (AimOf(c, BehaviourModel.DefaultConversion), $"KPI {c.Id} {c.Target}")
                : rateOf.TryGetValue(k, out var r) ? (AimOf(r, BehaviourModel.DefaultConversion), $"KPI {r.Id} {r.Target}")
                : (BehaviourModel.DefaultConversion, "default");
            var median = delayOf.TryGetValue(k, out var d) ? TimeSpan.FromSeconds(AimOf(d, BehaviourModel.DefaultDelay.TotalSeconds))
                : offsets[k - 1] is { } a && offsets[k] is { } b ? (b > a ? TimeSpan.FromDays(b - a) : BehaviourModel.SameDayDelay)
                : BehaviourModel.DefaultDelay;
            if (journey.Window is { } window && median > window.Span * BehaviourModel.WindowCap)
            {
                median = window.Span * BehaviourModel.WindowCap / 2;
            }

            transitions.Add(new TransitionPlan(stages[k - 1], stages[k], Math.Clamp(probability, 0, BehaviourModel.MaxConversion), median, basis));
        }

        var personas = journey.Personas.Where(p => p.Traits is not null).ToList();
        var personaPlans = personas.Count switch
        {
            0 => [],
            1 => [new PersonaPlan(personas[0], 1.0, 1.0)],
            _ => personas.Select((p, i) => i == 0
                ? new PersonaPlan(p, BehaviourModel.FirstPersonaShare, BehaviourModel.FirstPersonaConversion)
                : new PersonaPlan(p, (1 - BehaviourModel.FirstPersonaShare) / (personas.Count - 1), BehaviourModel.OtherPersonaConversion)).ToList(),
        };

        var emitted = new HashSet<string>(stages.Where(s => s.Entry is not null).Select(s => s.Entry!.Event));
        foreach (var (m, _, _) in emissions)
        {
            emitted.Add(m.Event!.Event);
            if (m.Denominator is not null)
            {
                emitted.Add(m.Denominator.Event);
            }

            if (m.ReturnEvent is not null)
            {
                emitted.Add(m.ReturnEvent.Event);
            }
        }

        foreach (var mot in journey.MomentsOfTruth)
        {
            if (mot.Condition is not null && !entryNames.Contains(mot.Condition.Event))
            {
                emitted.Add(mot.Condition.Event);
            }

            if (mot.Deadline?.Of is { } of && !stageIndex.ContainsKey(of))
            {
                emitted.Add(of);
            }
        }

        // Inactivity rules watch these events, and goals are what the rules hope for: both belong in everyday activity.
        var activity = journey.Interventions
            .SelectMany(i => new[] { i.When.InactiveEvent, i.Goal })
            .OfType<EventCondition>()
            .Where(e => !entryNames.Contains(e.Event))
            .DistinctBy(e => e.ToString())
            .ToList();
        emitted.UnionWith(activity.Select(a => a.Event));
        emitted.UnionWith(BehaviourModel.NoiseEvents);

        var triggers = new List<(EventCondition, int)>();
        foreach (var i in journey.Interventions)
        {
            if (i.When.Event is { } e && !emitted.Contains(e.Event))
            {
                triggers.Add((e, i.Stage is { } s && stageIndex.TryGetValue(s, out var si) ? si : 0));
                emitted.Add(e.Event);
            }
        }

        // A sum adds an amount to events something else emits; only when nothing does, paying customers emit it.
        var sumEmissions = new List<MetricEmission>();
        foreach (var m in sums)
        {
            sumEmissions.Add(new MetricEmission(m, EmitKind.Sum, Math.Max(0, stages.Count - 1), emitted.Contains(m.Event!.Event) ? 0 : 1));
            emitted.Add(m.Event!.Event);
        }

        return new GenerationPlan(journey)
        {
            Personas = personaPlans,
            Transitions = transitions,
            Aims = aims,
            EventNames = emitted,
            Emissions = [.. emissions.Select(e => new MetricEmission(e.Metric, e.Kind, e.Stage, AimOf(e.Metric, DefaultAim(e.Metric))))],
            ActivityEvents = activity,
            Triggers = triggers,
            Sums = sumEmissions,
            EntryNames = entryNames,
        };
    }

    /// <summary>The value a metric is aimed at when it has no target.</summary>
    private static double DefaultAim(Metric m) => m.Type switch
    {
        MetricType.Nps => 30,
        MetricType.Csat => 0.8,
        _ => 0.3,
    };

    /// <summary>
    /// Aims a target: "at least" bounds are multiplied by <see cref="BehaviourModel.MetFactor"/>,
    /// <see cref="BehaviourModel.MissedFactor"/> or <see cref="BehaviourModel.AtRiskFactor"/>; "at most" bounds are
    /// divided by them; ranges aim at their middle when met and below their lower end otherwise; NPS moves by points.
    /// </summary>
    internal static double AimAt(Metric metric, TargetStatus intended)
    {
        var t = metric.Target!;
        var factor = intended switch
        {
            TargetStatus.Met => BehaviourModel.MetFactor,
            TargetStatus.Missed => BehaviourModel.MissedFactor,
            _ => BehaviourModel.AtRiskFactor,
        };
        var upward = t.Comparison is TargetComparison.AtLeast or TargetComparison.MoreThan or TargetComparison.Equal;
        if (metric.Type == MetricType.Nps)
        {
            var shift = intended switch
            {
                TargetStatus.Met => BehaviourModel.NpsMargin,
                TargetStatus.Missed => -1.25 * BehaviourModel.NpsMargin,
                _ => -0.05 * Math.Abs(t.Value),
            };
            var nps = t.Comparison == TargetComparison.Between ? (intended == TargetStatus.Met ? (t.Value + t.UpperValue!.Value) / 2 : t.Value + shift)
                : upward ? t.Value + shift : t.Value - shift;
            return Math.Clamp(nps, -70, 70);
        }

        var aim = t.Comparison switch
        {
            TargetComparison.Between => intended == TargetStatus.Met ? (t.Value + t.UpperValue!.Value) / 2 : t.Value * factor,
            TargetComparison.Equal => t.Value,
            _ when upward => t.Value * factor,
            _ => t.Value / factor,
        };
        if (t.Unit == TargetUnit.Percent || metric.Type is MetricType.Conversion or MetricType.Rate or MetricType.Retention or MetricType.Csat)
        {
            // Near the top a 15% lift would pass 100%; go halfway to 100% instead.
            if (upward && intended == TargetStatus.Met && aim > t.Value + ((1 - t.Value) / 2))
            {
                aim = t.Value + ((1 - t.Value) / 2);
            }

            aim = Math.Clamp(aim, 0.001, BehaviourModel.MaxConversion);
        }

        return aim;
    }

    /// <summary>The day a stage starts according to its timeframe: "Day 1-3" is 1, "Month 3 onwards" 91, "Years 2+" 730.</summary>
    internal static double? StartDay(string? timeframe)
    {
        if (timeframe is null)
        {
            return null;
        }

        var m = TimeframePattern().Match(timeframe);
        if (m.Success)
        {
            var n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            return char.ToLowerInvariant(m.Groups["u"].Value[0]) switch
            {
                'd' => n,
                'w' => n * 7,
                'm' => Math.Round(n * 30.44),
                _ => n * 365,
            };
        }

        return timeframe.Contains("session", StringComparison.OrdinalIgnoreCase) ? 0 : null;
    }

    [GeneratedRegex(@"\b(?<u>day|week|month|year)s?\s+(?<n>\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex TimeframePattern();
}
