using Shouldly;
using Trailmap.Journeys.Model;
using Xunit;

namespace Trailmap.Journeys.Tests.Model;

public sealed class DurationTests
{
    [Theory]
    [InlineData("90s", 90.0, "90s")]
    [InlineData("30m", 1800.0, "30m")]
    [InlineData("12h", 43200.0, "12h")]
    [InlineData("14d", 1209600.0, "14d")]
    [InlineData("3d", 259200.0, "3d")]
    [InlineData("2w", 1209600.0, "2w")]
    [InlineData("14 days", 1209600.0, "14 days")]
    [InlineData("3 D", 259200.0, "3 D")]
    [InlineData("1.5h", 5400.0, "1.5h")]
    [InlineData("45 minutes", 2700.0, "45 minutes")]
    public void Parses_a_number_and_a_unit(string text, double seconds, string shownAsWritten)
    {
        var d = Duration.Parse(text);
        d.TotalSeconds.ShouldBe(seconds);
        d.Text.ShouldBe(shownAsWritten);
    }

    [Theory]
    [InlineData("")]
    [InlineData("14")]
    [InlineData("fortnight")]
    [InlineData("-3d")]
    [InlineData("3 parsecs")]
    [InlineData("d3")]
    public void Rejects_what_is_not_a_duration(string text) =>
        Duration.TryParse(text, out _).ShouldBeFalse();

    [Theory]
    [InlineData(0.0, "0s")]
    [InlineData(100.0, "100s")]
    [InlineData(86400.0, "1d")]
    [InlineData(129600.0, "36h")]
    [InlineData(100000.0, "100000s")]
    [InlineData(0.5, "0.5s")]
    public void Formats_in_the_largest_exact_unit(double seconds, string text) =>
        Duration.Format(TimeSpan.FromSeconds(seconds)).ShouldBe(text);

    [Theory]
    [InlineData(0.0, "0s")]
    [InlineData(30.0, "30s")]
    [InlineData(90.0, "1.5m")]
    [InlineData(5400.0, "1.5h")]
    [InlineData(100000.0, "1.2d")] // 1.157d
    [InlineData(216000.0, "2.5d")]
    [InlineData(1209600.0, "2w")]
    public void Formats_measured_spans_approximately_for_people(double seconds, string text) =>
        Duration.FormatApproximate(TimeSpan.FromSeconds(seconds)).ShouldBe(text);
}

public sealed class DeadlineTests
{
    [Theory]
    [InlineData("within 7d of signup", 604800.0, "signup")]
    [InlineData("within 3d of Signed Up", 259200.0, "Signed Up")]
    [InlineData("WITHIN 14 days OF activate", 1209600.0, "activate")]
    [InlineData("90d after Subscription Started", 7776000.0, "Subscription Started")]
    [InlineData("within 14d", 1209600.0, null)]
    public void Parses_a_span_and_what_it_counts_from(string text, double seconds, string? of)
    {
        Deadline.TryParse(text, out var d, out _).ShouldBeTrue();
        d.Within.TotalSeconds.ShouldBe(seconds);
        d.Of.ShouldBe(of);
        d.Text.ShouldBe(text);
    }

    [Theory]
    [InlineData("soon", "is not a deadline")]
    [InlineData("within a week of signup", "is not a deadline")]
    [InlineData("within 7 parsecs of signup", "is not a duration")]
    public void Rejects_what_is_not_a_deadline(string text, string message)
    {
        Deadline.TryParse(text, out _, out var error).ShouldBeFalse();
        error.ShouldContain(message);
    }
}

public sealed class MilestoneOffsetTests
{
    [Theory]
    [InlineData("Day 14", MilestoneUnit.Day, 14, 14.0)]
    [InlineData("week 2", MilestoneUnit.Week, 2, 14.0)]
    [InlineData("Month 6", MilestoneUnit.Month, 6, 182.64)]
    [InlineData("Year 2", MilestoneUnit.Year, 2, 730.5)]
    public void Orders_milestones_in_time(string text, MilestoneUnit unit, int number, double days)
    {
        MilestoneOffset.TryParse(text, out var o).ShouldBeTrue();
        (o.Unit, o.Number).ShouldBe((unit, number));
        o.ApproximateDays.ShouldBe(days, 1e-9);
    }

    [Theory]
    [InlineData("Day 1-3")]
    [InlineData("Strategic account status")]
    public void Free_text_has_no_offset(string text) =>
        MilestoneOffset.TryParse(text, out _).ShouldBeFalse();
}

public sealed class EmotionScaleTests
{
    [Theory]
    [InlineData("1..5", 1, 5)]
    [InlineData("-2..2", -2, 2)]
    [InlineData("1..10", 1, 10)]
    [InlineData("1 to 10", 1, 10)]
    public void Parses_the_supported_scales(string text, int min, int max)
    {
        EmotionScale.TryParse(text, out var s).ShouldBeTrue();
        (s.Min, s.Max).ShouldBe((min, max));
    }

    [Theory]
    [InlineData("0..5")]
    [InlineData("1..7")]
    [InlineData("happy")]
    public void Rejects_other_scales(string text) => EmotionScale.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void Maps_scores_onto_mermaids_one_to_five()
    {
        var s = new EmotionScale(-2, 2);
        s.ToMermaid(0).ShouldBe(3);
        s.ToMermaid(-2).ShouldBe(1);
        s.ToMermaid(2).ShouldBe(5);
        new EmotionScale(1, 10).ToMermaid(7).ShouldBe(4); // (7-1)/9*4 + 1 = 3.67 -> 4
    }
}
