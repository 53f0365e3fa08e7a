using System.Globalization;
using System.Text;
using Trailmap.Analytics.Journeys;
using Trailmap.Automation.Backtest;
using Trailmap.Discovery.Discover;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Validation;
using Trailmap.Journeys.Writing;

namespace Trailmap.Discovery.Suggest;

/// <summary>A shortfall a suggestion addresses: the bottleneck or a missed KPI, between two stages.</summary>
public sealed record ConversionGap(string What, string FromStage, string ToStage, double Shortfall);

/// <summary>A proposed intervention, the gap behind it, what the backtest says it would have done, and its rank score.</summary>
public sealed record Suggestion(Intervention Intervention, ConversionGap Gap, string Basis, long Triggered, long HeldOut, long Messaged, double Score)
{
    /// <summary>Firings the backtest could not have messaged: no address on the rule's channel (no email trait for an email).</summary>
    public long Unreachable { get; init; }
}

/// <summary>The ranked suggestions and the intervention YAML to review and add.</summary>
public sealed record SuggestionReport(IReadOnlyList<Suggestion> Suggestions, string Yaml, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>Each missed KPI no rule was proposed for, and why (e.g. its stage has no open opportunity on the map to build a message from).</summary>
    public IReadOnlyList<string> Unaddressed { get; init; } = [];
}

public sealed record SuggestOptions
{
    /// <summary>The backtest period; null means from the day of the first event to the day after the last.</summary>
    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Share of customers each suggested rule holds out, so its lift can be measured.</summary>
    public double Holdout { get; init; } = 0.1;

    public int MaxSuggestions { get; init; } = 5;
}

/// <summary>
/// <c>trailmap suggest</c>: for the bottleneck and each missed KPI of a measured journey, proposes rules from the map's
/// own pain points, opportunities and moments of truth ("stuck in stage X longer than its 75th percentile", "did not
/// reach the moment of truth by its deadline"), backtests each alone with the existing backtest, and ranks them by the
/// customers they would reach times the conversion gap they address.
/// </summary>
public static class InterventionSuggester
{
    public static SuggestionReport Suggest(Journey journey, EventLog log, SuggestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(log);
        options ??= new SuggestOptions();
        var measurement = JourneyMeasurement.Measure(journey, log);
        var analysis = JourneyAnalyzer.Analyze(measurement);
        var (from, to) = Period(log, options);
        var entries = measurement.EntryTable;
        var taken = journey.Interventions.Select(i => i.Id).Concat(journey.Sequences.Select(s => s.Id)).ToHashSet(StringComparer.Ordinal);
        var proposals = new List<(Intervention Rule, ConversionGap Gap, string Basis)>();
        foreach (var gap in Gaps(journey, analysis))
        {
            // One rule per trigger: a later gap that the same rule would address adds nothing to try.
            if (Stuck(journey, log, entries, gap, options, taken) is { } stuck && !proposals.Any(p => p.Rule.When.StuckInStage == gap.FromStage))
            {
                proposals.Add((stuck.Rule, gap, stuck.Basis));
            }

            foreach (var moment in journey.MomentsOfTruth.Where(m => m.Deadline is not null && m.Condition is not null && (m.Stage == gap.FromStage || m.Stage == gap.ToStage)
                && !proposals.Any(p => p.Rule.When.MissedMoment == m.Id)))
            {
                var id = Unique($"suggest-missed-{moment.Id}", taken);
                proposals.Add((new Intervention
                {
                    Id = id,
                    Name = $"Did not reach '{moment.Name}' by its deadline ({moment.Deadline!.Text})",
                    Stage = moment.Stage,
                    When = new Condition { MissedMoment = moment.Id },
                    Then = new InterventionAction { Channel = ActionChannel.Email, Template = id, Subject = moment.Action ?? moment.Name },
                    Goal = moment.Condition,
                    Holdout = options.Holdout,
                }, gap, $"moment of truth '{moment.Id}'"));
            }
        }

        // Missed KPIs that no step rule addresses (NPS, revenue, a KPI of the last stage, a journey-wide metric): a
        // rule at the entry of their stage, when the map has an opportunity there to build its message from.
        var unaddressed = new List<string>();
        foreach (var kpi in analysis.Kpis.Where(k => k.Status == TargetStatus.Missed && k.Actual is not null && k.Target is not null))
        {
            var metric = journey.AllMetrics().First(m => m.Id == kpi.Id);
            if (Step(journey, metric) is (string f, string t) && proposals.Any(p => p.Gap.FromStage == f && p.Gap.ToStage == t))
            {
                continue;
            }

            // A conversion over several steps (trial signups who pay) is won or lost at its last one: stuck in the
            // stage before its end, with that stage's rule if there is one already.
            if (metric.Type == MetricType.Conversion && metric.To is { } end && entries.IndexOf(end) is var endAt and > 0)
            {
                var before = entries.Stages[endAt - 1];
                var step = new ConversionGap($"missed KPI {kpi.Id}: {kpi.Display} against {kpi.Target!.Text}", before, end, Shortfall(kpi));
                if (proposals.FindIndex(p => p.Rule.When.StuckInStage == before) is var at and >= 0)
                {
                    var (rule, gap, basis) = proposals[at];
                    proposals[at] = (rule, gap with { What = gap.What + "; " + step.What, Shortfall = Math.Max(gap.Shortfall, step.Shortfall) }, basis);
                    continue;
                }

                if (Stuck(journey, log, entries, step, options, taken) is { } last)
                {
                    proposals.Add((last.Rule, step, last.Basis));
                    continue;
                }
            }

            var (outcome, why) = Outcome(journey, kpi, metric, options, taken);
            if (outcome is { } o && proposals.FindIndex(p => p.Rule.When.EnteredStage is { } at && at == o.Rule.Stage) is var same and >= 0)
            {
                // One rule per trigger: a second missed KPI of the same stage joins the gap of the rule already there.
                var (rule, gap, basis) = proposals[same];
                taken.Remove(o.Rule.Id);
                proposals[same] = (rule, gap with { What = gap.What + "; " + o.Gap.What, Shortfall = Math.Max(gap.Shortfall, o.Gap.Shortfall) }, basis);
            }
            else if (outcome is { } o2)
            {
                proposals.Add(o2);
            }
            else
            {
                unaddressed.Add(why!);
            }
        }

        var suggestions = new List<Suggestion>();
        foreach (var (rule, gap, basis) in proposals)
        {
            var alone = journey with { Interventions = [rule], Sequences = [] };
            // The proposal keeps the journey's stages, so its stage conditions read the journey's own measurement.
            var totals = Backtester.Run(alone, log, from, to, cancellationToken: cancellationToken, measurement: measurement).Totals();
            long triggered = totals.Sum(r => r.Triggered), heldOut = totals.Sum(r => r.HeldOut), messaged = totals.Sum(r => r.Messaged);
            suggestions.Add(new Suggestion(rule, gap, basis, triggered, heldOut, messaged, triggered * gap.Shortfall) { Unreachable = totals.Sum(r => r.Unreachable) });
        }

        var ranked = suggestions.OrderByDescending(s => s.Score).ThenBy(s => s.Intervention.Id, StringComparer.Ordinal).Take(options.MaxSuggestions).ToList();
        var combined = journey with { Interventions = [.. journey.Interventions, .. ranked.Select(s => s.Intervention)] };
        var check = JourneyFile.FromText(JourneyYamlWriter.Write(combined), "journey-with-suggestions.yaml");
        return new SuggestionReport(ranked, Yaml(journey, ranked, log, from, to, unaddressed), from, to, check.Diagnostics) { Unaddressed = unaddressed };
    }

