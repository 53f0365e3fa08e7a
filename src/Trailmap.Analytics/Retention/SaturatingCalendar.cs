namespace Trailmap.Analytics.Retention;

/// <summary>
/// Calendar steps that stop at the end of the calendar (year 9999) instead of throwing. A store written before
/// the accepted range of event times existed may hold times near that end, and an analysis over them must still
/// answer: a period that would end after the calendar's end simply never ends within the data.
/// </summary>
public static class SaturatingCalendar
{
    public static DateTimeOffset AddMonths(DateTimeOffset time, long months) =>
        months <= MonthsLeft(time.Year, time.Month) && months >= -MonthsBefore(time.Year, time.Month)
            ? time.AddMonths((int)months)
            : months > 0 ? DateTimeOffset.MaxValue : DateTimeOffset.MinValue;

    public static DateOnly AddMonths(DateOnly date, long months) =>
        months <= MonthsLeft(date.Year, date.Month) && months >= -MonthsBefore(date.Year, date.Month)
            ? date.AddMonths((int)months)
            : months > 0 ? DateOnly.MaxValue : DateOnly.MinValue;

    public static DateOnly AddDays(DateOnly date, long days) =>
        date.DayNumber + days > DateOnly.MaxValue.DayNumber ? DateOnly.MaxValue
        : date.DayNumber + days < 0 ? DateOnly.MinValue
        : DateOnly.FromDayNumber((int)(date.DayNumber + days));

    // Whole months from (year, month) to December 9999 and back to January of year 1.
    private static long MonthsLeft(int year, int month) => ((9999L - year) * 12) + (12 - month);

    private static long MonthsBefore(int year, int month) => ((year - 1L) * 12) + (month - 1);
}
