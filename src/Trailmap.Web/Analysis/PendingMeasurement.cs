using Microsoft.AspNetCore.Http;
using Trailmap.Web.Journeys;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Analysis;

/// <summary>A journey page's measurement and how fresh it is, or the answer to give instead (no such journey, still measuring).</summary>
public sealed record PageMeasurement(MeasuredJourney? Measured, JourneyReading? Reading, IResult? Instead);

/// <summary>How the journey pages read measurements: never waiting for a newer one, briefly for the first.</summary>
public static class PendingMeasurement
{
    /// <summary>How often the "measuring" page reloads itself (a Refresh header: no script, allowed by the CSP).</summary>
    public const int RefreshSeconds = 3;

    /// <summary>The latest measurement of the journey's latest version, for a page on the tab <paramref name="current"/>.</summary>
    public static async Task<PageMeasurement> ReadAsync(HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis, string current = "")
    {
        if (journeys.Find(slug) is not { } stored)
        {
            return new PageMeasurement(null, null, JourneyPages.NotFound(context, slug));
        }

        var reading = await analysis.ReadAsync(stored, journeys.Latest(stored), context.RequestAborted).ConfigureAwait(false);
        return reading.Measured is { } measured
            ? new PageMeasurement(measured, reading, null)
            : new PageMeasurement(null, reading, Measuring(context, stored, reading, current));
    }

    /// <summary>The "measuring" page (503 when the first measurement failed), which reloads itself.</summary>
    public static IResult Measuring(HttpContext context, StoredJourney stored, JourneyReading reading, string current = "")
    {
        context.Response.Headers["Refresh"] = (reading.Failure is null ? RefreshSeconds : (int)AnalysisService.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Page.Render<MeasuringPage>(
            context,
            new { Journey = stored, Reading = reading, Current = current },
            reading.Failure is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