    /// <summary>
    /// A rule for a missed KPI that no step between stages addresses: "entered its stage", messaging the stage's
    /// highest-priority open opportunity (one that answers a pain point first), with the KPI's event as its goal. A
    /// stage KPI belongs to its stage; a journey-wide one to the stage whose entry is its event, else to the last
    /// stage, where outcomes such as revenue land. Null, with the reason, when the map gives nothing to build it from.
    /// </summary>
    private static ((Intervention Rule, ConversionGap Gap, string Basis)? Proposal, string? Why) Outcome(
        Journey journey, KpiAnalysis kpi, Metric metric, SuggestOptions options, HashSet<string> taken)
    {
        var missed = $"missed KPI {kpi.Id}: {kpi.Display} against {kpi.Target!.Text}";
        var stage = journey.Stages.FirstOrDefault(s => s.Kpis.Contains(metric))
            ?? journey.Stages.FirstOrDefault(s => s.Entry is { } e && metric.Event is { } m && e.Event == m.Event)
            ?? journey.Stages.LastOrDefault(s => s.Entry is not null);
        if (stage?.Entry is null)
        {
            return (null, $"{missed}; no rule: the journey has no stage with an entry event to trigger one at");
        }

        var open = stage.Opportunities.Where(o => o.Status != OpportunityStatus.Done).ToList();
        var opportunity = Best([.. open.Where(o => o.Addresses.Count > 0)]) ?? Best(open);
        if (opportunity is null)
        {
            return (null, $"{missed}; no rule: its stage {stage.Id} has no open opportunity on the map to build a message from (add one, with the pain point it answers, and suggest again)");
        }

        var pain = stage.PainPoints.FirstOrDefault(p => opportunity.Addresses.Contains(p.Id));
        var id = Unique($"suggest-{stage.Id}-for-{kpi.Id}", taken);
        var goal = metric.Event ?? metric.ToEvent ?? (metric.To is { } to ? journey.FindStage(to)?.Entry : null);
        var rule = new Intervention
        {
            Id = id,
            Name = $"Entered {stage.Name}: {opportunity.Text} (for {kpi.Name})",
            Stage = stage.Id,
            When = new Condition { EnteredStage = stage.Id },
            Then = new InterventionAction
            {
                Channel = ActionChannel.Email,
                Template = opportunity.Id,
                Subject = pain is not null ? $"{opportunity.Text} ({pain.Text})" : opportunity.Text,
            },
            Goal = goal,
            Holdout = options.Holdout,
        };
        var gap = new ConversionGap(missed, stage.Id, stage.Id, Shortfall(kpi));
        return ((rule, gap, $"opportunity '{opportunity.Id}' of stage {stage.Id}" + (pain is null ? "" : $", answering pain point '{pain.Id}'")), null);
    }

