using Trailmap.Analytics.Statistics;

namespace Trailmap.Analytics.Tests.Statistics;

/// <summary>Against values of an independent implementation (the C library's erfc, via Python's math.erfc).</summary>
public sealed class NormalTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.1, 0.8875370839817152)]
    [InlineData(1.0, 0.15729920705028513)]
    [InlineData(2.5, 0.0004069520174449589)]
    [InlineData(2.99, 2.3525603080640195e-05)]
    [InlineData(3.0, 2.2090496998585438e-05)]
    [InlineData(4.5, 1.9661604415428873e-10)]
    [InlineData(7.0, 4.183825607779414e-23)]
    public void Erfc_matches_the_c_library_to_ten_digits(double x, double expected) =>
        Normal.Erfc(x).ShouldBe(expected, expected * 1e-10);

    // z = 1.959963984540054 is the 97.5th percentile, so the two-sided p-value is 0.05.
    [Fact]
    public void The_two_sided_p_of_the_97_5th_percentile_is_five_percent() =>
        Normal.TwoSidedP(-1.959963984540054).ShouldBe(0.05, 1e-12);

    // p = 0.04, 0.01, 0.03 (m = 3). Sorted: 0.01 * 3 = 0.03; 0.03 * 2 = 0.06; 0.04 * 1 = 0.04, raised to 0.06 to stay monotone.
    [Fact]
    public void Holm_multiplies_by_the_remaining_count_and_stays_monotone() =>
        Normal.Holm([0.04, 0.01, 0.03]).ShouldBe([0.06, 0.03, 0.06], 1e-15);
}
