using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Validation;

public enum Severity { Error, Warning }

/// <summary>One finding in a journey file, printed as <c>file:line:col: error CODE: message</c>.</summary>
public sealed record Diagnostic(Severity Severity, string Code, string Message, string File, SourceLocation Location)
{
    public override string ToString() =>
        $"{File}:{Location.Line}:{Location.Column}: {(Severity == Severity.Error ? "error" : "warning")} {Code}: {Message}";
}

/// <summary>A diagnostic code, its short name, severity and what it means; the catalogue docs and tests read.</summary>
public sealed record DiagnosticCode(string Code, string Name, Severity Severity, string Meaning);

public static class Codes
{
    public static readonly DiagnosticCode YamlSyntax = new("TM001", "yaml-syntax", Severity.Error, "The file is not valid YAML.");
    public static readonly DiagnosticCode UnknownKey = new("TM002", "unknown-key", Severity.Error, "A key the format does not know; the message suggests the closest known key.");
    public static readonly DiagnosticCode MissingField = new("TM003", "missing-field", Severity.Error, "A required field is missing.");
    public static readonly DiagnosticCode WrongType = new("TM004", "wrong-type", Severity.Error, "A field holds a list where text was expected, or the like.");
    public static readonly DiagnosticCode InvalidValue = new("TM005", "invalid-value", Severity.Error, "A value outside the allowed set (an id with spaces, an unknown opportunity type, a bad number).");
    public static readonly DiagnosticCode DuplicateId = new("TM006", "duplicate-id", Severity.Error, "Two things of the same kind share an id.");
    public static readonly DiagnosticCode UnresolvedReference = new("TM007", "unresolved-reference", Severity.Error, "A reference (stage, persona, KPI, pain point, touchpoint, moment) names nothing defined in the file.");
    public static readonly DiagnosticCode InvalidFilter = new("TM008", "invalid-filter", Severity.Error, "A property filter or trait binding does not parse.");
    public static readonly DiagnosticCode InvalidDuration = new("TM009", "invalid-duration", Severity.Error, "A duration or deadline does not parse.");
    public static readonly DiagnosticCode InvalidTarget = new("TM010", "invalid-target", Severity.Error, "A target does not parse.");
    public static readonly DiagnosticCode ScoreOutsideScale = new("TM011", "score-outside-scale", Severity.Error, "An emotion score lies outside the journey's emotion scale.");
    public static readonly DiagnosticCode DuplicateKey = new("TM012", "duplicate-key", Severity.Error, "A key appears twice in one mapping.");
    public static readonly DiagnosticCode InvalidCondition = new("TM013", "invalid-condition", Severity.Error, "An intervention condition names no kind, or several.");
    public static readonly DiagnosticCode InvalidTimeZone = new("TM014", "invalid-time-zone", Severity.Error, "A time zone is not a known IANA zone name.");
    public static readonly DiagnosticCode InvalidTimeOfDay = new("TM015", "invalid-time-of-day", Severity.Error, "A time of day (quiet hours) is not a 24-hour HH:MM time.");
    public static readonly DiagnosticCode TooDeep = new("TM016", "nesting-too-deep", Severity.Error, "Lists and mappings nest deeper than a journey ever needs (64 levels).");
    public static readonly DiagnosticCode AliasesTooLarge = new("TM017", "aliases-too-large", Severity.Error, "With its aliases replaced by what they name, the file would stand for more than 1 MiB of text, or an alias names a list or mapping it stands in.");
    public static readonly DiagnosticCode TooManyMeasuredStages = new("TM018", "too-many-measured-stages", Severity.Error, "More stages have an 'entry' than analysis can follow in one funnel (30).");
    public static readonly DiagnosticCode FileTooLarge = new("TM019", "file-too-large", Severity.Error, "The file is larger than a journey file may be (1 MiB).");
    public static readonly DiagnosticCode WindowOnFirstStage = new("TM020", "window-on-first-measured-stage", Severity.Error, "The first measured stage's entry has a 'within' window, but it starts the funnel: there is no previous stage to count from.");
    public static readonly DiagnosticCode StageWithoutKpi = new("TM101", "stage-without-kpi", Severity.Warning, "A stage has no KPI, so nothing tells whether it works.");
    public static readonly DiagnosticCode PainWithoutOpportunity = new("TM102", "pain-point-without-opportunity", Severity.Warning, "A pain point that no opportunity addresses.");
    public static readonly DiagnosticCode MomentWithoutDeadline = new("TM103", "moment-without-deadline", Severity.Warning, "A moment of truth without a deadline cannot be hit or missed.");
    public static readonly DiagnosticCode KpiWithoutTarget = new("TM104", "kpi-without-target", Severity.Warning, "A KPI without a target has no status.");
    public static readonly DiagnosticCode UnreachableStage = new("TM105", "unreachable-stage", Severity.Warning, "A stage without an entry criterion can never be reached by a measured customer.");
    public static readonly DiagnosticCode UnitMismatch = new("TM106", "target-unit-mismatch", Severity.Warning, "A target's unit does not fit its metric (a conversion with a duration target).");
    public static readonly DiagnosticCode RoadmapItemUnlinked = new("TM108", "roadmap-item-unlinked", Severity.Warning, "A roadmap item names no opportunity it delivers and no KPI it should move.");
    public static readonly DiagnosticCode ActivationWithoutTarget = new("TM109", "activation-path-without-target", Severity.Warning, "An activation path has neither a time-to-value nor a rate target.");
    public static readonly DiagnosticCode CohortCannotMatch = new("TM110", "cohort-cannot-match", Severity.Warning, "A cohort asks for an event in 'did' and forbids the same event over the same window in 'did_not', so it can have no members.");
    public static readonly DiagnosticCode FlowTooShort = new("TM111", "flow-too-short", Severity.Warning, "A flow has fewer than two steps, so it leads nowhere.");
    public static readonly DiagnosticCode FlowRunsBackwards = new("TM112", "flow-runs-backwards", Severity.Warning, "A flow step is linked to a stage that comes before the stage of an earlier step.");
    public static readonly DiagnosticCode FeelingsNotInLexicon = new("TM107", "feelings-not-in-lexicon", Severity.Warning, "A stage gives feelings but no score, and the emotion lexicon knows none of their words or emoji, so the curve has no point there.");

    public static IReadOnlyList<DiagnosticCode> All { get; } =
    [
        YamlSyntax, UnknownKey, MissingField, WrongType, InvalidValue, DuplicateId, UnresolvedReference, InvalidFilter,
        InvalidDuration, InvalidTarget, ScoreOutsideScale, DuplicateKey, InvalidCondition, InvalidTimeZone, InvalidTimeOfDay,
        TooDeep, AliasesTooLarge, TooManyMeasuredStages, FileTooLarge, WindowOnFirstStage,
        StageWithoutKpi, PainWithoutOpportunity, MomentWithoutDeadline, KpiWithoutTarget, UnreachableStage, UnitMismatch, FeelingsNotInLexicon, RoadmapItemUnlinked, ActivationWithoutTarget, CohortCannotMatch,
        FlowTooShort, FlowRunsBackwards,
    ];
}
