using Shouldly;
using Trailmap.Journeys.Model;
using Xunit;

namespace Trailmap.Journeys.Tests.Model;

public sealed class FilterTests
{
    private static bool Matches(string filter, params (string Key, object? Value)[] bag)
    {
        var props = bag.ToDictionary(p => p.Key, p => p.Value);
        return Filter.Parse(filter).Matches(k => props.GetValueOrDefault(k));
    }

    [Fact]
    public void And_binds_tighter_than_or()
    {
        const string f = "a == 1 or b == 2 and c == 3";
        Filter.Parse(f).ShouldBeOfType<Filter.Or>().Right.ShouldBeOfType<Filter.And>();
        Matches(f, ("a", 1)).ShouldBeTrue();
        Matches(f, ("b", 2)).ShouldBeFalse();
        Matches(f, ("b", 2), ("c", 3)).ShouldBeTrue();
    }

    [Fact]
    public void Not_binds_tighter_than_and()
    {
        const string f = "not a == 1 and b == 2";
        Filter.Parse(f).ShouldBeOfType<Filter.And>().Left.ShouldBeOfType<Filter.Not>();
        Matches(f).ShouldBeFalse(); // (not false) and false; "not (a == 1 and b == 2)" would be true
        Matches(f, ("b", 2)).ShouldBeTrue();
        Matches(f, ("a", 1), ("b", 2)).ShouldBeFalse();
    }

    [Fact]
    public void Parentheses_override_precedence()
    {
        const string f = "(a == 1 or b == 2) and c == 3";
        Matches(f, ("a", 1)).ShouldBeFalse();
        Matches(f, ("a", 1), ("c", 3)).ShouldBeTrue();
        Filter.Parse(f).ToString().ShouldBe("(a == 1 or b == 2) and c == 3");
    }

    [Fact]
    public void In_matches_any_listed_value()
    {
        Matches("country in [\"DE\", \"FR\"]", ("country", "FR")).ShouldBeTrue();
        Matches("country in [\"DE\", \"FR\"]", ("country", "US")).ShouldBeFalse();
        Matches("seats in [5, 10]", ("seats", 10)).ShouldBeTrue();
    }

    [Fact]
    public void Exists_tests_presence()
    {
        Matches("coupon exists", ("coupon", "SPRING")).ShouldBeTrue();
        Matches("coupon exists").ShouldBeFalse();
    }

    [Fact]
    public void Contains_is_a_case_sensitive_substring_test()
    {
        Matches("email contains \"@acme\"", ("email", "ann@acme.com")).ShouldBeTrue();
        Matches("email contains \"@acme\"", ("email", "ann@ACME.com")).ShouldBeFalse();
        Matches("email contains \"@acme\"", ("email", 42)).ShouldBeFalse();
    }

    [Fact]
    public void Single_double_and_escaped_quotes_delimit_text()
    {
        Matches("plan == 'team'", ("plan", "team")).ShouldBeTrue();
        Matches("name == \"say \\\"hi\\\"\"", ("name", "say \"hi\"")).ShouldBeTrue();
        Matches("plan == \"team or solo\"", ("plan", "team or solo")).ShouldBeTrue();
    }

    [Fact]
    public void Numbers_compare_numerically_whatever_their_type()
    {
        Matches("seats >= 5", ("seats", 5)).ShouldBeTrue();
        Matches("seats >= 5", ("seats", 4.5)).ShouldBeFalse();
        Matches("seats >= 5", ("seats", "12")).ShouldBeTrue(); // "12" < "5" as text, 12 > 5 as a number
        Matches("seats < 5", ("seats", 4L)).ShouldBeTrue();
        Matches("health <= -1.5", ("health", -2)).ShouldBeTrue();
        Matches("seats > 5").ShouldBeFalse(); // a missing value never orders
    }

    [Fact]
    public void Missing_property_equals_nothing_and_differs_from_everything()
    {
        Matches("plan == \"team\"").ShouldBeFalse();
        Matches("plan != \"team\"").ShouldBeTrue();
        Matches("plan == null").ShouldBeTrue();
    }

    [Fact]
    public void Booleans_and_dotted_property_names()
    {
        Matches("trial == true", ("trial", true)).ShouldBeTrue();
        Matches("trial == true", ("trial", "TRUE")).ShouldBeTrue();
        Matches("company.size > 10", ("company.size", 11)).ShouldBeTrue();
    }

    [Fact]
    public void Keywords_are_case_insensitive() =>
        Matches("a == 1 AND NOT b == 2", ("a", 1)).ShouldBeTrue();

    [Fact]
    public void Properties_lists_every_property_read() =>
        Filter.Parse("plan == \"team\" and (seats >= 5 or not coupon exists)").Properties().ShouldBe(["plan", "seats", "coupon"]);

    [Fact]
    public void All_equal_builds_a_conjunction_from_a_mapping()
    {
        var f = Filter.AllEqual([new("plan", "team"), new("seats", 5.0)])!;
        f.ToString().ShouldBe("plan == \"team\" and seats == 5");
        f.Matches(k => k == "plan" ? "team" : 5).ShouldBeTrue();
    }

    [Theory]
    [InlineData("plan == team", 9, "needs quotes")]
    [InlineData("seats >", 8, "ends where a value was expected")]
    [InlineData("(a == 1", 8, "expected ')'")]
    [InlineData("a == 1 b == 2", 8, "unexpected 'b'")]
    [InlineData("plan ! \"x\"", 6, "'!' on its own")]
    [InlineData("country in \"DE\"", 12, "expected '['")]
    [InlineData("country in [\"DE\"", 17, "expected ']'")]
    [InlineData("plan == \"team", 9, "not closed")]
    [InlineData("plan", 5, "needs a comparison")]
    [InlineData("plan is \"x\"", 6, "expected a comparison")]
    [InlineData("== 1", 1, "expected a property name")]
    [InlineData("a == 1 and", 11, "ends where a property name was expected")]
    [InlineData("a == 1 ; b == 2", 8, "unexpected character ';'")]
    public void Syntax_errors_name_the_column(string text, int column, string message)
    {
        FilterParser.TryParse(text, out _, out var error, out var at).ShouldBeFalse();
        at.ShouldBe(column);
        error.ShouldContain(message);
        error.ShouldContain($"at column {column} of the filter");
    }
}
