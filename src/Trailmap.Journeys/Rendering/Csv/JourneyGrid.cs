using System.Globalization;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Parsing;
using Trailmap.Journeys.Writing;

namespace Trailmap.Journeys.Rendering;

/// <summary>One row of the map: a lane name and, per stage, the items shown in that cell (plain, unescaped text).</summary>
internal sealed record GridLane(string Name, IReadOnlyList<IReadOnlyList<string>> Cells);

/// <summary>
/// The journey as a lane x stage grid, the shape every tabular renderer shares. Every lane is always
/// present (an empty lane tells the reader the map has a gap); the measured lanes only with actuals.
/// </summary>
internal static class JourneyGrid
{
    public static IReadOnlyList<GridLane> Build(Journey journey, JourneyActuals? actuals)
    {
        var lanes = new List<GridLane>();
        void Lane(string name, Func<Stage, IEnumerable<string?>> items) =>
            lanes.Add(new GridLane(name, [.. journey.Stages.Select(s => (IReadOnlyList<string>)[.. items(s).OfType<string>()])]));

        Lane("Description", s => [s.Description]);
        Lane("Goal", s => s.AllGoals());
        Lane("Customer goal", s => s.AllCustomerGoals());
        Lane("Mindset", s => [s.Mindset]);
        Lane("Timeframe", s => [s.Timeframe, s.Timing is { } t ? $"time in stage: {t.Text}" : null]);
        Lane("Touchpoints", s => s.Touchpoints.Select(Touchpoint));
        Lane("Actions", s => s.Actions.Select(Action));
        Lane("Thoughts", s => s.Thoughts);
        Lane("Motivations", s => s.Motivations);
        Lane("Emotion", s => [Emotion(s.Emotion)]);
        Lane("Pain points", s => s.PainPoints.Select(p => WithDetails(p.Text, Kebab(p.Severity), For(p.Personas))));
        Lane("Opportunities", s => s.Opportunities.Select(o => WithDetails(o.Text, Kebab(o.Type), Kebab(o.Kind), Kebab(o.Priority), Kebab(o.Status), o.Owner)));
        Lane("Entry", s => [s.Entry is null ? null : Event(s.Entry)]);
        Lane("KPIs", s => s.Kpis.Select(k => Kpi(k, actuals)));
        Lane("Ideal", s => Ideal(s.Ideal));
        if (actuals is not null)
        {
            Lane("Reached", s => [actuals.ForStage(s.Id)?.Reached.ToString(CultureInfo.InvariantCulture)]);
            Lane("Conversion", s => [Percent(actuals.ForStage(s.Id)?.Conversion)]);
            Lane("Drop-off", s => [Percent(actuals.ForStage(s.Id)?.DropOff)]);
            Lane("Median time to stage", s => [actuals.ForStage(s.Id)?.MedianTimeToStageSeconds is { } t ? Target.FormatValue(t, TargetUnit.Duration) : null]);
            Lane("Measured emotion", s => Measured(actuals.ForStage(s.Id)));
        }

        return lanes;
    }

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string? Percent(double? fraction) => fraction is { } f ? Target.FormatValue(f, TargetUnit.Percent) : null;

    /// <summary>An event with its filter, the filter written as the format reads it.</summary>
    public static string Event(EventCondition e) => e.Where is null ? e.Event : $"{e.Event} where {FilterWriter.Write(e.Where)}";

    public static string? Kebab<TEnum>(TEnum? value)
        where TEnum : struct, Enum => value is { } v ? EnumNames.Kebab(v.ToString()) : null;

    public static string Status(TargetStatus status) => status switch
    {
        TargetStatus.Met => "met",
        TargetStatus.AtRisk => "at risk",
        TargetStatus.Missed => "missed",
        TargetStatus.NoTarget => "no target",
        _ => "no data",
    };

    /// <summary>
    /// The status in words; a KPI measured without a target has nothing to meet, so it reads "no target" rather than
    /// "no data" beside its printed actual.
    /// </summary>
    public static string Status(Metric kpi, KpiActual? actual) =>
        kpi.Target is null && actual?.Actual is not null ? "no target" : Status(actual?.Status ?? TargetStatus.NoData);

