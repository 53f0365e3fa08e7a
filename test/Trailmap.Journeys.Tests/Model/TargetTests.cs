using Shouldly;
using Trailmap.Journeys.Model;
using Xunit;

namespace Trailmap.Journeys.Tests.Model;

public sealed class TargetTests
{
    [Theory]
    [InlineData(">= 65%", TargetComparison.AtLeast, 0.65, null, TargetUnit.Percent)]
    [InlineData("≥ 65%", TargetComparison.AtLeast, 0.65, null, TargetUnit.Percent)]
    [InlineData("< 30m", TargetComparison.LessThan, 1800.0, null, TargetUnit.Duration)]
    [InlineData("<= 2d", TargetComparison.AtMost, 172800.0, null, TargetUnit.Duration)]
    [InlineData("> 40", TargetComparison.MoreThan, 40.0, null, TargetUnit.Number)]
    [InlineData("> -10", TargetComparison.MoreThan, -10.0, null, TargetUnit.Number)]
    [InlineData(">= 2x", TargetComparison.AtLeast, 2.0, null, TargetUnit.Number)]
    [InlineData("== 100", TargetComparison.Equal, 100.0, null, TargetUnit.Number)]
    [InlineData("2%..5%", TargetComparison.Between, 0.02, 0.05, TargetUnit.Percent)]
    [InlineData("115% .. 130%", TargetComparison.Between, 1.15, 1.30, TargetUnit.Percent)]
    [InlineData("2x..3x", TargetComparison.Between, 2.0, 3.0, TargetUnit.Number)]
    [InlineData("1d..3d", TargetComparison.Between, 86400.0, 259200.0, TargetUnit.Duration)]
    public void Parses_comparisons_and_ranges(string text, TargetComparison comparison, double value, double? upper, TargetUnit unit)
    {
        var t = Target.Parse(text);
        t.Comparison.ShouldBe(comparison);
        t.Value.ShouldBe(value, 1e-12);
        if (upper is { } u)
        {
            t.UpperValue!.Value.ShouldBe(u, 1e-12);
        }
        else
        {
            t.UpperValue.ShouldBeNull();
        }

        t.Unit.ShouldBe(unit);
        t.Text.ShouldBe(text);
    }

    [Theory]
    // A bare number or percentage reads as "at least", and says so wherever the target is printed.
    [InlineData("95%", 0.95, TargetUnit.Percent, ">= 95%")]
    [InlineData("40", 40.0, TargetUnit.Number, ">= 40")]
    [InlineData("0.4", 0.4, TargetUnit.Number, ">= 0.4")]
    [InlineData("115%", 1.15, TargetUnit.Percent, ">= 115%")]
    [InlineData("2x", 2.0, TargetUnit.Number, ">= 2x")]
    public void A_bare_number_or_percentage_means_at_least(string text, double value, TargetUnit unit, string shown)
    {
        var t = Target.Parse(text);
        t.Comparison.ShouldBe(TargetComparison.AtLeast);
        t.Value.ShouldBe(value, 1e-12);
        t.Unit.ShouldBe(unit);
        t.Text.ShouldBe(shown);
        // 95%: 96% meets it, 90% is within 10% of it (at risk down to 85.5%), 80% misses it.
        if (text == "95%")
        {
            t.Evaluate(0.96).ShouldBe(TargetStatus.Met);
            t.Evaluate(0.90).ShouldBe(TargetStatus.AtRisk);
            t.Evaluate(0.80).ShouldBe(TargetStatus.Missed);
        }
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("2d", "is not a target")]
    [InlineData("at least 40", "is not a target")]
    [InlineData(">= lots", "neither a number")]
    [InlineData("5%..2%", "runs backwards")]
    [InlineData("2%..5d", "same unit")]
    [InlineData(">= abc%", "not a percentage")]
    public void Rejects_what_is_not_a_target(string text, string message)
    {
        Target.TryParse(text, out _, out var error).ShouldBeFalse();
        error.ShouldContain(message);
    }

    [Theory]
    // >= 65%: at risk down to 65% - 6.5 points = 58.5%
    [InlineData(">= 65%", 0.70, TargetStatus.Met)]
    [InlineData(">= 65%", 0.65, TargetStatus.Met)]
    [InlineData(">= 65%", 0.60, TargetStatus.AtRisk)]
    [InlineData(">= 65%", 0.58, TargetStatus.Missed)]
    // < 2d (172800 s): at risk up to 2.2d (190080 s)
    [InlineData("< 2d", 86400.0, TargetStatus.Met)]
    [InlineData("< 2d", 172800.0, TargetStatus.AtRisk)]
    [InlineData("< 2d", 181440.0, TargetStatus.AtRisk)]
    [InlineData("< 2d", 216000.0, TargetStatus.Missed)]
    // 20%..35%: at risk from 18% below and up to 38.5% above
    [InlineData("20%..35%", 0.25, TargetStatus.Met)]
    [InlineData("20%..35%", 0.20, TargetStatus.Met)]
    [InlineData("20%..35%", 0.35, TargetStatus.Met)]
    [InlineData("20%..35%", 0.19, TargetStatus.AtRisk)]
    [InlineData("20%..35%", 0.10, TargetStatus.Missed)]
    [InlineData("20%..35%", 0.37, TargetStatus.AtRisk)]
    [InlineData("20%..35%", 0.40, TargetStatus.Missed)]
    // > 40: at risk from 36 up to and including 40
    [InlineData("> 40", 41.0, TargetStatus.Met)]
    [InlineData("> 40", 40.0, TargetStatus.AtRisk)]
    [InlineData("> 40", 37.0, TargetStatus.AtRisk)]
    [InlineData("> 40", 35.0, TargetStatus.Missed)]
    // > -10: the margin is relative to the bound's size, 1 point
    [InlineData("> -10", -10.5, TargetStatus.AtRisk)]
    [InlineData("> -10", -12.0, TargetStatus.Missed)]
    // == 0 has no margin
    [InlineData("== 0", 0.0, TargetStatus.Met)]
    [InlineData("== 0", 0.1, TargetStatus.Missed)]
    public void Evaluates_met_at_risk_within_ten_percent_relative_or_missed(string target, double actual, TargetStatus expected) =>
        Target.Parse(target).Evaluate(actual).ShouldBe(expected);

    [Fact]
    public void No_actual_is_no_data()
    {
        Target.Parse(">= 65%").Evaluate(null).ShouldBe(TargetStatus.NoData);
        Target.Parse(">= 65%").Evaluate(double.NaN).ShouldBe(TargetStatus.NoData);
    }

    [Fact]
    public void Formats_actuals_in_the_target_unit()
    {
        Target.Parse(">= 65%").FormatValue(0.612).ShouldBe("61.2%");
        Target.Parse("< 2d").FormatValue(216000).ShouldBe("2.5d");
        Target.Parse("> 40").FormatValue(42).ShouldBe("42");
    }
}
