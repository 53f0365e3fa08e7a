using System.Globalization;
using Trailmap.Analytics.Funnels;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Queries;

/// <summary>
/// A funnel asked for in words (<c>trailmap funnel</c>'s options, the REST API's query), and its documented JSON
/// (docs/analytics-json.md). Shared so both front ends read the same parameters and write the same numbers.
/// </summary>
public static class FunnelQuery
{
    /// <summary>Builds the spec; throws <see cref="QueryParameterException"/> naming the parameter that is wrong.</summary>
    public static FunnelSpec Spec(
        string? steps, string? window, string? mode, string? reentry, IReadOnlyList<string> exclude, string? by, IReadOnlyList<string> stepWhere, string? overTime = null,
        IReadOnlyList<string>? stepWindow = null)
    {
        var names = (steps ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length < 2)
        {
            throw new QueryParameterException("steps", "give at least two event names, comma-separated, e.g. 'Signed Up,Activated'");
        }

        if (names.Length > FunnelSpec.MaxSteps)
        {
            throw new QueryParameterException("steps", $"a funnel has at most {FunnelSpec.MaxSteps} steps; this one has {names.Length}");
        }

        var filters = new Filter?[names.Length];
        foreach (var sw in stepWhere)
        {
            var colon = sw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !int.TryParse(sw[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > names.Length)
            {
                throw new QueryParameterException("step-where", $"'{sw}': write N:FILTER with N a step number from 1 to {names.Length}, e.g. 2:'plan == \"team\"'");
            }

            try
            {
                var f = Filter.Parse(sw[(colon + 1)..]);
                filters[n - 1] = filters[n - 1] is { } existing ? new Filter.And(existing, f) : f;
            }
            catch (FormatException e)
            {
                throw new QueryParameterException("step-where", $"'{sw}': {e.Message}");
            }
        }

        var withins = StepWindows(stepWindow ?? [], names.Length);
        window ??= "14d";
        if (!Duration.TryParse(window, out var w))
        {
            throw new QueryParameterException("window", $"'{window}': {Duration.Help}");
        }

        FunnelModes modes;
        try
        {
            modes = FunnelModesParser.Parse(mode);
        }
        catch (FormatException e)
        {
            throw new QueryParameterException("mode", e.Message);
        }

        if (withins.Any(d => d is not null) && (modes & ~FunnelModes.StrictIncrease) != FunnelModes.None)
        {
            throw new QueryParameterException("step-window", $"step windows work with the default mode and strict-increase only, not with {FunnelModesParser.Format(modes)}");
        }

        var re = (reentry ?? "latest").Trim().ToLowerInvariant() switch
        {
            "latest" => FunnelReentry.Latest,
            "first" => FunnelReentry.First,
            _ => throw new QueryParameterException("reentry", $"'{reentry}' is neither latest (a later step-1 event starts a newer chain) nor first"),
        };

        FunnelPeriod? period = overTime?.Trim().ToLowerInvariant() switch
        {
            null or "" => null,
            "day" => FunnelPeriod.Day,
            "week" => FunnelPeriod.Week,
            _ => throw new QueryParameterException("over-time", $"'{overTime}' is not a period: use day or week"),
        };

        return new FunnelSpec
        {
            OverTime = period,
            Steps = [.. names.Select((s, i) => new FunnelStep(s, filters[i]) { Within = withins[i] })],
            Window = w,
            Modes = modes,
            Reentry = re,
            Exclusions = [.. exclude.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => new FunnelStep(e.Trim()))],
            BreakdownProperty = string.IsNullOrWhiteSpace(by) ? null : by,
        };
    }

