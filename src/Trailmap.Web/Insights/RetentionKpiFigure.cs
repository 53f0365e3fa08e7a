using Trailmap.Analytics.Retention;

namespace Trailmap.Web.Insights;

/// <summary>
/// A retention KPI's figure read off the cohort table the retention view draws: customers retained in period N over
/// the cohorts whose period N has ended for all their customers by the last event (a younger cohort would read as
/// churned when it has simply not had the time). A cohort spans one period of start days, so its period N has ended
/// once period N + 2 of its first day begins. This is the rule the analysis measures the KPI by, so the KPI board and
/// the retention view show the same number, and the view shows which cells it comes from.
/// </summary>
public sealed record RetentionKpiFigure(int Period, long Retained, long Customers, IReadOnlySet<DateOnly> Cohorts)
{
    public double? Share => Customers > 0 ? (double)Retained / Customers : null;

    public static RetentionKpiFigure Of(RetentionTable table, RetentionQuery query, int period, DateOnly end)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(query);
        long retained = 0, customers = 0;
        var counted = new HashSet<DateOnly>();
        foreach (var cohort in table.Cohorts)
        {
            var ended = query.PeriodStart(cohort.Cohort, period + 2);
            if (ended == DateOnly.MaxValue || ended > end || period >= cohort.Retained.Length)
            {
                continue;
            }

            retained += cohort.Retained[period];
            customers += cohort.Size;
            counted.Add(cohort.Cohort);
        }

        return new RetentionKpiFigure(period, retained, customers, counted);
    }
}