    /// <summary>A KPI's measured value in its target's unit; plain number when it has no target.</summary>
    public static string? Actual(Metric kpi, KpiActual? actual) =>
        actual?.Actual is not { } v ? null : kpi.Target is { } t ? t.FormatValue(v) : Number(v);

    private static string Kpi(Metric k, JourneyActuals? actuals)
    {
        var text = k.Target is null ? k.Name : $"{k.Name}: {k.Target.Text}";
        if (k.BaselineNote is { } note)
        {
            text += $" ({note})";
        }

        if (actuals?.ForKpi(k.Id) is { } a)
        {
            text += Actual(k, a) is { } value ? $", actual {value} ({Status(k, a)})" : $" ({Status(k, a)})";
        }

        return text;
    }

    private static string Touchpoint(Touchpoint t) =>
        WithDetails(t.Name, t.Channel, t.Layer == TouchpointLayer.Backstage ? "backstage" : null, t.Cadence, t.Timing is { } timing ? $"timing {timing.Text}" : null, ShareOf(t.Share), For(t.Personas));

    /// <summary>"for savvy-sarah, budget-brian": the persona ids a touchpoint or pain point applies to, as actions write theirs.</summary>
    private static string? For(IReadOnlyList<string> personas) => personas.Count == 0 ? null : "for " + string.Join(", ", personas);

    /// <summary>A touchpoint's share of the stage's customers, as "40% of customers".</summary>
    public static string? ShareOf(double? share) => share is { } s ? $"{Target.FormatValue(s, TargetUnit.Percent)} of customers" : null;

    private static string Action(CustomerAction a)
    {
        var details = new List<string>();
        if (a.Score is { } score)
        {
            details.Add($"score {Number(score)}");
        }

        if (a.Personas.Count > 0)
        {
            details.Add(string.Join(", ", a.Personas));
        }

        if (a.Cadence is { } cadence)
        {
            details.Add(cadence);
        }

        if (a.Timing is { } timing)
        {
            details.Add($"takes {timing.Text}");
        }

        return details.Count == 0 ? a.Name : $"{a.Name} ({string.Join("; ", details)})";
    }

    private static string? Emotion(Emotion? e) => e switch
    {
        null => null,
        { Score: { } s, Feelings.Count: > 0 } => $"{Number(s)} ({string.Join(", ", e.Feelings)})",
        { Score: { } s } => Number(s),
        // A derived score is marked as such, so it is never read as one the author wrote.
        { DerivedScore: { } d } => $"~{Number(d)} (derived from feelings: {string.Join(", ", e.Feelings)})",
        { Feelings.Count: > 0 } => string.Join(", ", e.Feelings),
        _ => null,
    };

    private static IEnumerable<string?> Ideal(IdealState? ideal)
    {
        if (ideal is null)
        {
            yield break;
        }

        if (ideal.Emotion is { } e)
        {
            yield return $"emotion {Number(e)}";
        }

        yield return ideal.Description;
        foreach (var (kpi, target) in ideal.Targets)
        {
            yield return $"{kpi} {target.Text}";
        }

        foreach (var element in ideal.CriticalElements)
        {
            yield return $"critical: {element}";
        }
    }

    private static IEnumerable<string?> Measured(StageActual? s)
    {
        if (s is null)
        {
            yield break;
        }

        yield return s.Emotion is { } e ? Number(e) : null;
        yield return s.Nps is { } nps ? $"NPS {Number(nps)}" : null;
        yield return s.Csat is { } csat ? $"CSAT {Percent(csat)}" : null;
        yield return s.Responses is { } r ? $"{r.ToString(CultureInfo.InvariantCulture)} responses" : null;
    }

    private static string WithDetails(string text, params string?[] details)
    {
        var present = details.OfType<string>().ToList();
        return present.Count == 0 ? text : $"{text} ({string.Join(", ", present)})";
    }
}
