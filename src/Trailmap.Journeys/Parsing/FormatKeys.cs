namespace Trailmap.Journeys.Parsing;

/// <summary>
/// The keys each kind of mapping accepts. The parser rejects any other key, and a test holds the
/// shipped JSON Schema to exactly these lists so editor completion and validation never drift apart.
/// </summary>
public static class FormatKeys
{
    public static IReadOnlyDictionary<string, string[]> ByKind { get; } = new Dictionary<string, string[]>
    {
        ["journey"] = ["version", "id", "title", "description", "owner", "tags", "emotion_scale", "emotion_lexicon", "window", "measure", "personas", "stages", "moments_of_truth", "milestones", "critical_touchpoints", "metrics", "interventions", "sequences", "triggers", "programs", "activation_paths", "flows", "cohort_targets", "roadmap", "customer_states", "opportunities", "links", "document", "findings", "insights", "health", "automation", "cohorts"],
        ["persona"] = ["id", "name", "role", "quote", "quotes", "goals", "pains", "motivations", "values", "personality", "attitudes", "lifestyle", "tech_comfort", "channels", "information_sources", "behaviors", "demographics", "traits", "cohort"],
        ["stage"] = ["id", "name", "description", "goal", "goals", "customer_goal", "customer_goals", "mindset", "timeframe", "timing", "touchpoints", "actions", "thoughts", "motivations", "emotion", "pain_points", "opportunities", "kpis", "entry", "ideal"],
        ["touchpoint"] = ["id", "name", "channel", "layer", "owner", "goal", "current", "ideal", "fix", "stages", "cadence", "timing", "content", "share", "personas"],
        ["action"] = ["name", "score", "personas", "cadence", "timing"],
        ["emotion"] = ["score", "feelings"],
        ["pain_point"] = ["id", "text", "severity", "personas"],
        ["opportunity"] = ["id", "text", "type", "kind", "priority", "status", "owner", "addresses"],
        ["metric"] = ["id", "name", "type", "target", "baseline", "change", "description", "from", "to", "event", "return_event", "denominator", "signup", "period", "period_number", "property", "of", "window"],
        ["event_condition"] = ["event", "where"],
        ["stage_entry"] = ["event", "where", "within"],
        ["ideal"] = ["emotion", "description", "targets", "critical_elements"],
        ["touchpoint_ideal"] = ["description", "critical_elements"],
        ["critical_element"] = ["name", "detail"],
        ["moment_of_truth"] = ["id", "name", "stage", "condition", "deadline", "impact", "action", "kpi"],
        ["milestone"] = ["id", "at", "name", "stage", "description"],
        ["critical_touchpoint"] = ["touchpoint", "rank", "why"],
        ["intervention"] = ["id", "name", "stage", "when", "then", "goal", "holdout", "on_resume", "audience"],
        ["condition"] = ["event", "no_event", "for", "entered_stage", "stuck_in_stage", "missed_moment", "metric", "trait_changed"],
        ["action_step"] = ["channel", "template", "subject", "to", "url", "message", "body"],
        ["sequence"] = ["id", "name", "stage", "trigger", "steps", "exit", "reentry", "holdout", "on_resume", "audience"],
        ["sequence_step"] = ["day", "after", "then"],
        ["trigger"] = ["id", "name", "kind", "stages", "description"],
        ["program"] = ["id", "name", "kind", "stages", "steps", "rewards", "tracking", "kpis"],
        ["program_reward"] = ["to", "reward"],
        ["activation_path"] = ["id", "name", "definition", "stage", "time_to_value", "rate", "choke_points", "kpis"],
        ["flow"] = ["id", "name", "description", "stage", "touchpoint", "steps"],
        ["flow_step"] = ["name", "stage", "touchpoint"],
        ["cohort_target"] = ["id", "cohort", "measure", "target", "action", "kpi"],
        ["customer_state"] = ["id", "name", "description", "stages"],
        ["link"] = ["title", "url"],
        ["document"] = ["author", "prepared_for", "version", "date", "status", "audience"],
        ["finding"] = ["id", "text", "source", "evidence", "stages", "personas"],
        ["insight"] = ["id", "text", "findings", "stages", "opportunities"],
        ["roadmap_item"] = ["id", "name", "due", "owner", "status", "opportunities", "kpis"],
        ["health"] = ["components", "stage", "at_risk_below", "trend_period"],
        ["automation"] = ["frequency_cap", "quiet_hours"],
        ["frequency_cap"] = ["max", "per"],
        ["quiet_hours"] = ["from", "to", "timezone_trait", "default_timezone"],
        ["cohort"] = ["id", "name", "description", "did", "did_not", "traits", "ids"],
        ["cohort_rule"] = ["event", "where", "at_least", "at_most", "of", "within"],
        ["health_component"] = ["id", "name", "type", "event", "events", "property", "window", "good", "bad", "weight"],
    };

    public static string[] Of(string kind) => ByKind[kind];
}
