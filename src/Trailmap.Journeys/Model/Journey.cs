namespace Trailmap.Journeys.Model;

/// <summary>One customer journey map: who travels it, the stages they pass through and how each is measured.</summary>
public sealed record Journey
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public string? Owner { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public EmotionScale EmotionScale { get; init; } = EmotionScale.Default;
    /// <summary>Feeling words and emoji with their score on the journey's scale, over the built-in lexicon.</summary>
    public IReadOnlyDictionary<string, double> EmotionLexicon { get; init; } = new Dictionary<string, double>();
    /// <summary>
    /// The stage funnel's conversion window: each stage counts only when entered at most this long after the first
    /// measured stage (not after the previous stage; that bound is a stage's <see cref="Stage.EntryWithin"/>). Null means unbounded.
    /// </summary>
    public Duration? Window { get; init; }

    /// <summary>Whether the journey counts people or accounts (all members' events as one; docs/accounts.md).</summary>
    public JourneyMeasure Measure { get; init; } = JourneyMeasure.People;
    public IReadOnlyList<Persona> Personas { get; init; } = [];
    public IReadOnlyList<Stage> Stages { get; init; } = [];
    public IReadOnlyList<MomentOfTruth> MomentsOfTruth { get; init; } = [];
    public IReadOnlyList<Milestone> Milestones { get; init; } = [];
    public IReadOnlyList<CriticalTouchpoint> CriticalTouchpoints { get; init; } = [];
    public IReadOnlyList<Metric> Metrics { get; init; } = [];
    public IReadOnlyList<Intervention> Interventions { get; init; } = [];
    public IReadOnlyList<Sequence> Sequences { get; init; } = [];
    public IReadOnlyList<JourneyTrigger> Triggers { get; init; } = [];
    public IReadOnlyList<JourneyProgram> Programs { get; init; } = [];
    public IReadOnlyList<ActivationPath> ActivationPaths { get; init; } = [];
    /// <summary>Ordered paths of steps ("Landing → Signup → Onboarding"), each step optionally in a stage or at a touchpoint.</summary>
    public IReadOnlyList<JourneyFlow> Flows { get; init; } = [];
    public IReadOnlyList<CohortTarget> CohortTargets { get; init; } = [];
    public IReadOnlyList<RoadmapItem> Roadmap { get; init; } = [];
    /// <summary>The states a customer passes through over the whole journey (Stranger, Visitor, Lead...), each tied to its stages.</summary>
    public IReadOnlyList<CustomerState> CustomerStates { get; init; } = [];
    /// <summary>Improvements that belong to the whole journey rather than one stage.</summary>
    public IReadOnlyList<Opportunity> Opportunities { get; init; } = [];
    /// <summary>Documents the journey links to (a document's "Related Documents": a business plan, a runbook).</summary>
    public IReadOnlyList<JourneyLink> Links { get; init; } = [];
    /// <summary>The document's header: author, who it was prepared for, version, date, status and audience.</summary>
    public DocumentInfo? Document { get; init; }
    /// <summary>Research findings, each with its source and evidence.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];
    /// <summary>Insight statements drawn from the findings across the journey.</summary>
    public IReadOnlyList<Insight> Insights { get; init; } = [];
    /// <summary>Frequency cap and quiet hours for the journey's interventions and sequences.</summary>
    public AutomationSettings? Automation { get; init; }
    /// <summary>The health scorecard, when the journey declares one.</summary>
    public HealthModel? Health { get; init; }
    /// <summary>Saved groups of customers: funnel and retention filters, breakdowns, persona populations, rule audiences.</summary>
    public IReadOnlyList<Cohort> Cohorts { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;

    public Cohort? FindCohort(string id) => Cohorts.FirstOrDefault(c => c.Id == id);

    public Stage? FindStage(string id) => Stages.FirstOrDefault(s => s.Id == id);

    public IEnumerable<Metric> AllMetrics() => Stages.SelectMany(s => s.Kpis).Concat(Metrics);

    public IEnumerable<Touchpoint> AllTouchpoints() => Stages.SelectMany(s => s.Touchpoints);

    /// <summary>Every stage's opportunities, then the journey-wide ones.</summary>
    public IEnumerable<Opportunity> AllOpportunities() => Stages.SelectMany(s => s.Opportunities).Concat(Opportunities);
}

/// <summary>A fictional, representative customer, optionally bound to customer traits for breakdowns.</summary>
public sealed record Persona
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Role { get; init; }
    public string? Quote { get; init; }
    /// <summary>Further things they would say, beside <see cref="Quote"/> (a document's "Key Quotes").</summary>
    public IReadOnlyList<string> Quotes { get; init; } = [];
    public IReadOnlyList<string> Goals { get; init; } = [];
    /// <summary>What frustrates them: a document's "Pain Points", "Frustrations", "Challenges".</summary>
    public IReadOnlyList<string> Pains { get; init; } = [];
    public IReadOnlyList<string> Motivations { get; init; } = [];
    /// <summary>What they hold important ("Time, career progression").</summary>
    public IReadOnlyList<string> Values { get; init; } = [];
    /// <summary>Personality traits in words ("Ambitious", "Organized"), not customer traits (<see cref="Traits"/>).</summary>
    public IReadOnlyList<string> Personality { get; init; } = [];
    public IReadOnlyList<string> Attitudes { get; init; } = [];
    public string? Lifestyle { get; init; }
    /// <summary>How at ease they are with technology and new software.</summary>
    public Level? TechComfort { get; init; }
    /// <summary>The channels they use and prefer (LinkedIn, email for formal matters, Slack for the team).</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];
    /// <summary>Where they learn and look things up (industry newsletters, review sites, peers).</summary>
    public IReadOnlyList<string> InformationSources { get; init; } = [];
    /// <summary>Habits and behaviours ("Compares pricing meticulously").</summary>
    public IReadOnlyList<string> Behaviors { get; init; } = [];
    public IReadOnlyDictionary<string, string> Demographics { get; init; } = new Dictionary<string, string>();
    /// <summary>Which customers this persona stands for, e.g. <c>plan == "team"</c>.</summary>
    public Filter? Traits { get; init; }
    /// <summary>The id of the cohort whose members this persona stands for, beside or instead of <see cref="Traits"/>.</summary>
    public string? Cohort { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;

    /// <summary>Every quote: <see cref="Quote"/>, then <see cref="Quotes"/>.</summary>
    public IEnumerable<string> AllQuotes() => Quote is null ? Quotes : [Quote, .. Quotes];
}

/// <summary>A column of the map: a phase the customer passes through.</summary>
public sealed record Stage
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>The team's goal for the stage.</summary>
    public string? Goal { get; init; }
    /// <summary>Further goals of the team for the stage, after <see cref="Goal"/>.</summary>
    public IReadOnlyList<string> Goals { get; init; } = [];
    /// <summary>What the customer wants in the stage, beside the team's goal.</summary>
    public string? CustomerGoal { get; init; }
    /// <summary>Further goals of the customer, after <see cref="CustomerGoal"/>.</summary>
    public IReadOnlyList<string> CustomerGoals { get; init; } = [];
    public string? Mindset { get; init; }
    public string? Timeframe { get; init; }
    /// <summary>How long customers spend in the stage, or should ("2-3 days", "&lt; 2 minutes").</summary>
    public Timing? Timing { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<Touchpoint> Touchpoints { get; init; } = [];
    public IReadOnlyList<CustomerAction> Actions { get; init; } = [];
    public IReadOnlyList<string> Thoughts { get; init; } = [];
    /// <summary>What pulls the customer forward: the pros they weigh at a decision, the gains they expect.</summary>
    public IReadOnlyList<string> Motivations { get; init; } = [];
    public Emotion? Emotion { get; init; }
    public IReadOnlyList<PainPoint> PainPoints { get; init; } = [];
    public IReadOnlyList<Opportunity> Opportunities { get; init; } = [];
    public IReadOnlyList<Metric> Kpis { get; init; } = [];
    public EventCondition? Entry { get; init; }

    /// <summary>Every team goal: <see cref="Goal"/>, then <see cref="Goals"/>.</summary>
    public IEnumerable<string> AllGoals() => Goal is null ? Goals : [Goal, .. Goals];

    /// <summary>Every customer goal: <see cref="CustomerGoal"/>, then <see cref="CustomerGoals"/>.</summary>
    public IEnumerable<string> AllCustomerGoals() => CustomerGoal is null ? CustomerGoals : [CustomerGoal, .. CustomerGoals];

    /// <summary>
    /// The entry's own conversion window (<c>entry.within</c>): at most this long after the customer entered the
    /// previous measured stage, on top of the journey's window. Never on the first measured stage (TM020).
    /// </summary>
    public Duration? EntryWithin { get; init; }
    public IdealState? Ideal { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

public enum TouchpointLayer { Frontstage, Backstage }

/// <summary>Where the customer meets the company: an email, a call, a page.</summary>
public sealed record Touchpoint
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Channel { get; init; }
    public TouchpointLayer Layer { get; init; } = TouchpointLayer.Frontstage;
    public string? Owner { get; init; }
    /// <summary>What the touchpoint is for.</summary>
    public string? Goal { get; init; }
    /// <summary>How it works today.</summary>
    public string? Current { get; init; }
    /// <summary>How it should work.</summary>
    public string? Ideal { get; init; }
    /// <summary>What the ideal state must have (a document's "Critical Elements"), written inside its <c>ideal</c>.</summary>
    public IReadOnlyList<CriticalElement> CriticalElements { get; init; } = [];
    /// <summary>The change that gets it from current to ideal.</summary>
    public string? Fix { get; init; }
    /// <summary>Further stages the touchpoint spans, besides the one it is written in.</summary>
    public IReadOnlyList<string> Stages { get; init; } = [];
    /// <summary>How often it recurs (weekly, every 2w); see <see cref="Model.Cadence"/>.</summary>
    public string? Cadence { get; init; }
    /// <summary>How soon it happens or how long it takes ("within 5 minutes", "response &lt; 24h").</summary>
    public Timing? Timing { get; init; }
    /// <summary>The share of the stage's customers who come through this touchpoint (a channel mix), 0..1.</summary>
    public double? Share { get; init; }
    /// <summary>What the customer reads or sees there, as written: a newsletter's, a form's or a message's text.</summary>
    public string? Content { get; init; }
    /// <summary>Ids of the personas it applies to; empty means every persona.</summary>
    public IReadOnlyList<string> Personas { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>Something the customer does in a stage; like a Mermaid journey task it may carry its own score and actors.</summary>
public sealed record CustomerAction
{
    public required string Name { get; init; }
    public double? Score { get; init; }
    public IReadOnlyList<string> Personas { get; init; } = [];
    /// <summary>How often the customer does it (weekly, monthly); see <see cref="Model.Cadence"/>.</summary>
    public string? Cadence { get; init; }
    /// <summary>How long the action takes ("15 seconds", "&lt; 2 minutes").</summary>
    public Timing? Timing { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>How the customer feels in a stage: a score on the journey's scale and feeling words.</summary>
public sealed record Emotion
{
    public double? Score { get; init; }
    public IReadOnlyList<string> Feelings { get; init; } = [];
    /// <summary>
    /// The score derived from the feelings through the emotion lexicon when no score is written; never the
    /// written score, so renders keep the two apart.
    /// </summary>
    public double? DerivedScore { get; init; }
    /// <summary>The lexicon terms (words and emoji) the derived score averages.</summary>
    public IReadOnlyList<string> DerivedFrom { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

public enum Level { Low, Medium, High }

public sealed record PainPoint
{
    public required string Id { get; init; }
    public required string Text { get; init; }
    public Level? Severity { get; init; }
    /// <summary>Ids of the personas it applies to; empty means every persona.</summary>
    public IReadOnlyList<string> Personas { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

public enum OpportunityType { Eliminate, Automate, Enhance, Add }

public enum OpportunityStatus { Idea, Planned, InProgress, Done }

public sealed record Opportunity
{
    public required string Id { get; init; }
    public required string Text { get; init; }
    public OpportunityType? Type { get; init; }
    public OpportunityKind? Kind { get; init; }
    public Level? Priority { get; init; }
    public OpportunityStatus? Status { get; init; }
    public string? Owner { get; init; }
    /// <summary>Ids of the pain points this opportunity answers.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>The to-be state of a stage: the emotion and targets the team designs for.</summary>
public sealed record IdealState
{
    public double? Emotion { get; init; }
    public string? Description { get; init; }
    /// <summary>What the ideal state must have (a document's "Critical Elements"), in the order written.</summary>
    public IReadOnlyList<CriticalElement> CriticalElements { get; init; } = [];
    public IReadOnlyDictionary<string, Target> Targets { get; init; } = new Dictionary<string, Target>();
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>
/// One thing an ideal state must have, from a document's "Critical Elements" list: a name ("Clear pricing") and,
/// when the document gives one, its detail ("$99 (was $129)").
/// </summary>
public sealed record CriticalElement
{
    public required string Name { get; init; }
    public string? Detail { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;

    /// <summary>"Name: detail", or the name alone: how every render writes it.</summary>
    public override string ToString() => Detail is null ? Name : $"{Name}: {Detail}";
}

/// <summary>An event that meets a condition: its name plus optional property filters.</summary>
public sealed record EventCondition
{
    public required string Event { get; init; }
    public Filter? Where { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;

    public override string ToString() => Where is null ? Event : $"{Event} where {Where}";
}

/// <summary>A decisive point with a deadline, e.g. "first login within 7d of signup".</summary>
public sealed record MomentOfTruth
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Stage { get; init; }
    public EventCondition? Condition { get; init; }
    public Deadline? Deadline { get; init; }
    public string? Impact { get; init; }
    public string? Action { get; init; }
    public string? Kpi { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>A lifecycle checkpoint such as "Day 14" or "Month 6".</summary>
public sealed record Milestone
{
    public required string Id { get; init; }
    public required string At { get; init; }
    public required string Name { get; init; }
    public string? Stage { get; init; }
    public string? Description { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public MilestoneOffset? Offset { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

public sealed record CriticalTouchpoint
{
    public required string Touchpoint { get; init; }
    public required int Rank { get; init; }
    public string? Why { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>What a journey's stages, funnels and health count: people, or accounts whose members act for them.</summary>
public enum JourneyMeasure
{
    People,
    Accounts,
}
