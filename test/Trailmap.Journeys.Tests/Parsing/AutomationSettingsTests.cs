using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Writing;
using Xunit;

namespace Trailmap.Journeys.Tests.Parsing;

/// <summary>The top-level <c>automation:</c> map and the rules' <c>on_resume</c>: parsed, defaulted, checked, written back.</summary>
public sealed class AutomationSettingsTests
{
    private const string Head = """
        id: j
        title: J
        stages:
          - id: a
            name: A
            entry: Signed Up
            kpis:
              - { id: k, name: K, type: count, event: Signed Up, target: ">= 10" }
        interventions:
          - id: nudge
            name: Nudge
            when: { no_event: Logged In, for: 14d }
            then: { channel: email, template: nudge }
            on_resume: send
        sequences:
          - id: welcome
            name: Welcome
            trigger: { entered_stage: a }
            steps: [{ day: 0, then: { channel: in-app, message: Hi } }]

        """;

    private static JourneyFile Parse(string automation) => JourneyFile.FromText(Head + automation);

    [Fact]
    public void Full_settings_parse_with_their_values()
    {
        var file = Parse("""
            automation:
              frequency_cap: { max: 3, per: 7d }
              quiet_hours: { from: "21:30", to: "08:00", timezone_trait: tz, default_timezone: Europe/Berlin }
            """);

        file.Diagnostics.ShouldBeEmpty();
        var a = file.Journey!.Automation!;
        a.FrequencyCap.ShouldBe(new FrequencyCap { Max = 3, Per = Duration.Parse("7d") });
        a.QuietHours!.From.ShouldBe(new TimeOnly(21, 30));
        a.QuietHours.To.ShouldBe(new TimeOnly(8, 0));
        a.QuietHours.TimezoneTrait.ShouldBe("tz");
        a.QuietHours.DefaultTimezone.ShouldBe("Europe/Berlin");
        file.Journey.Interventions[0].OnResume.ShouldBe(ResumePolicy.Send);
        file.Journey.Sequences[0].OnResume.ShouldBeNull();
    }

    [Fact]
    public void Quiet_hours_default_to_the_timezone_trait_and_utc()
    {
        var q = Parse("""
            automation:
              quiet_hours: { from: "22:00", to: "7:00" }
            """).Journey!.Automation!.QuietHours!;

        (q.TimezoneTrait, q.DefaultTimezone, q.To).ShouldBe(("timezone", "UTC", new TimeOnly(7, 0)));
    }

    [Theory]
    [InlineData("frequency_cap: { max: 0, per: 7d }", "TM005", "at least 1")]
    [InlineData("frequency_cap: { max: 2.5, per: 7d }", "TM005", "whole number")]
    [InlineData("frequency_cap: { max: 2, per: 0d }", "TM009", "longer than zero")]
    [InlineData("frequency_cap: { max: 2 }", "TM003", "needs 'per'")]
    [InlineData("quiet_hours: { from: \"24:00\", to: \"08:00\" }", "TM015", "HH:MM")]
    [InlineData("quiet_hours: { to: \"08:00\" }", "TM003", "need 'from'")]
    [InlineData("quiet_hours: { from: \"22:00\", to: \"08:00\", default_timezone: Mars/Olympus }", "TM014", "IANA name")]
    [InlineData("quiet_hours: { from: \"22:00\", to: \"08:00\", default_timezone: Europe/Berln }", "TM014", "did you mean 'Europe/Berlin'")]
    [InlineData("quiet_hour: { from: \"22:00\", to: \"08:00\" }", "TM002", "quiet_hours")]
    public void Bad_settings_report_one_diagnostic_that_says_what_to_write(string setting, string code, string message)
    {
        var file = Parse("automation:\n  " + setting + "\n");

        var d = file.Diagnostics.ShouldHaveSingleItem(string.Join("\n", file.Diagnostics));
        d.Code.ShouldBe(code);
        d.Message.ShouldContain(message);
        d.Location.Line.ShouldBe(21);   // the settings line: Head has 19 lines, "automation:" is line 20
    }

    [Fact]
    public void Bad_on_resume_value_is_invalid_with_the_allowed_values()
    {
        var file = JourneyFile.FromText(Head.Replace("on_resume: send", "on_resume: later", StringComparison.Ordinal));

        var d = file.Diagnostics.ShouldHaveSingleItem();
        (d.Code, d.Location.Line).ShouldBe(("TM005", 14));
        d.Message.ShouldContain("skip, send");
    }

    [Fact]
    public void Settings_and_on_resume_round_trip_through_the_writer()
    {
        var journey = Parse("""
            automation:
              frequency_cap: { max: 2, per: 1d }
              quiet_hours: { from: "22:00", to: "06:30", default_timezone: America/New_York }
            """).Journey!;

        var again = JourneyFile.FromText(JourneyYamlWriter.Write(journey));

        again.Diagnostics.ShouldBeEmpty();
        again.Journey!.Automation.ShouldBe(journey.Automation! with { Location = again.Journey.Automation!.Location });
        again.Journey.Interventions[0].OnResume.ShouldBe(ResumePolicy.Send);
    }
}
