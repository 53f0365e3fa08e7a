using System.Globalization;
using Microsoft.AspNetCore.Http;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Journeys;
using Trailmap.Analytics.Paths;
using Trailmap.Analytics.Queries;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Insights;

/// <summary>
/// The journey's paths page: a Sankey of what customers do after (<c>from</c>) or before (<c>to</c>) an event, or after
/// the stage funnel's step they dropped at (<c>dropped-at</c>), over the measurement's events. With no question, the
/// paths after the first stage's entry event.
/// </summary>
public sealed record PathsView
{
    /// <summary>The longest text a query parameter of the page may hold.</summary>
    public const int MaxParameterLength = 200;

    /// <summary>How many event names the anchor field suggests.</summary>
    public const int MaxSuggestions = 500;

    public string? From { get; init; }
    public string? To { get; init; }
    public int? DroppedAt { get; init; }
    public int Depth { get; init; } = 3;
    public string MinShare { get; init; } = "5%";

    /// <summary>The time range's bounds as typed (events at or after <see cref="Since"/>, before <see cref="Until"/>).</summary>
    public string? Since { get; init; }
    public string? Until { get; init; }
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>The stage funnel's steps (entry events), for the drop-off choice; empty without a stage funnel.</summary>
    public IReadOnlyList<string> Stages { get; init; } = [];

    /// <summary>The event names of the data, for the anchor's suggestions.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    public PathSankey? Sankey { get; init; }

    public static PathsView Build(MeasuredJourney measured, IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(query);
        var errors = new List<string>();
        string? Text(string key)
        {
            var value = query[key].FirstOrDefault()?.Trim();
            if (value is { Length: > MaxParameterLength })
            {
                errors.Add($"{key}: at most {MaxParameterLength} characters.");
                return null;
            }

            return string.IsNullOrEmpty(value) ? null : value;
        }

        var sinceText = Text("since");
        var untilText = Text("until");
        DateTimeOffset? Time(string key, string? text)
        {
            if (text is null)
            {
                return null;
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            {
                return t;
            }

            errors.Add($"{key}: \"{text}\" is not a time; write a date such as 2024-01-31 or a time such as 2024-01-31T12:00:00Z.");
            return null;
        }

        var (since, until) = (Time("since", sinceText), Time("until", untilText));
        if (since is { } s && until is { } u && u <= s)
        {
            errors.Add($"until: {untilText} is not after since ({sinceText}); the range would hold no event.");
        }

        // The range cuts the events as a ranged load would: at or after since, before until.
        var log = EventLogRange.Between(measured.Log, since, until);
        var (stageSpec, _) = JourneyAnalyzer.StageFunnelSpec(measured.Journey);
        var view = new PathsView
        {
            Stages = stageSpec is null ? [] : [.. stageSpec.Steps.Select(s => s.Name)],
            Events = [.. log.Names.Order(StringComparer.Ordinal).Take(MaxSuggestions)],
        };
        var from = Text("from");
        var to = Text("to");
        var droppedText = Text("dropped-at");
        var depthText = Text("depth");
        var shareText = Text("min-share");
        if (from is null && to is null && droppedText is null)
        {
            from = stageSpec?.Steps[0].Event;
        }

        var depth = 3;
        if (depthText is not null && (!int.TryParse(depthText, NumberStyles.None, CultureInfo.InvariantCulture, out depth) || depth is < 1 or > PathsQuery.MaxDepth))
        {
            errors.Add($"depth: \"{depthText}\" is not a number of steps from 1 to {PathsQuery.MaxDepth}.");
            depth = 3;
        }

        view = view with { From = from, To = to, Depth = depth, MinShare = shareText ?? view.MinShare, Since = sinceText, Until = untilText };
        if (errors.Count > 0)
        {
            return view with { Errors = errors };
        }

        if (from is null && to is null && droppedText is null)
        {
            return view; // no stage has an entry event: nothing to anchor on until one is asked for
        }

        try
        {
            var dropped = droppedText is not null;
            var spec = PathsQuery.Sankey(from, to, depth, shareText, dropped);
            if (!dropped)
            {
                return view with { Sankey = PathSankey.Of(log, spec) };
            }

            if (stageSpec is null)
            {
                throw new QueryParameterException("dropped-at", "no stage of this journey has an entry event, so there is no funnel to drop out of");
            }

            var step = PathsQuery.DroppedAt(droppedText, stageSpec.Steps.Count);
            var result = FunnelEngine.Run(log, stageSpec);
            return view with { DroppedAt = step, Sankey = PathSankey.Dropped(log, stageSpec, result, step, depth, spec.MinShare) };
        }
        catch (QueryParameterException e)
        {
            return view with { Errors = [$"{e.Parameter}: {e.Message}."] };
        }
    }
}
