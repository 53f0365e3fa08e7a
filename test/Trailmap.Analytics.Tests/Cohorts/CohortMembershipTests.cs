using Trailmap.Analytics.Cohorts;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Tests.Funnels;
using Trailmap.Events;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Parsing;

namespace Trailmap.Analytics.Tests.Cohorts;

/// <summary>
/// Cohort membership by hand, times in seconds (D = one day = 86 400 s; 0 is Thursday 1970-01-01 00:00 UTC):
/// u1 signed_up@0 invite@1D invite@7D (the window's last instant);
/// u2 signed_up@0 invite@1D invite@7D+1s (one second too late);
/// u3 invite@-1s (before signing up) signed_up@0 invite@2D;
/// u4 signed_up@0 invite@1D invite@2D churned@30D;
/// u5 invite@1D invite@2D (never signed up);
/// u6 signed_up@0 signed_up@3D invite@8D invite@9D (the window opens at the first signed_up);
/// u7 signed_up@10s invite@10s invite@10s (the window's first instant).
/// </summary>
public sealed class CohortMembershipTests
{
    private const long D = 86_400;

    private static readonly Dictionary<string, IReadOnlyDictionary<string, object?>> Traits = new()
    {
        ["u1"] = new Dictionary<string, object?> { ["plan"] = "team" },
        ["u7"] = new Dictionary<string, object?> { ["plan"] = "free" },
    };

    private static EventLog Log()
    {
        var b = new EventLogBuilder();
        var seq = 0;
        void Add(string c, string name, long seconds) => b.Add(c, name, seconds * TestLogs.Second, seq++);
        Add("u1", "signed_up", 0); Add("u1", "invite_sent", D); Add("u1", "invite_sent", 7 * D);
        Add("u2", "signed_up", 0); Add("u2", "invite_sent", D); Add("u2", "invite_sent", (7 * D) + 1);
        Add("u3", "invite_sent", -1); Add("u3", "signed_up", 0); Add("u3", "invite_sent", 2 * D);
        Add("u4", "signed_up", 0); Add("u4", "invite_sent", D); Add("u4", "invite_sent", 2 * D); Add("u4", "churned", 30 * D);
        Add("u5", "invite_sent", D); Add("u5", "invite_sent", 2 * D);
        Add("u6", "signed_up", 0); Add("u6", "signed_up", 3 * D); Add("u6", "invite_sent", 8 * D); Add("u6", "invite_sent", 9 * D);
        Add("u7", "signed_up", 10); Add("u7", "invite_sent", 10); Add("u7", "invite_sent", 10);
        return b.WithTraits(Traits.ToDictionary(kv => kv.Key, kv => kv.Value)).Build();
    }

    private const string Inviters = """
        - id: inviters
          did:
            - { event: invite_sent, at_least: 2, of: signed_up, within: 7d }
          did_not: [churned]
        """;

    /// <summary>The cohorts of a journey file whose cohorts: section is <paramref name="yaml"/>.</summary>
    internal static IReadOnlyList<Cohort> Parse(string yaml)
    {
        var text = "id: j\ntitle: J\nstages:\n  - { id: s, name: S }\ncohorts:\n" + string.Join('\n', yaml.Split('\n').Select(l => "  " + l));
        var result = JourneyParser.Parse(text);
        result.Diagnostics.ShouldBeEmpty();
        return result.Journey!.Cohorts;
    }

    private static string[] Members(string yaml, DateTimeOffset? asOf = null) =>
        [.. CohortAnalysis.Members(Log(), Parse(yaml)[0], asOf).Order(StringComparer.Ordinal)];

    [Fact]
    public void Did_at_least_twice_within_7_days_of_signing_up_and_never_churned()
    {
        // u1: 1D and 7D are both inside [0, 7D]. u7: both invites at the anchor's instant count.
        // Not: u2 (7D+1s is outside), u3 (-1s is before the anchor), u4 (churned), u5 (no anchor), u6 (8D, 9D after 0 + 7D).
        Members(Inviters).ShouldBe(["u1", "u7"]);
    }

    [Fact]
    public void As_of_a_moment_only_the_events_up_to_it_count()
    {
        // By 29D u4 has not churned yet; by 6D u1 has one invite only; the boundary instant itself counts.
        Members(Inviters, DateTimeOffset.UnixEpoch.AddDays(29)).ShouldBe(["u1", "u4", "u7"]);
        Members(Inviters, DateTimeOffset.UnixEpoch.AddDays(7).AddTicks(-10)).ShouldBe(["u4", "u7"]);
        Members(Inviters, DateTimeOffset.UnixEpoch.AddDays(30)).ShouldBe(["u1", "u7"]);
    }

    [Fact]
    public void At_most_bounds_the_count_in_the_window()
    {
        // Exactly one invite in [anchor, anchor + 7D]: u2 (1D; 7D+1s is out) and u3 (2D; -1s is before the anchor).
        Members("- id: one\n  did:\n    - { event: invite_sent, at_most: 1, of: signed_up, within: 7d }").ShouldBe(["u2", "u3"]);
    }

