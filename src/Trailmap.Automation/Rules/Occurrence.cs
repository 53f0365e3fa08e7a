using System.Globalization;
using Trailmap.Events;

namespace Trailmap.Automation.Rules;

/// <summary>
/// Builds occurrence keys from instants in history. Keys use a compact UTC stamp without colons
/// (<c>20260105T101500.123456Z</c>) because the idempotency key joins its parts with colons.
/// </summary>
internal static class Occurrence
{
    /// <summary><paramref name="kind"/>-stamp, plus -2, -3... for the second and later firing at the same instant.</summary>
    /// <remarks>Written digit by digit into one string: evaluation makes one per trigger, millions per pass.</remarks>
    public static string Of(string kind, long micros, int ordinal)
    {
        var t = EventLogBuilder.FromMicros(micros).UtcDateTime;
        var fraction = (int)(((micros % 1_000_000) + 1_000_000) % 1_000_000);
        var suffix = ordinal <= 1 ? "" : "-" + ordinal.ToString(CultureInfo.InvariantCulture);
        return string.Create(kind.Length + 24 + suffix.Length, (kind, t, fraction, suffix), static (span, state) =>
        {
            var (k, d, f, x) = state;
            k.AsSpan().CopyTo(span);
            span[k.Length] = '-';
            var s = span[(k.Length + 1)..];
            Digits(s[..4], d.Year);
            Digits(s.Slice(4, 2), d.Month);
            Digits(s.Slice(6, 2), d.Day);
            s[8] = 'T';
            Digits(s.Slice(9, 2), d.Hour);
            Digits(s.Slice(11, 2), d.Minute);
            Digits(s.Slice(13, 2), d.Second);
            s[15] = '.';
            Digits(s.Slice(16, 6), f);
            s[22] = 'Z';
            x.AsSpan().CopyTo(s[23..]);
        });
    }

    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    public static string Step(string run, int step) => $"{run}/step-{step.ToString(CultureInfo.InvariantCulture)}";
}
