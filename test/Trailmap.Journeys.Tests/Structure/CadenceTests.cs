using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Validation;
using Xunit;

namespace Trailmap.Journeys.Tests.Structure;

/// <summary>A cadence with a weekday and a time in a time zone ("Friday 5 PM UTC"): read into its parts, checked, shown as written.</summary>
public sealed class CadenceTests
{
    [Theory]
    [InlineData("weekly", "weekly", null, null, null)]
    [InlineData("every 2w", "every 2w", null, null, null)]
    [InlineData("Friday 5 PM UTC", "weekly", DayOfWeek.Friday, "17:00", "UTC")]
    [InlineData("monthly on Friday at 5 PM UTC", "monthly", DayOfWeek.Friday, "17:00", "UTC")]
    [InlineData("Weekly, Fridays at 17:30 Europe/Paris", "weekly", DayOfWeek.Friday, "17:30", "Europe/Paris")]
    [InlineData("every 2w on Tue at 9am America/New_York", "every 2w", DayOfWeek.Tuesday, "09:00", "America/New_York")]
    [InlineData("daily at 12 AM GMT", "daily", null, "00:00", "GMT")]
    [InlineData("daily at 12 PM UTC", "daily", null, "12:00", "UTC")]
    [InlineData("weekly on Sunday", "weekly", DayOfWeek.Sunday, null, null)]
    [InlineData("Thursdays", "weekly", DayOfWeek.Thursday, null, null)]
    public void A_cadence_reads_into_how_often_the_weekday_and_the_time_in_its_zone(string text, string frequency, DayOfWeek? day, string? at, string? zone)
    {
        var parts = Cadence.Read(text, out var problem);

        problem.ShouldBeNull();
        parts.ShouldBe(new CadenceParts(frequency, day, at is null ? null : TimeOnly.Parse(at, System.Globalization.CultureInfo.InvariantCulture), zone));
    }

    [Theory]
    [InlineData("Friday 5 PM", "needs its time zone")]
    [InlineData("weekly at 17:00", "needs its time zone")]
    [InlineData("Friday 5 PM Mars/Olympus", "'Mars/Olympus' is not a time zone")]
    [InlineData("weekly on Friday at 25:00 UTC", "25:00 is not a time of day")]
    [InlineData("weekly at 13 PM UTC", "13 is not an hour of a 12-hour clock")]
    [InlineData("daily on Friday", "has no weekday")]
    [InlineData("hourly at 5 PM UTC", "hourly cadence has no time of day")]
    [InlineData("every soon on Friday", "'soon' is not a duration")]
    [InlineData("5 PM UTC", "write hourly, daily")]
    [InlineData("now and then", "write hourly, daily")]
    public void A_cadence_that_does_not_hold_says_why(string text, string why)
    {
        Cadence.Read(text, out var problem).ShouldBeNull();
        problem.ShouldNotBeNull().ShouldContain(why);
    }

    [Fact]
    public void A_bad_cadence_is_an_error_at_its_value_with_the_reason_and_a_good_one_is_shown_as_written()
    {
        const string Yaml = """
            id: j
            title: J
            stages:
              - id: a
                name: A
                touchpoints:
                  - { id: hours, name: Office hours, channel: Discord, cadence: "Friday 5 PM" }
            """;
        var error = JourneyFile.FromText(Yaml).Diagnostics.Where(d => d.Severity == Severity.Error).ShouldHaveSingleItem();
        // Line 7; the value's quote follows "      - { id: hours, name: Office hours, channel: Discord, cadence: " (68 characters).
        (error.Code, error.Location.Line, error.Location.Column).ShouldBe(("TM005", 7, 69));
        error.Message.ShouldContain("needs its time zone");

        var good = JourneyFile.FromText(Yaml.Replace("\"Friday 5 PM\"", "\"monthly on Friday at 5 PM <UTC>\"", StringComparison.Ordinal));
        good.HasErrors.ShouldBeTrue("the zone is checked: '<UTC>' is none");
        var j = JourneyFile.FromText(Yaml.Replace("\"Friday 5 PM\"", "\"monthly on Friday at 5 PM UTC\"", StringComparison.Ordinal)).Journey!;
        HtmlRenderer.Render(j).ShouldContain("<span class=\"chip cadence\" title=\"Recurs monthly on Friday at 5 PM UTC\">↻ monthly on Friday at 5 PM UTC</span>");
        // The SVG wraps a line at spaces into several text elements; read together they say the cadence.
        var svgText = string.Join(" ", System.Text.RegularExpressions.Regex.Matches(SvgRenderer.Render(j), "<text[^>]*>([^<]*)</text>")
            .Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)));
        svgText.ShouldContain("↻ monthly on Friday at 5 PM UTC");
        CsvRenderer.Render(j).ShouldContain("monthly on Friday at 5 PM UTC");
        MarkdownRenderer.Render(j).ShouldContain("monthly on Friday at 5 PM UTC");
        JsonRenderer.Render(j).ShouldContain("\"cadence\": \"monthly on Friday at 5 PM UTC\"");
    }
}
