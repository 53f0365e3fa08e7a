using Trailmap.Analytics.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Insights;

/// <summary>One bar of the stage funnel: the analysis's numbers for a measurable stage.</summary>
public sealed record FunnelBar(string StageId, string Name, long Reached, double? FromPrevious, double? FromStart, bool Current);

/// <summary>A customer who reached a stage and not the next: since their first entry event, waiting until the end of the data.</summary>
public sealed record StuckCustomer(string Customer, DateTimeOffset Entered, TimeSpan Waiting);

/// <summary>A customer who reached a stage and went on to the next: their first entry event here, and when the funnel reached the next stage.</summary>
public sealed record MovedCustomer(string Customer, DateTimeOffset Entered, DateTimeOffset NextEntered);

/// <summary>Everything the stage page shows about one stage, read from the analysis and the stage entry times.</summary>
public sealed record StageDrillDown
{
    /// <summary>How many customers one page of the stuck or converted list shows; the total is always given, and the CSV has all.</summary>
    public const int StuckShown = 100;

    public required Stage Stage { get; init; }
    public required StageAnalysis Analysis { get; init; }
    /// <summary>The stage's position among the measurable stages, or -1 when it has no entry criterion.</summary>
    public int Index { get; init; } = -1;
    public IReadOnlyList<FunnelBar> Funnel { get; init; } = [];
    /// <summary>Per customer who reached the stage: time from entering the first stage (the journey start).</summary>
    public TimeHistogram? FromStart { get; init; }
    /// <summary>Per customer who reached the stage: time from entering the previous stage; the analysis's time to stage.</summary>
    public TimeHistogram? FromPrevious { get; init; }
    public Stage? Next { get; init; }
    public long StuckCount { get; init; }
    /// <summary>The page of stuck customers shown, longest waiting first (when the converted list is not shown).</summary>
    public IReadOnlyList<StuckCustomer> Stuck { get; init; } = [];
    /// <summary>Customers who reached this stage and the next.</summary>
    public long ConvertedCount { get; init; }
    /// <summary>The page of converted customers shown, earliest entry first (when asked for).</summary>
    public IReadOnlyList<MovedCustomer> Converted { get; init; } = [];
    /// <summary>Which list the page shows: the stuck customers, or those who went on to the next stage.</summary>
    public bool ShowConverted { get; init; }
    /// <summary>The page of the list shown, from 1.</summary>
    public int Page { get; init; } = 1;
    public int Pages => (int)Math.Max(1, ((ShowConverted ? ConvertedCount : StuckCount) + StuckShown - 1) / StuckShown);
    public DateTimeOffset AsOf { get; init; }

    public bool Measurable => Index >= 0;

    /// <summary>The drill-down of <paramref name="stageId"/>, or null when the journey has no such stage.</summary>
    /// <remarks><paramref name="page"/> (from 1) pages through the stuck list, or the converted one with <paramref name="converted"/>; null: every row (the CSV).</remarks>
    public static StageDrillDown? Build(MeasuredJourney measured, StageEntries entries, string stageId, int? page = 1, bool converted = false)
    {
        if (measured.Journey.FindStage(stageId) is not { } stage)
        {
            return null;
        }

        var analysis = measured.Analysis.Stages.First(s => s.Id == stageId);
        var k = entries.StageIndex(stageId);
        var funnel = measured.Analysis.Stages.Where(s => s.Measurable)
            .Select(s => new FunnelBar(s.Id, s.Name, s.Reached, s.ConversionFromPrevious, s.ConversionFromStart, s.Id == stageId))
            .ToList();
        var result = new StageDrillDown { Stage = stage, Analysis = analysis, Index = k, Funnel = funnel, AsOf = entries.End };
        if (k < 0)
        {
            return result;
        }

        var log = entries.Log;
        var fromStart = new List<double>();
        var fromPrevious = new List<double>();
        var stuck = new List<StuckCustomer>();
        var moved = new List<MovedCustomer>();
        var hasNext = k + 1 < entries.Stages.Count;
        for (var c = 0; c < log.CustomerCount; c++)
        {
            if (entries.EnteredMicros(c, k) is not { } at)
            {
                continue;
            }

            if (k > 0)
            {
                // Seconds as the funnel engine computes them, so the median and p90 agree with the analysis.
                fromStart.Add((at - entries.EnteredMicros(c, 0)!.Value) / 1_000_000.0);
                fromPrevious.Add((at - entries.EnteredMicros(c, k - 1)!.Value) / 1_000_000.0);
            }

            if (hasNext && entries.Level(c) == k + 1)
            {
                var entered = entries.FirstEntry(c, k)!.Value;
                stuck.Add(new StuckCustomer(log.Customers[c], entered, entries.End - entered));
            }
            else if (hasNext && entries.Level(c) > k + 1)
            {
                moved.Add(new MovedCustomer(log.Customers[c], entries.FirstEntry(c, k)!.Value, entries.EnteredAt(c, k + 1)!.Value));
            }
        }

        var skip = page is { } p ? (int)Math.Min(int.MaxValue, (long)(p - 1) * StuckShown) : 0;
        var take = page is null ? int.MaxValue : StuckShown;

        return result with
        {
            FromStart = TimeHistogram.Of(fromStart),
            FromPrevious = TimeHistogram.Of(fromPrevious),
            Next = hasNext ? entries.Stages[k + 1] : null,
            StuckCount = stuck.Count,
            Stuck = converted ? [] : [.. stuck.OrderBy(s => s.Entered).ThenBy(s => s.Customer, StringComparer.Ordinal).Skip(skip).Take(take)],
            ConvertedCount = moved.Count,
            Converted = converted ? [.. moved.OrderBy(s => s.Entered).ThenBy(s => s.Customer, StringComparer.Ordinal).Skip(skip).Take(take)] : [],
            ShowConverted = converted,
            Page = page ?? 1,
        };
    }
}
