using System.Globalization;
using System.Text.RegularExpressions;

namespace Trailmap.Journeys.Model;

/// <summary>The range emotion scores are written on: 1..5 (Mermaid's), -2..2 or 1..10.</summary>
public sealed partial record EmotionScale(int Min, int Max)
{
    public static EmotionScale Default { get; } = new(1, 5);

    public static IReadOnlyList<EmotionScale> Supported { get; } = [new(1, 5), new(-2, 2), new(1, 10)];

    public bool Contains(double score) => score >= Min && score <= Max;

    /// <summary>Position of a score between 0 (worst) and 1 (best).</summary>
    public double Normalise(double score) => (score - Min) / (Max - Min);

    /// <summary>Maps a score onto Mermaid's 1-5 scale, rounding to the nearest whole point.</summary>
    public int ToMermaid(double score) =>
        (int)Math.Clamp(Math.Round(1 + (Normalise(score) * 4), MidpointRounding.AwayFromZero), 1, 5);

    public double FromMermaid(int score) => Min + ((score - 1) / 4.0 * (Max - Min));

    public static bool TryParse(string text, out EmotionScale scale)
    {
        scale = Default;
        var m = ScalePattern().Match(text.Trim());
        if (!m.Success)
        {
            return false;
        }

        var min = int.Parse(m.Groups["min"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var max = int.Parse(m.Groups["max"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var candidate = new EmotionScale(min, max);
        if (!Supported.Contains(candidate))
        {
            return false;
        }

        scale = candidate;
        return true;
    }

    public override string ToString() => $"{Min}..{Max}";

    [GeneratedRegex(@"^(?<min>[+-]?\d+)\s*(?:\.\.|-|to)\s*(?<max>[+-]?\d+)$")]
    private static partial Regex ScalePattern();
}