    /// <summary>Parses <c>N:DURATION</c> entries (step N within DURATION of step N-1); step 1 cannot have one.</summary>
    private static Duration?[] StepWindows(IReadOnlyList<string> entries, int steps)
    {
        var withins = new Duration?[steps];
        foreach (var sw in entries)
        {
            var colon = sw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !int.TryParse(sw[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 2 || n > steps)
            {
                throw new QueryParameterException("step-window", $"'{sw}': write N:DURATION with N a step number from 2 to {steps} (step 1 starts the chain), e.g. 2:1h");
            }

            if (!Duration.TryParse(sw[(colon + 1)..].Trim(), out var d))
            {
                throw new QueryParameterException("step-window", $"'{sw}': {Duration.Help}");
            }

            if (withins[n - 1] is not null)
            {
                throw new QueryParameterException("step-window", $"'{sw}': step {n} already has a window; give each step at most one");
            }

            withins[n - 1] = d;
        }

        return withins;
    }

    /// <summary>
    /// Which people of a step to list: <paramref name="step"/> a step number, <paramref name="outcome"/> dropped
    /// (the default), converted or reached. Errors name <paramref name="stepParameter"/> or
    /// <paramref name="outcomeParameter"/>.
    /// </summary>
    public static (int Step, StepOutcome Outcome) PeopleSelector(
        string? step, string? outcome, int steps, string stepParameter = "step", string outcomeParameter = "outcome")
    {
        if (!int.TryParse(step?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 1 || k > steps)
        {
            throw new QueryParameterException(stepParameter, $"'{step}': give a step number from 1 to {steps}");
        }

        var o = string.IsNullOrWhiteSpace(outcome) ? StepOutcome.Dropped
            : FunnelPeople.ParseOutcome(outcome) ?? throw new QueryParameterException(outcomeParameter, $"'{outcome}' is not an outcome: use dropped (reached the step, not the next), converted (reached the next step) or reached");
        if (k == steps && o != StepOutcome.Reached)
        {
            throw new QueryParameterException(stepParameter, $"step {k} is the last step, so no one drops after it or converts from it; ask for reached, or an earlier step");
        }

        return (k, o);
    }

    /// <summary>A page of a step's people as JSON (docs/analytics-json.md).</summary>
    public static FunnelPeopleJson PeopleJson(FunnelPeoplePage page, FunnelSpec spec) => new(
        page.Step,
        spec.Steps[page.Step - 1].Name,
        FunnelPeople.Format(page.Outcome),
        page.Total,
        page.Page,
        page.PageSize,
        page.Pages,
        [.. page.People.Select(p => new FunnelPersonJson(p.Customer, p.ReachedAt, p.NextAt))]);

    public const string PeopleCsvHeader = "customer,reached_at_utc,next_step_at_utc";

    /// <summary>Every person as CSV (RFC 4180, spreadsheet-safe fields): id, when the step and the next were reached.</summary>
    public static string PeopleCsv(IEnumerable<FunnelPerson> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        var csv = new System.Text.StringBuilder(PeopleCsvHeader).Append("\r\n");
        foreach (var p in people)
        {
            csv.Append(Trailmap.Journeys.Rendering.CsvRenderer.Field(p.Customer)).Append(',')
                .Append(Utc(p.ReachedAt)).Append(',').Append(Utc(p.NextAt)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Utc(DateTimeOffset? t) =>
        t is { } v ? v.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture) : "";

    /// <summary>The event properties (and trait) the funnel reads: step filters, exclusions and the breakdown.</summary>
    public static IReadOnlyList<string> PropertiesUsed(FunnelSpec spec) =>
        [.. spec.Steps.Concat(spec.Exclusions).Where(s => s.Where is not null).SelectMany(s => s.Where!.Properties())
            .Concat(spec.BreakdownProperty is { } b ? [b] : []).Distinct()];

    /// <summary>
    /// The event names the funnel reads: its steps and exclusions, or null (every event) under strict-order, where an
    /// event that matches no step ends the scan and so must be seen.
    /// </summary>
    public static IReadOnlyList<string>? EventsUsed(FunnelSpec spec) =>
        spec.Modes.HasFlag(FunnelModes.StrictOrder)
            ? null
            : [.. spec.Steps.Concat(spec.Exclusions).Select(s => s.Event).Distinct(StringComparer.Ordinal)];

    /// <summary>The correlation rows as JSON (docs/analytics-json.md).</summary>
    public static IReadOnlyList<CorrelationJson> CorrelationJson(IReadOnlyList<FunnelCorrelation> rows) => [.. rows.Select(r => new CorrelationJson(
        r.Kind, r.Name, r.Value, r.ConvertedWith, r.ConvertedWithout, r.DroppedWith, r.DroppedWithout,
        r.OddsRatio, r.CiLow, r.CiHigh, r.Z, r.PValue, r.AdjustedPValue, r.Significant, r.Direction))];

    /// <summary>Checks that a funnel can have a correlation analysis: it needs an ordered funnel, whose chains give each entrant a span.</summary>
    public static void CheckCorrelation(FunnelSpec spec, string parameter = "correlation")
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Modes.HasFlag(FunnelModes.Unordered))
        {
            throw new QueryParameterException(parameter, "correlation needs an ordered funnel: an unordered one has no chain whose span the events are read in; drop unordered");
        }
    }

    /// <summary>The documented JSON contract (docs/analytics-json.md): steps in order, each with name and customers.</summary>
    public static FunnelJson Json(FunnelResult result, FunnelSpec spec) => new(
        spec.Window.Text,
        spec.Window.TotalSeconds,
        FunnelModesParser.Format(spec.Modes),
        spec.Reentry == FunnelReentry.First ? "first" : "latest",
        Steps(result.Steps, spec),
        spec.BreakdownProperty,
        result.Breakdowns?.ToDictionary(b => b.Key, b => Steps(b.Value, spec)))
    {
        SignificanceTest = result.Breakdowns is null ? null : FunnelSignificance.Test,
        Significance = FunnelSignificance.Of(result)?.Select(t => new BreakdownSignificanceJson(
            t.Value, t.Entered, t.Converted, t.Rate, t.RestEntered, t.RestConverted, t.RestRate, t.Z, t.PValue, t.AdjustedPValue, t.Significant)).ToList(),
        TimeToConvertHistogram = FunnelTrends.TimeToConvertHistogram(result)?.Select(b => new TimeToConvertBinJson(b.UpToSeconds, b.Customers)).ToList(),
        OverTime = spec.OverTime is { } period ? period == FunnelPeriod.Day ? "day" : "week" : null,
        ConversionOverTime = spec.OverTime is { } p
            ? FunnelTrends.ConversionOverTime(result, p)?.Select(r => new ConversionPeriodJson(r.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Entered, r.Converted, r.Rate)).ToList()
            : null,
    };

    private static IReadOnlyList<FunnelStepJson> Steps(IReadOnlyList<FunnelStepResult> steps, FunnelSpec spec) => [.. steps.Select((s, i) => new FunnelStepJson(
        i + 1,
        s.Name,
        s.Customers,
        s.ConversionFromStart,
        s.ConversionFromPrevious,
        s.DropOff,
        s.TimeToConvert is { } t ? new TimeToConvertJson(t.Mean, t.Median, t.P90, t.Count) : null)
    {
        Within = i < spec.Steps.Count ? spec.Steps[i].Within?.Text : null,
        WithinSeconds = i < spec.Steps.Count ? spec.Steps[i].Within?.TotalSeconds : null,
    })];
}

/// <summary>A funnel as <c>trailmap funnel --format json</c> and <c>GET /api/funnel</c> write it.</summary>
public sealed record FunnelJson(
    string Window,
    double WindowSeconds,
    string Modes,
    string Reentry,
    IReadOnlyList<FunnelStepJson> Steps,
    string? Breakdown,
    IReadOnlyDictionary<string, IReadOnlyList<FunnelStepJson>>? Breakdowns)
{
    /// <summary>With a breakdown: the name of the test behind <see cref="Significance"/>.</summary>
    public string? SignificanceTest { get; init; }

    /// <summary>With a breakdown: each value's conversion tested against the rest's (<see cref="FunnelSignificance"/>).</summary>
    public IReadOnlyList<BreakdownSignificanceJson>? Significance { get; init; }

    /// <summary>Converters by their time from step 1 to the last step (<see cref="FunnelTrends.TimeToConvertHistogram"/>).</summary>
    public IReadOnlyList<TimeToConvertBinJson>? TimeToConvertHistogram { get; init; }

    /// <summary>With a correlation analysis: the name of its test.</summary>
    public string? CorrelationTest { get; init; }

    /// <summary>With a correlation analysis: every event and trait value against conversion, most significant first.</summary>
    public IReadOnlyList<CorrelationJson>? Correlations { get; init; }

    /// <summary>The period of <see cref="ConversionOverTime"/>: day or week, when asked for.</summary>
    public string? OverTime { get; init; }

    /// <summary>Entrants and converters per period of their chain's start (<see cref="FunnelTrends.ConversionOverTime"/>).</summary>
    public IReadOnlyList<ConversionPeriodJson>? ConversionOverTime { get; init; }
}

/// <summary>One page of a step's people, as <c>trailmap funnel --people</c> and <c>GET /api/funnel/people</c> write it.</summary>
public sealed record FunnelPeopleJson(int Step, string Name, string Outcome, long Total, int Page, int PageSize, int Pages, IReadOnlyList<FunnelPersonJson> Customers);

public sealed record FunnelPersonJson(string Customer, DateTimeOffset? ReachedAt, DateTimeOffset? NextStepAt);

public sealed record CorrelationJson(
    string Kind,
    string Name,
    string? Value,
    long ConvertedWith,
    long ConvertedWithout,
    long DroppedWith,
    long DroppedWithout,
    double OddsRatio,
    double CiLow,
    double CiHigh,
    double Z,
    double PValue,
    double AdjustedPValue,
    bool Significant,
    string Direction);

public sealed record TimeToConvertBinJson(long? UpToSeconds, long Customers);

public sealed record ConversionPeriodJson(string Start, long Entered, long Converted, double Rate);

public sealed record BreakdownSignificanceJson(
    string Value,
    long Entered,
    long Converted,
    double Rate,
    long RestEntered,
    long RestConverted,
    double RestRate,
    double? Z,
    double PValue,
    double AdjustedPValue,
    bool Significant);

public sealed record FunnelStepJson(int Step, string Name, long Customers, double ConversionFromStart, double ConversionFromPrevious, long DropOff, TimeToConvertJson? TimeToConvert)
{
    /// <summary>The step's own window from the previous step, as written (e.g. <c>1h</c>), when it has one.</summary>
    public string? Within { get; init; }

    public double? WithinSeconds { get; init; }
}

public sealed record TimeToConvertJson(double MeanSeconds, double MedianSeconds, double P90Seconds, int Count);
