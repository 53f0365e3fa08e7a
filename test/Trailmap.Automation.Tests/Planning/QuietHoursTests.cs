using CsCheck;
using Shouldly;
using Trailmap.Automation.Planning;
using Trailmap.Automation.Rules;
using Xunit;
using static Trailmap.Automation.Tests.Tiny;

namespace Trailmap.Automation.Tests.Planning;

public sealed class QuietHoursTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Theory]
    // Berlin is UTC+1 in January. 22:00-08:00 local = 21:00-07:00 UTC.
    [InlineData("2026-01-10 21:30", "2026-01-11 07:00")]   // 22:30 local: waits for 08:00 next morning
    [InlineData("2026-01-10 06:00", "2026-01-10 07:00")]   // 07:00 local: same morning
    [InlineData("2026-01-10 07:00", "2026-01-10 07:00")]   // 08:00 local: the window has ended (to is exclusive)
    [InlineData("2026-01-10 20:59", "2026-01-10 20:59")]   // 21:59 local: not yet quiet
    [InlineData("2026-01-10 12:00", "2026-01-10 12:00")]
    public void Wrapping_window_in_berlin(string due, string released) =>
        new QuietWindow(new TimeOnly(22, 0), new TimeOnly(8, 0)).Release(T(due), Berlin).ShouldBe(T(released));

    [Fact]
    public void Window_ending_in_the_spring_forward_gap_ends_when_clocks_jump()
    {
        // Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC). Window 01:00-02:30: a message at 01:15 CET
        // (00:15 UTC) would wait for 02:30, which does not exist that night; the first wall time after is 03:00
        // CEST = 01:00 UTC.
        new QuietWindow(new TimeOnly(1, 0), new TimeOnly(2, 30)).Release(T("2026-03-29 00:15"), Berlin).ShouldBe(T("2026-03-29 01:00"));
    }

    [Fact]
    public void When_the_jump_forward_swallows_all_sending_time_the_message_waits_another_night()
    {
        // Found by the property below. Sydney, 2026-10-04: 02:00 AEST jumps to 03:00 AEDT (16:00 UTC on Oct 3).
        // Quiet 03:00-02:15 leaves only 02:15-03:00 for sending, which that night does not exist: the end of the gap
        // is 03:00, already quiet again. A message at 22:04 AEST on Oct 3 (12:04 UTC) waits for 02:15 AEDT on Oct 5
        // = 15:15 UTC on Oct 4.
        var sydney = TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney");

        new QuietWindow(new TimeOnly(3, 0), new TimeOnly(2, 15)).Release(T("2026-10-03 12:04"), sydney).ShouldBe(T("2026-10-04 15:15"));
    }

    [Fact]
    public void Clocks_falling_back_below_the_window_open_it_for_the_repeated_minutes()
    {
        // Found by the property below. Sydney, 2026-04-05: 03:00 AEDT falls back to 02:00 AEST (16:00 UTC on Apr 4).
        // Quiet 02:15-06:45: a message at 02:42 AEDT (15:42 UTC) is quiet, but at 16:00 UTC the local time reads
        // 02:00, outside the window, so it goes then instead of at 06:45 AEST (20:45 UTC).
        var sydney = TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney");

        new QuietWindow(new TimeOnly(2, 15), new TimeOnly(6, 45)).Release(T("2026-04-04 15:42:12"), sydney).ShouldBe(T("2026-04-04 16:00"));
    }

    [Fact]
    public void Window_ending_in_the_repeated_fall_back_hour_picks_the_first_end_after_the_message()
    {
        var window = new QuietWindow(new TimeOnly(0, 0), new TimeOnly(1, 30));

        // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST (06:00 UTC), so 01:30 happens twice: 05:30 UTC
        // (EDT) and 06:30 UTC (EST). A message at 01:10 EDT (05:10 UTC) goes at the first 01:30; one at 01:10 EST
        // (06:10 UTC, quiet again in the repeated hour) at the second.
        window.Release(T("2026-11-01 05:10"), NewYork).ShouldBe(T("2026-11-01 05:30"));
        window.Release(T("2026-11-01 06:10"), NewYork).ShouldBe(T("2026-11-01 06:30"));
    }

    [Fact]
    public void Planner_delays_rather_than_drops_and_reads_the_zone_trait()
    {
        var journey = Journey("""
            interventions:
              - { id: a, name: A, when: { event: X }, then: { channel: slack, message: a } }
            automation:
              quiet_hours: { from: "22:00", to: "08:00", timezone_trait: tz, default_timezone: Europe/Berlin }
            """);
        var traits = Traits(("ny", "tz", "America/New_York"), ("bad", "tz", "Mars/Base"));
        var planner = new Planner(journey, traits);

        // 2026-01-10 23:30 UTC: New York 18:30 (not quiet); Berlin 00:30 (quiet until 08:00 = 07:00 UTC), also for
        // the customer whose zone trait is no zone and the one without the trait.
        var due = planner.Plan(new[] { "ny", "bad", "none" }.Select(c => new Trigger("a", c, T("2026-01-10 23:30"), "o")))
            .ToDictionary(d => d.Trigger.CustomerId, d => (d.Outcome, d.Message!.DueAt, d.Message.Delayed));

        due["ny"].ShouldBe((PlanOutcome.Planned, T("2026-01-10 23:30"), false));
        due["bad"].ShouldBe((PlanOutcome.Planned, T("2026-01-11 07:00"), true));
        due["none"].ShouldBe((PlanOutcome.Planned, T("2026-01-11 07:00"), true));
    }

    /// <summary>Local time of day in minutes, computed straight from the zone's rules: the test's own quiet check.</summary>
    private static bool Quiet(DateTimeOffset utc, TimeZoneInfo zone, int from, int to)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc.UtcDateTime, zone).TimeOfDay;
        var m = (int)local.TotalMinutes;
        return from < to ? m >= from && m < to : from > to && (m >= from || m < to);
    }

    private static readonly string[] Zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"];

    // 2026 transitions: US Mar 8 / Nov 1, EU Mar 29 / Oct 25, Australia Apr 5 / Oct 4.
    private static readonly DateTimeOffset[] Transitions =
        [T("2026-03-08"), T("2026-11-01"), T("2026-03-29"), T("2026-10-25"), T("2026-04-05"), T("2026-10-04"), T("2026-07-01")];

    [Fact]
    public void Property_released_messages_are_never_due_inside_the_window_and_never_later_than_needed()
    {
        var gen = Gen.Select(Gen.Int[0, Zones.Length - 1], Gen.Int[0, Transitions.Length - 1], Gen.Int[-3 * 24 * 60, 3 * 24 * 60], Gen.Int[0, 95], Gen.Int[0, 95], Gen.Int[0, 59]);
        gen.Sample((z, tr, minute, fromQ, toQ, second) =>
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(Zones[z]);
            var (from, to) = (fromQ * 15, toQ * 15);
            var due = Transitions[tr].AddMinutes(minute).AddSeconds(second);
            var released = new QuietWindow(new TimeOnly(from / 60, from % 60), new TimeOnly(to / 60, to % 60)).Release(due, zone);

            released.ShouldBeGreaterThanOrEqualTo(due);
            Quiet(released, zone, from, to).ShouldBeFalse($"released {released:u} in {zone.Id} is inside {from}..{to}");
            if (!Quiet(due, zone, from, to))
            {
                released.ShouldBe(due);
                return;
            }

            // Otherwise the earliest whole UTC minute after the message that is not quiet (zone offsets are whole
            // quarter hours, so the window's end is on a whole minute).
            var naive = new DateTimeOffset(due.UtcTicks - (due.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(1);
            while (Quiet(naive, zone, from, to))
            {
                naive = naive.AddMinutes(1);
            }

            released.ShouldBe(naive);
        }, iter: 20_000);
    }
}
