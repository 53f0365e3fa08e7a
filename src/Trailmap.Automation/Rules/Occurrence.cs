using System.Globalization;
using Trailmap.Analytics.Events;

namespace Trailmap.Automation.Rules;

/// <summary>
/// Builds occurrence keys from instants in history. Keys use a compact UTC stamp without colons
/// (<c>20260105T101500.123456Z</c>) because the idempotency key joins its parts with colons.
/// </summary>
internal static class Occurrence
{
    public static string Stamp(long micros) =>
        EventLogBuilder.FromMicros(micros).UtcDateTime.ToString("yyyyMMdd'T'HHmmss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary><paramref name="kind"/>-stamp, plus -2, -3... for the second and later firing at the same instant.</summary>
    public static string Of(string kind, long micros, int ordinal) =>
        ordinal <= 1 ? $"{kind}-{Stamp(micros)}" : $"{kind}-{Stamp(micros)}-{ordinal.ToString(CultureInfo.InvariantCulture)}";

    public static string Step(string run, int step) => $"{run}/step-{step.ToString(CultureInfo.InvariantCulture)}";
}