    private static (DateTimeOffset From, DateTimeOffset To) Period(EventLog log, SuggestOptions options)
    {
        var (first, last) = log.EventCount == 0
            ? (DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)
            : (EventLogBuilder.FromMicros(log.Timestamps.Min()), EventLogBuilder.FromMicros(log.Timestamps.Max()));
        var to = options.To ?? new DateTimeOffset(last.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        var from = options.From ?? new DateTimeOffset(first.UtcDateTime.Date, TimeSpan.Zero);
        return (from, to < from ? from.AddDays(1) : to);
    }

    /// <summary>
    /// The bottleneck first, as <see cref="Bottleneck"/> defines it for analyze and the workspace alike (a step that
    /// meets its targets is never one), then every missed KPI that runs between two stages, each pair once. A gap is
    /// how far the actual is from the target, in points for a share and relative to the target otherwise; an
    /// untargeted bottleneck's gap is the share of customers the step loses.
    /// </summary>
    internal static List<ConversionGap> Gaps(Journey journey, JourneyAnalysis analysis)
    {
        var gaps = new List<ConversionGap>();
        if (analysis.Bottleneck is { } b)
        {
            var own = b.Kpi is null ? null : analysis.Kpis.FirstOrDefault(k => k.Id == b.Kpi);
            gaps.Add(new ConversionGap($"bottleneck {b.FromStage} -> {b.ToStage}: {b.Reason}", b.FromStage, b.ToStage,
                own is not null ? Shortfall(own) : 1 - (b.Conversion ?? 0)));
        }

        foreach (var kpi in analysis.Kpis.Where(k => k.Actual is not null && k.Target is not null && k.Status == TargetStatus.Missed))
        {
            if (Step(journey, journey.AllMetrics().First(m => m.Id == kpi.Id)) is (string fromStage, string toStage)
                && !gaps.Any(g => g.FromStage == fromStage && g.ToStage == toStage))
            {
                gaps.Add(new ConversionGap($"missed KPI {kpi.Id}: {kpi.Display} against {kpi.Target!.Text}", fromStage, toStage, Shortfall(kpi)));
            }
        }

        return gaps;
    }

    /// <summary>How far a KPI's actual is from its target: in points for a share, relative to the target otherwise.</summary>
    private static double Shortfall(KpiAnalysis kpi)
    {
        var distance = Math.Abs(kpi.Target!.Value - kpi.Actual!.Value);
        return kpi.Target.Unit == TargetUnit.Percent ? distance : kpi.Target.Value == 0 ? 0 : distance / Math.Abs(kpi.Target.Value);
    }

    /// <summary>
    /// The two stages a KPI runs between: its <c>from</c>/<c>to</c>; else a stage's conversion KPI runs from the
    /// previous stage into its own, and any other KPI of a stage is about moving on from it, to the next stage.
    /// </summary>
    private static (string From, string To)? Step(Journey journey, Metric metric)
    {
        var owner = journey.Stages.FirstOrDefault(s => s.Kpis.Contains(metric));
        var ownerIndex = owner is null ? -1 : journey.Stages.ToList().IndexOf(owner);
        var conversionInto = metric.Type == MetricType.Conversion && ownerIndex > 0;
        var fromStage = metric.From ?? (conversionInto ? journey.Stages[ownerIndex - 1].Id : owner?.Id);
        var toStage = metric.To ?? (conversionInto || ownerIndex < 0 || ownerIndex + 1 >= journey.Stages.Count ? owner?.Id : journey.Stages[ownerIndex + 1].Id);
        return fromStage is null || toStage is null ? null : (fromStage, toStage);
    }

    /// <summary>"Stuck in stage X longer than its 75th percentile": the time customers who moved on spent in X.</summary>
    private static (Intervention Rule, string Basis)? Stuck(Journey journey, EventLog log, StageEntryTable entries, ConversionGap gap, SuggestOptions options, HashSet<string> taken)
    {
        var from = entries.IndexOf(gap.FromStage);
        if (from < 0 || from + 1 >= entries.Stages.Count)
        {
            return null;
        }

        var spent = new List<double>();
        for (var c = 0; c < log.CustomerCount; c++)
        {
            var (enter, leave) = (entries.Entered(c, from), entries.Entered(c, from + 1));
            if (enter != StageEntryTable.Never && leave != StageEntryTable.Never && leave >= enter)
            {
                spent.Add((leave - enter) / 1e6);
            }
        }

        if (spent.Count == 0)
        {
            return null;
        }

        spent.Sort();
        var p75 = JourneyDiscoverer.NiceDuration(JourneyDiscoverer.NearestRank(spent, 0.75), roundUp: true);
        var stage = journey.FindStage(gap.FromStage)!;
        var next = journey.FindStage(entries.Stages[from + 1])!;
        var opportunity = Best(next.Opportunities) ?? Best(stage.Opportunities);
        var pain = opportunity is null ? null : next.PainPoints.Concat(stage.PainPoints).FirstOrDefault(p => opportunity.Addresses.Contains(p.Id));
        var id = Unique($"suggest-stuck-{stage.Id}", taken);
        var rule = new Intervention
        {
            Id = id,
            Name = $"Stuck in {stage.Name} longer than its 75th percentile ({p75.Text})" + (opportunity is null ? "" : $": {opportunity.Text}"),
            Stage = stage.Id,
            When = new Condition { StuckInStage = stage.Id, StuckFor = p75 },
            Then = new InterventionAction
            {
                Channel = ActionChannel.Email,
                Template = opportunity?.Id ?? id,
                Subject = pain is not null ? $"{opportunity!.Text} ({pain.Text})" : opportunity?.Text ?? $"Your next step: {next.Name}",
            },
            Goal = next.Entry,
            Holdout = options.Holdout,
        };
        var basis = $"p75 of {spent.Count.ToString("N0", CultureInfo.InvariantCulture)} customers' time from {stage.Id} to {next.Id}" + (opportunity is null ? "" : $"; opportunity '{opportunity.Id}'");
        return (rule, basis);
    }

    private static Opportunity? Best(IReadOnlyList<Opportunity> opportunities) =>
        opportunities.Where(o => o.Status != OpportunityStatus.Done).OrderByDescending(o => o.Priority ?? Level.Low).FirstOrDefault();

    private static string Unique(string id, HashSet<string> taken)
    {
        var candidate = id;
        for (var n = 2; !taken.Add(candidate); n++)
        {
            candidate = $"{id}-{n}";
        }

        return candidate;
    }

    /// <summary>
    /// The suggestions (all ranked, or the ones a reviewer chose) as an <c>interventions:</c> block, each preceded by a comment with its gap and backtest: the
    /// journey writer's own output for them, so the block parses exactly as it would inside the journey.
    /// </summary>
    public static string Yaml(Journey journey, IReadOnlyList<Suggestion> ranked, EventLog log, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<string>? unaddressed = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(log);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Suggested by 'trailmap suggest' for '{journey.Id}' from {log.EventCount:N0} events of {log.CustomerCount:N0} customers;\n");
        sb.Append(CultureInfo.InvariantCulture, $"# each rule backtested alone from {from:yyyy-MM-dd} to {to:yyyy-MM-dd} (exclusive). Ranked by customers reached x the gap addressed.\n");
        sb.Append("# Review each rule and write its template, then add the ones you keep under 'interventions:' in the journey.\n");
        foreach (var why in unaddressed ?? [])
        {
            sb.Append("# ").Append(why.ReplaceLineEndings(" ")).Append('\n');
        }

        if (ranked.Count == 0)
        {
            return sb.Append("interventions: []\n").ToString();
        }

        var written = JourneyYamlWriter.Write(journey with { Interventions = [.. ranked.Select(s => s.Intervention)], Sequences = [] }).Split('\n');
        var start = Array.FindIndex(written, l => l.StartsWith("interventions:", StringComparison.Ordinal));
        var item = 0;
        for (var i = start; i < written.Length && (i == start || written[i].StartsWith(' ')); i++)
        {
            if (written[i].StartsWith("  - ", StringComparison.Ordinal) && item < ranked.Count)
            {
                var s = ranked[item++];
                sb.Append(CultureInfo.InvariantCulture, $"  # {item}. {s.Gap.What} (short by {s.Gap.Shortfall * 100:0.#} points). Based on {s.Basis}.\n");
                sb.Append(CultureInfo.InvariantCulture, $"  #    Backtest: {s.Triggered:N0} triggered, {s.HeldOut:N0} held out, {s.Messaged:N0} messaged, {s.Unreachable:N0} unreachable; score {s.Score:0.##}.\n");
            }

            sb.Append(written[i]).Append('\n');
        }

        return sb.ToString();
    }
}