    [Fact]
    public void Did_not_in_a_window_forbids_the_event_only_there()
    {
        // No invite in [signup, signup + 1D]: u3 (its invite at -1s is before) and u6 (8D); u1, u2, u4 invited at exactly
        // 1D, u7 at the signup; u5 never signed up, so it has no window to be judged in.
        Members("- id: slow\n  did_not:\n    - { event: invite_sent, of: signed_up, within: 1d }").ShouldBe(["u3", "u6"]);
    }

    [Fact]
    public void Traits_and_behaviour_must_both_hold()
    {
        Members(Inviters + "\n  traits: 'plan == \"team\"'").ShouldBe(["u1"]);
    }

    [Fact]
    public void A_saved_list_holds_its_ids()
    {
        Members("- id: saved\n  ids: [u2, u5, nobody]").ShouldBe(["u2", "u5"]);
    }

    [Fact]
    public void A_funnel_filtered_by_the_cohort_counts_its_members_only()
    {
        // signed_up then invite_sent within 1D: u1 (invite at exactly 1D) and u7 (at the signup) both convert.
        var log = Log();
        var members = CohortAnalysis.Members(log, Parse(Inviters)[0]);
        var r = FunnelEngine.Run(CohortAnalysis.Keep(log, members), Funnel());
        r.Steps.Select(s => s.Customers).ShouldBe([2L, 2L]);
    }

    [Fact]
    public void A_funnel_broken_down_by_the_cohort_splits_members_from_the_rest()
    {
        // Members u1, u7: 2 entered, 2 converted. The rest: u2 and u4 convert at 1D; u3's invite at 2D is too late;
        // u6's latest chain starts at 3D and its invites come at 8D; u5 never enters. So 4 entered, 2 converted.
        var log = Log();
        var members = CohortAnalysis.Members(log, Parse(Inviters)[0]);
        var r = CohortAnalysis.BreakDown(log, Funnel(), "inviters", members);
        r.Steps.Select(s => s.Customers).ShouldBe([6L, 4L]);
        r.Breakdowns!.Keys.ShouldBe(["in inviters", "not in inviters"]);
        r.Breakdowns["in inviters"].Select(s => s.Customers).ShouldBe([2L, 2L]);
        r.Breakdowns["not in inviters"].Select(s => s.Customers).ShouldBe([4L, 2L]);
        FunnelSignificance.Of(r)!.Select(t => (t.Value, t.Entered, t.Converted, t.RestEntered, t.RestConverted))
            .ShouldBe([("in inviters", 2L, 2L, 4L, 2L), ("not in inviters", 4L, 2L, 2L, 2L)]);
    }

    [Fact]
    public void Weekly_sizes_count_members_at_each_weeks_end()
    {
        // Weeks from Monday 1969-12-29. End of week 1 (before 4D): u4 (invites 1D, 2D) and u7; u1 has one invite yet.
        // Weeks 2-4: u1 joins at 7D. Week 5 (to 32D): u4 churned at 30D and leaves.
        var weekly = CohortAnalysis.Weekly(Log(), Parse(Inviters)[0], 12);
        weekly.Select(w => (w.WeekOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), w.Size))
            .ShouldBe([("1969-12-29", 2L), ("1970-01-05", 3L), ("1970-01-12", 3L), ("1970-01-19", 3L), ("1970-01-26", 2L)]);
        CohortAnalysis.Weekly(Log(), Parse(Inviters)[0], 2).Select(w => w.Size).ShouldBe([3L, 2L]);
    }

    [Fact]
    public void A_personas_population_is_its_cohort()
    {
        // Stages: signed_up, then invite_sent. The inviters u1 and u7 both reach both; with plan == "team" too, u1 only.
        var yaml = """
            id: j
            title: J
            stages:
              - { id: s, name: S, entry: signed_up }
              - { id: i, name: I, entry: invite_sent }
            personas:
              - { id: inviter, name: Inviter, cohort: inviters }
              - { id: team-inviter, name: Team inviter, cohort: inviters, traits: 'plan == "team"' }
            cohorts:
            """ + "\n" + string.Join('\n', Inviters.Split('\n').Select(l => "  " + l));
        var journey = JourneyParser.Parse(yaml).Journey!;
        var personas = Trailmap.Analytics.Journeys.JourneyAnalyzer.Analyze(journey, Log()).Personas;
        personas.Select(p => (p.Id, p.Customers, p.Reached["s"], p.Reached["i"])).ShouldBe([("inviter", 2L, 2L, 2L), ("team-inviter", 1L, 1L, 1L)]);
    }

    private static FunnelSpec Funnel() => new()
    {
        Steps = [new FunnelStep("signed_up"), new FunnelStep("invite_sent")],
        Window = Duration.Parse("1d"),
    };
}
