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
        string? steps, string? window, string? mode, string? reentry, IReadOnlyList<string> exclude, string? by, IReadOnlyList<string> stepWhere, string? overTime = null)
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
            Steps = [.. names.Select((s, i) => new FunnelStep(s, filters[i]))],
            Window = w,
            Modes = modes,
            Reentry = re,
            Exclusions = [.. exclude.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => new FunnelStep(e.Trim()))],
            BreakdownProperty = string.IsNullOrWhiteSpace(by) ? null : by,
        };
    }

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

    /// <summary>The documented JSON contract (docs/analytics-json.md): steps in order, each with name and customers.</summary>
    public static FunnelJson Json(FunnelResult result, FunnelSpec spec) => new(
        spec.Window.Text,
        spec.Window.TotalSeconds,
        FunnelModesParser.Format(spec.Modes),
        spec.Reentry == FunnelReentry.First ? "first" : "latest",
        Steps(result.Steps),
        spec.BreakdownProperty,
        result.Breakdowns?.ToDictionary(b => b.Key, b => Steps(b.Value)))
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

    private static IReadOnlyList<FunnelStepJson> Steps(IReadOnlyList<FunnelStepResult> steps) => [.. steps.Select((s, i) => new FunnelStepJson(
        i + 1,
        s.Name,
        s.Customers,
        s.ConversionFromStart,
        s.ConversionFromPrevious,
        s.DropOff,
        s.TimeToConvert is { } t ? new TimeToConvertJson(t.Mean, t.Median, t.P90, t.Count) : null))];
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

    /// <summary>The period of <see cref="ConversionOverTime"/>: day or week, when asked for.</summary>
    public string? OverTime { get; init; }

    /// <summary>Entrants and converters per period of their chain's start (<see cref="FunnelTrends.ConversionOverTime"/>).</summary>
    public IReadOnlyList<ConversionPeriodJson>? ConversionOverTime { get; init; }
}

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

public sealed record FunnelStepJson(int Step, string Name, long Customers, double ConversionFromStart, double ConversionFromPrevious, long DropOff, TimeToConvertJson? TimeToConvert);

public sealed record TimeToConvertJson(double MeanSeconds, double MedianSeconds, double P90Seconds, int Count);
