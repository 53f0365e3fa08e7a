using Trailmap.Journeys.Model;
using Trailmap.Journeys.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Journeys.Parsing;

/// <summary>The journey read from a file (null when the file could not be read at all) and what was found on the way.</summary>
public sealed record ParseResult(Journey? Journey, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>Reads the journey YAML format into the model, reporting every problem with its line and column.</summary>
public static partial class JourneyParser
{
    public const int FormatVersion = 1;

    /// <summary>Reads journey text. <paramref name="baseDirectory"/> is the journey file's directory, where a referenced
    /// emotion lexicon file is read; null where the journey is not a file on disk (the workspace) refuses such files.</summary>
    public static ParseResult Parse(string yaml, string file = "journey.yaml", string? baseDirectory = null)
    {
        var ctx = new ParseContext(file);
        if (TooLarge(yaml) is { } size)
        {
            ctx.Report(Codes.FileTooLarge, new SourceLocation(1, 1), SizeMessage(size));
            return new ParseResult(null, ctx.Diagnostics);
        }

        var stream = new YamlStream();
        var events = new TrackingParser(new Parser(new StringReader(yaml)), yaml.Length);
        try
        {
            stream.Load(events);
        }
        catch (JourneyLimitException e)
        {
            ctx.Report(e.Code, e.At, e.Message);
            return new ParseResult(null, ctx.Diagnostics);
        }
        catch (YamlException e)
        {
            var at = new SourceLocation((int)e.Start.Line, (int)e.Start.Column);
            if (DuplicateKeyPattern().Match(e.Message) is { Success: true } dup)
            {
                // YamlDotNet reports the second occurrence, which is the one to remove or rename.
                ctx.Report(Codes.DuplicateKey, at, $"the key '{dup.Groups["key"].Value}' appears twice in the same mapping; keep one of them");
            }
            else
            {
                ctx.Report(Codes.YamlSyntax, at, $"the file is not valid YAML: {Clean(e)}");
            }

            return new ParseResult(null, ctx.Diagnostics);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, when a '[' or '{' is left open
            // and a plain value follows on a later line; the open bracket is the mistake to point at.
            var at = events.UnclosedFlow ?? events.LastEnd;
            var message = events.UnclosedFlow is null
                ? "the file is not valid YAML here"
                : "the file is not valid YAML: this '[' or '{' is never closed; close it on the same line or write the list as '- ' entries";
            ctx.Report(Codes.YamlSyntax, at, message);
            return new ParseResult(null, ctx.Diagnostics);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            ctx.Report(Codes.MissingField, new SourceLocation(1, 1), "the file is empty; start from a template with 'trailmap init --template saas-trial'");
            return new ParseResult(null, ctx.Diagnostics);
        }

        if (stream.Documents.Count > 1)
        {
            ctx.Report(Codes.YamlSyntax, ParseContext.At(stream.Documents[1].RootNode), "a journey file holds one YAML document; split the others into their own files");
        }

        var root = Fields.Open(stream.Documents[0].RootNode, ctx, "journey", "the journey");
        if (root is null)
        {
            return new ParseResult(null, ctx.Diagnostics);
        }

        var journey = new Reader(ctx, baseDirectory).Journey(root);
        return new ParseResult(journey, ctx.Diagnostics);
    }

    /// <summary>The size in bytes of UTF-8 when it is over <see cref="JourneyLimits.MaxFileBytes"/>, else null.</summary>
    internal static long? TooLarge(string yaml)
    {
        // A char is at most three bytes of UTF-8, so text up to a third of the limit needs no counting.
        if (yaml.Length <= JourneyLimits.MaxFileBytes / 3)
        {
            return null;
        }

        var bytes = System.Text.Encoding.UTF8.GetByteCount(yaml);
        return bytes > JourneyLimits.MaxFileBytes ? bytes : null;
    }

    internal static string SizeMessage(long bytes) =>
        $"the file is {bytes:N0} bytes, and a journey file may be at most {JourneyLimits.MaxFileBytes:N0} bytes (1 MiB); split it into several journeys or shorten its texts";

    [System.Text.RegularExpressions.GeneratedRegex(@"^Duplicate key (?<key>.*)$")]
    private static partial System.Text.RegularExpressions.Regex DuplicateKeyPattern();

    private static string Clean(YamlException e)
    {
        var m = e.Message;
        var idx = m.IndexOf("): ", StringComparison.Ordinal);
        var text = idx >= 0 ? m[(idx + 3)..] : m;
        if (e.InnerException is { } inner && !string.IsNullOrWhiteSpace(inner.Message))
        {
            text += $" ({inner.Message})";
        }

        return text.Trim();
    }

    private sealed partial class Reader(ParseContext ctx, string? baseDirectory)
    {
        public Journey? Journey(Fields f)
        {
            var version = f.Integer("version");
            if (version is { } v && v != FormatVersion)
            {
                ctx.Report(Codes.InvalidValue, f.Node("version")!, $"this Trailmap reads journey format version {FormatVersion}, the file says {v}");
            }

            var id = f.Id();
            var title = f.Text("title", required: true);
            var scale = EmotionScale.Default;
            if (f.Text("emotion_scale") is { } scaleText && !EmotionScale.TryParse(scaleText, out scale))
            {
                ctx.Report(Codes.InvalidValue, f.Node("emotion_scale")!, $"'{scaleText}' is not a supported emotion scale: use 1..5 (the default, as Mermaid), -2..2 or 1..10");
                scale = EmotionScale.Default;
            }

            var measure = JourneyMeasure.People;
            if (f.Text("measure") is { } measureText)
            {
                measure = measureText.Trim().ToLowerInvariant() switch
                {
                    "people" => JourneyMeasure.People,
                    "accounts" => JourneyMeasure.Accounts,
                    _ => Invalid(),
                };

                JourneyMeasure Invalid()
                {
                    ctx.Report(Codes.InvalidValue, f.Node("measure")!, $"'{measureText}' is not what a journey can measure: use people (the default) or accounts");
                    return JourneyMeasure.People;
                }
            }

            var stages = f.List("stages", (n, i) => Stage(n, i));
            if (!f.Has("stages"))
            {
                ctx.Report(Codes.MissingField, f.Location, "the journey needs 'stages': a list of the phases customers pass through");
            }

            var lexicon = f.Node("emotion_lexicon") is { } lexiconNode ? EmotionLexiconOf(lexiconNode, scale) : new Dictionary<string, double>();
            stages = DeriveEmotions(stages, lexicon, scale);

            var journey = new Journey
            {
                Id = id ?? "journey",
                Title = title ?? id ?? "Untitled journey",
                Description = f.Text("description"),
                Owner = f.Text("owner"),
                Tags = f.TextList("tags"),
                EmotionScale = scale,
                EmotionLexicon = lexicon,
                Window = f.Duration("window"),
                Measure = measure,
                Personas = f.List("personas", (n, _) => Persona(n)),
                Stages = stages,
                MomentsOfTruth = f.List("moments_of_truth", (n, _) => Moment(n)),
                Milestones = f.List("milestones", (n, _) => Milestone(n)),
                CriticalTouchpoints = f.List("critical_touchpoints", (n, _) => CriticalTouchpoint(n)),
                Metrics = f.List("metrics", (n, _) => Metric(n, "a journey metric", defaultStage: null, previousStage: null)),
                Interventions = f.List("interventions", (n, _) => Intervention(n)),
                Sequences = f.List("sequences", (n, _) => Sequence(n)),
                Triggers = f.List("triggers", (n, _) => Trigger(n)),
                Programs = f.List("programs", (n, _) => Program(n)),
                ActivationPaths = f.List("activation_paths", (n, _) => ActivationPath(n)),
                Flows = f.List("flows", (n, _) => Flow(n)),
                CohortTargets = f.List("cohort_targets", (n, i) => CohortTarget(n, i)),
                Roadmap = f.List("roadmap", (n, _) => RoadmapItem(n)),
                CustomerStates = f.List("customer_states", (n, _) => CustomerState(n)),
                Opportunities = f.List("opportunities", (n, i) => Opportunity(n, "journey", i + 1)),
                Links = f.List("links", (n, _) => Link(n)),
                Document = f.Node("document") is { } d ? Document(d) : null,
                Findings = f.List("findings", (n, i) => Finding(n, i)),
                Insights = f.List("insights", (n, i) => Insight(n, i)),
                Health = f.Node("health") is { } h ? Health(h) : null,
                Automation = f.Node("automation") is { } a ? Automation(a) : null,
                Cohorts = f.List("cohorts", (n, i) => Cohort(n, i)),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
            return journey;
        }

        private string? _previousStageId;

        private AutomationSettings? Automation(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "automation", "the automation settings");
            if (f is null)
            {
                return null;
            }

            return new AutomationSettings
            {
                FrequencyCap = f.Node("frequency_cap") is { } c ? FrequencyCap(c) : null,
                QuietHours = f.Node("quiet_hours") is { } q ? QuietHours(q) : null,
                Location = f.Location,
            };
        }

        private FrequencyCap? FrequencyCap(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "frequency_cap", "the frequency cap");
            if (f is null)
            {
                return null;
            }

            var max = f.Integer("max");
            var per = f.Duration("per");
            if (!f.Has("max"))
            {
                ctx.Report(Codes.MissingField, f.Location, "the frequency cap needs 'max': how many messages one customer may get per period, e.g. 3");
            }

            if (!f.Has("per"))
            {
                ctx.Report(Codes.MissingField, f.Location, "the frequency cap needs 'per': the period the cap counts over, e.g. 7d");
            }

            if (max is < 1)
            {
                ctx.Report(Codes.InvalidValue, f.Node("max")!, $"'max' of the frequency cap must be at least 1, found {max}; to stop all messages, pause the rules instead");
                return null;
            }

            if (per is { } p && p.Span <= TimeSpan.Zero)
            {
                ctx.Report(Codes.InvalidDuration, f.Node("per")!, $"'per' of the frequency cap must be longer than zero, found '{p.Text}'; write e.g. 1d or 7d");
                return null;
            }

            return max is { } m && per is { } d ? new FrequencyCap { Max = m, Per = d } : null;
        }

        private QuietHours? QuietHours(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "quiet_hours", "the quiet hours");
            if (f is null)
            {
                return null;
            }

            var from = TimeOfDay(f, "from");
            var to = TimeOfDay(f, "to");
            var trait = f.Text("timezone_trait");
            var zone = f.Text("default_timezone");
            if (zone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(zone.Trim(), out _))
            {
                var known = TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id);
                ctx.Report(Codes.InvalidTimeZone, f.Node("default_timezone")!,
                    $"'{zone}' is not a time zone{Suggest.DidYouMean(zone, known)}; write an IANA name such as Europe/Berlin, America/New_York or UTC");
                zone = null;
            }

            if (from is null || to is null)
            {
                return null;
            }

            return new QuietHours
            {
                From = from.Value,
                To = to.Value,
                TimezoneTrait = string.IsNullOrWhiteSpace(trait) ? Model.QuietHours.DefaultTimezoneTrait : trait.Trim(),
                DefaultTimezone = zone?.Trim() ?? Model.QuietHours.DefaultTimezoneId,
            };
        }

        private TimeOnly? TimeOfDay(Fields f, string key)
        {
            var text = f.Text(key);
            if (text is null)
            {
                if (!f.Has(key))
                {
                    ctx.Report(Codes.MissingField, f.Location, $"the quiet hours need '{key}': a local time of day such as {(key == "from" ? "22:00" : "08:00")}");
                }

                return null;
            }

            if (TimeOnly.TryParseExact(text.Trim(), ["H:mm", "HH:mm"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var t))
            {
                return t;
            }

            ctx.Report(Codes.InvalidTimeOfDay, f.Node(key)!, $"'{text}' is not a time of day: write 24-hour HH:MM from 00:00 to 23:59, e.g. 22:00");
            return null;
        }

        private HealthModel? Health(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "health", "the health scorecard");
            if (f is null)
            {
                return null;
            }

            var components = f.List("components", (n, i) => HealthComponent(n, i));
            if (!f.Has("components"))
            {
                ctx.Report(Codes.MissingField, f.Location, "the health scorecard needs 'components': what makes a customer healthy, e.g. login recency and feature adoption");
            }

            var model = new HealthModel { Components = components, Stage = f.Text("stage"), Location = f.Location };
            if (f.Number("at_risk_below") is { } atRisk)
            {
                model = model with { AtRiskBelow = atRisk };
            }

            if (f.Duration("trend_period") is { } trend)
            {
                model = model with { TrendPeriod = trend };
            }

            return model;
        }

        private HealthComponent? HealthComponent(YamlNode node, int index)
        {
            var f = Fields.Open(node, ctx, "health_component", $"health component {index + 1}");
            if (f is null)
            {
                return null;
            }

            var id = f.Id();
            var name = f.Text("name", required: true);
            var type = f.Enum<HealthComponentType>("type");
            if (!f.Has("type"))
            {
                ctx.Report(Codes.MissingField, f.Location, $"health component '{id}' needs 'type': recency, frequency, count, adoption or score");
            }

            if (id is null || name is null || type is null)
            {
                return null;
            }

            var what = $"health component '{id}'";
            var ev = f.Node("event") is { } e ? EventCondition(e, $"the event of {what}") : null;
            var events = f.TextList("events");
            if (type == HealthComponentType.Adoption && events.Count == 0)
            {
                ctx.Report(Codes.MissingField, f.Location, $"{what} measures adoption, so it needs 'events': the features whose use counts");
            }
            else if (type != HealthComponentType.Adoption && ev is null && !f.Has("event"))
            {
                ctx.Report(Codes.MissingField, f.Location, $"{what} needs 'event': the event it reads");
            }

            if (type == HealthComponentType.Score && f.Text("property") is null)
            {
                ctx.Report(Codes.MissingField, f.Location, $"{what} reads a score, so it needs 'property': the event property holding it");
            }

            double? Bound(string key, double? fallback)
            {
                if (type == HealthComponentType.Recency)
                {
                    return f.Duration(key)?.TotalSeconds ?? fallback;
                }

                return f.Number(key) ?? fallback;
            }

            // Defaults that read naturally per type: adoption runs from none (0) to all (1) features used.
            var good = Bound("good", type == HealthComponentType.Adoption ? 1 : null);
            var bad = Bound("bad", type is HealthComponentType.Adoption or HealthComponentType.Frequency ? 0 : null);
            if (good is null && !f.Has("good"))
            {
                ctx.Report(Codes.MissingField, f.Location, $"{what} needs 'good': the value that scores 100{(type == HealthComponentType.Recency ? ", a duration such as 1d" : "")}");
            }

            if (bad is null && !f.Has("bad"))
            {
                ctx.Report(Codes.MissingField, f.Location, $"{what} needs 'bad': the value that scores 0{(type == HealthComponentType.Recency ? ", a duration such as 30d" : "")}");
            }

            var weight = f.Number("weight") ?? 1;
            if (weight <= 0)
            {
                ctx.Report(Codes.InvalidValue, f.Node("weight")!, $"{what} has weight {weight}; weights must be positive");
            }

            var window = f.Duration("window");
            if (type is HealthComponentType.Frequency or HealthComponentType.Count or HealthComponentType.Adoption && window is null && !f.Has("window"))
            {
                ctx.Report(Codes.MissingField, f.Location, $"{what} counts events in a period, so it needs 'window', e.g. 30d");
            }

            return new HealthComponent
            {
                Id = id,
                Name = name,
                Type = type.Value,
                Event = ev,
                Events = events,
                Property = f.Text("property"),
                Window = window,
                Good = good ?? 0,
                Bad = bad ?? 0,
                Weight = weight,
                Location = f.Location,
            };
        }

        private Persona? Persona(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "persona", "a persona");
            if (f is null)
            {
                return null;
            }

            var id = f.Id();
            var name = f.Text("name", required: true);
            if (id is null || name is null)
            {
                return null;
            }

            return new Persona
            {
                Id = id,
                Name = name,
                Role = f.Text("role"),
                Quote = f.Text("quote"),
                Quotes = f.TextList("quotes"),
                Goals = f.TextList("goals"),
                Pains = f.TextList("pains"),
                Motivations = f.TextList("motivations"),
                Values = f.TextList("values"),
                Personality = f.TextList("personality"),
                Attitudes = f.TextList("attitudes"),
                Lifestyle = f.Text("lifestyle"),
                TechComfort = f.Enum<Level>("tech_comfort"),
                Channels = f.TextList("channels"),
                InformationSources = f.TextList("information_sources"),
                Behaviors = f.TextList("behaviors"),
                Demographics = f.TextMap("demographics"),
                Traits = FilterOf(f, "traits"),
                Cohort = f.Id("cohort", required: false),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private Stage? Stage(YamlNode node, int index)
        {
            var f = Fields.Open(node, ctx, "stage", $"stage {index + 1}");
            if (f is null)
            {
                return null;
            }

            var id = f.Id();
            var name = f.Text("name", required: true);
            if (id is null)
            {
                return null;
            }

            var previous = _previousStageId;
            _previousStageId = id;
            (EventCondition? Condition, Duration? Within) entry = default;
            var touchpointIndex = 0;
            var painIndex = 0;
            var opportunityIndex = 0;
            return new Stage
            {
                Id = id,
                Name = name ?? id,
                Description = f.Text("description"),
                Goal = f.Text("goal"),
                Goals = f.TextList("goals"),
                CustomerGoal = f.Text("customer_goal"),
                CustomerGoals = f.TextList("customer_goals"),
                Mindset = f.Text("mindset"),
                Timeframe = f.Text("timeframe"),
                Timing = f.Timing("timing"),
                Touchpoints = f.List("touchpoints", (n, _) => Touchpoint(n, id, ++touchpointIndex)),
                Actions = f.List("actions", (n, _) => Action(n)),
                Thoughts = f.TextList("thoughts"),
                Motivations = f.TextList("motivations"),
                Emotion = f.Node("emotion") is { } e ? Emotion(e) : null,
                PainPoints = f.List("pain_points", (n, _) => PainPoint(n, id, ++painIndex)),
                Opportunities = f.List("opportunities", (n, _) => Opportunity(n, id, ++opportunityIndex)),
                Kpis = f.List("kpis", (n, _) => Metric(n, $"a KPI of stage '{id}'", id, previous)),
                // Read in its place among the keys, so its diagnostics come in the same order as the others'.
                Entry = f.Node("entry") is { } entryNode ? (entry = StageEntry(entryNode, $"the entry of stage '{id}'")).Condition : null,
                EntryWithin = entry.Within,
                Ideal = f.Node("ideal") is { } ideal ? Ideal(ideal) : null,
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private Touchpoint? Touchpoint(YamlNode node, string stageId, int index)
        {
            if (node is YamlScalarNode { Value: { } text })
            {
                return new Touchpoint { Id = $"{stageId}-{Ids.Slug(text)}", Name = text, Location = ParseContext.At(node) };
            }

            var f = Fields.Open(node, ctx, "touchpoint", "a touchpoint");
            if (f is null)
            {
                return null;
            }

            var name = f.Text("name", required: true);
            if (name is null)
            {
                return null;
            }

            var ideal = TouchpointIdeal(f.Node("ideal"));
            return new Touchpoint
            {
                Id = f.Id(required: false) ?? $"{stageId}-{Ids.Slug(name)}",
                Name = name,
                Channel = f.Text("channel"),
                Layer = f.Enum<TouchpointLayer>("layer") ?? TouchpointLayer.Frontstage,
                Owner = f.Text("owner"),
                Goal = f.Text("goal"),
                Current = f.Text("current"),
                Ideal = ideal.Description,
                CriticalElements = ideal.Elements,
                Fix = f.Text("fix"),
                Stages = f.TextList("stages"),
                Cadence = CadenceOf(f),
                Timing = f.Timing("timing"),
                Content = f.Text("content"),
                Personas = f.TextList("personas"),
                Share = f.Fraction("share"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private CustomerAction? Action(YamlNode node)
        {
            if (node is YamlScalarNode { Value: { } text })
            {
                return new CustomerAction { Name = text, Location = ParseContext.At(node) };
            }

            var f = Fields.Open(node, ctx, "action", "an action");
            var name = f?.Text("name", required: true);
            if (f is null || name is null)
            {
                return null;
            }

            return new CustomerAction
            {
                Name = name,
                Score = f.Number("score"),
                Personas = f.TextList("personas"),
                Cadence = CadenceOf(f),
                Timing = f.Timing("timing"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private Emotion? Emotion(YamlNode node)
        {
            if (node is YamlScalarNode s)
            {
                if (double.TryParse(s.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var score))
                {
                    return new Emotion { Score = score, Location = ParseContext.At(node) };
                }

                ctx.Report(Codes.InvalidValue, node, $"'emotion' must be a score on the journey's scale or a mapping with 'score' and 'feelings', found '{s.Value}'");
                return null;
            }

            var f = Fields.Open(node, ctx, "emotion", "an emotion");
            return f is null ? null : new Emotion { Score = f.Number("score"), Feelings = f.TextList("feelings"), Location = f.Location, ValueLocations = f.ValueLocations() };
        }

        private PainPoint? PainPoint(YamlNode node, string stageId, int index)
        {
            if (node is YamlScalarNode { Value: { } text })
            {
                return new PainPoint { Id = $"{stageId}-pain-{index}", Text = text, Location = ParseContext.At(node) };
            }

            var f = Fields.Open(node, ctx, "pain_point", "a pain point");
            var t = f?.Text("text", required: true);
            if (f is null || t is null)
            {
                return null;
            }

            return new PainPoint
            {
                Id = f.Id(required: false) ?? $"{stageId}-pain-{index}",
                Text = t,
                Severity = f.Enum<Level>("severity"),
                Personas = f.TextList("personas"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private Opportunity? Opportunity(YamlNode node, string stageId, int index)
        {
            if (node is YamlScalarNode { Value: { } text })
            {
                return new Opportunity { Id = $"{stageId}-opportunity-{index}", Text = text, Location = ParseContext.At(node) };
            }

            var f = Fields.Open(node, ctx, "opportunity", "an opportunity");
            var t = f?.Text("text", required: true);
            if (f is null || t is null)
            {
                return null;
            }

            return new Opportunity
            {
                Id = f.Id(required: false) ?? $"{stageId}-opportunity-{index}",
                Text = t,
                Type = f.Enum<OpportunityType>("type"),
                Kind = f.Enum<OpportunityKind>("kind"),
                Priority = f.Enum<Level>("priority"),
                Status = f.Enum<OpportunityStatus>("status"),
                Owner = f.Text("owner"),
                Addresses = f.TextList("addresses"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private Metric? Metric(YamlNode node, string what, string? defaultStage, string? previousStage)
        {
            var f = Fields.Open(node, ctx, "metric", what);
            if (f is null)
            {
                return null;
            }

            var id = f.Id();
            var name = f.Text("name", required: true);
            var type = f.Enum<MetricType>("type");
            if (!f.Has("type"))
            {
                ctx.Report(Codes.MissingField, f.Location, $"{what} needs 'type': one of {string.Join(", ", EnumNames.Of<MetricType>().Select(n => n.Name))}");
            }

            if (id is null || name is null || type is null)
            {
                return null;
            }

            // In a stage, a conversion or time KPI measures the step into that stage unless it says otherwise.
            var stageScoped = type is MetricType.Conversion or MetricType.TimeBetween;
            // from/to name a stage by id, or, written as { event: ... }, any event (time to first value inside a stage).
            var fromEvent = f.Node("from") is YamlMappingNode fm ? EventCondition(fm, $"the start event of {what}") : null;
            var toEvent = f.Node("to") is YamlMappingNode tm ? EventCondition(tm, $"the end event of {what}") : null;
            var from = fromEvent is not null || f.Node("from") is YamlMappingNode ? null : f.Text("from") ?? (stageScoped ? previousStage : null);
            var to = toEvent is not null || f.Node("to") is YamlMappingNode ? null : f.Text("to") ?? (stageScoped ? defaultStage : null);
            var metric = new Metric
            {
                Id = id,
                Name = name,
                Type = type.Value,
                Target = f.Target("target"),
                Description = f.Text("description"),
                From = from,
                To = to,
                FromEvent = fromEvent,
                ToEvent = toEvent,
                Event = f.Node("event") is { } e ? EventCondition(e, $"the event of {what}") : null,
                ReturnEvent = f.Node("return_event") is { } r ? EventCondition(r, $"the return event of {what}") : null,
                Denominator = f.Node("denominator") is { } d ? EventCondition(d, $"the denominator of {what}") : null,
                Signup = f.Node("signup") is { } su ? EventCondition(su, $"the invited signup of {what}") : null,
                Period = f.Enum<RetentionPeriod>("period"),
                PeriodNumber = f.Integer("period_number"),
                Property = f.Text("property"),
                Of = f.Text("of") ?? (type == MetricType.Rate ? defaultStage : null),
                Window = f.Duration("window"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
            RequireInputs(metric, f, what);
            return WithBaseline(metric, f, what);
        }

        /// <summary>Reads 'baseline' and 'change'; with both (and no written target) the change sets the target.</summary>
        private Metric WithBaseline(Metric metric, Fields f, string what)
        {
            Baseline? baseline = null;
            if (f.Text("baseline") is { } baselineText)
            {
                if (Model.Baseline.TryParse(baselineText, out var b, out var error))
                {
                    baseline = b;
                }
                else
                {
                    ctx.Report(Codes.InvalidValue, f.Node("baseline")!, error);
                }
            }

            TargetChange? change = null;
            if (f.Text("change") is { } changeText)
            {
                if (!TargetChange.TryParse(changeText, out var c, out var error))
                {
                    ctx.Report(Codes.InvalidValue, f.Node("change")!, error);
                }
                else if (metric.Target is not null)
                {
                    ctx.Report(Codes.InvalidValue, f.Node("change")!, $"{what} ('{metric.Id}') has both 'target' and 'change'; write the goal once: 'target' as a value, or 'change' with a 'baseline'");
                }
                else
                {
                    change = c;
                }
            }

            if (baseline is not null && change is not null)
            {
                var target = change.TargetFrom(baseline, out var error);
                if (target is null)
                {
                    ctx.Report(Codes.InvalidValue, f.Node("change")!, error);
                    return metric with { Baseline = baseline };
                }

                return metric with { Baseline = baseline, Change = change, Target = target, TargetFromChange = true };
            }

            return metric with { Baseline = baseline, Change = change };
        }

        private void RequireInputs(Metric m, Fields f, string what)
        {
            void Need(bool present, string key, string why)
            {
                if (!present)
                {
                    ctx.Report(Codes.MissingField, f.Location, $"{what} ('{m.Id}', a {EnumNames.Kebab(m.Type.ToString())} metric) needs '{key}': {why}");
                }
            }

            switch (m.Type)
            {
                case MetricType.Conversion:
                case MetricType.TimeBetween:
                    Need(m.From is not null || m.FromEvent is not null, "from", "the stage it starts at (or { event: NAME })");
                    Need(m.To is not null || m.ToEvent is not null, "to", "the stage it ends at (or { event: NAME })");
                    break;
                case MetricType.Retention:
                    Need(m.Event is not null, "event", "the event that starts a customer's cohort");
                    Need(m.Period is not null, "period", "day, week or month");
                    Need(m.PeriodNumber is not null, "period_number", "which period after the start counts, e.g. 1 for week-1 retention");
                    break;
                case MetricType.Nps:
                case MetricType.Csat:
                    Need(m.Event is not null, "event", "the survey answer event");
                    Need(m.Property is not null, "property", "the event property holding the score");
                    break;
                case MetricType.Count:
                case MetricType.Rate:
                    Need(m.Event is not null, "event", "the event counted");
                    break;
                case MetricType.Ratio:
                    Need(m.Event is not null, "event", "the numerator event");
                    Need(m.Denominator is not null, "denominator", "the denominator event");
                    break;
                case MetricType.Frequency:
                    Need(m.Event is not null, "event", "the event counted per customer, e.g. Session Started");
                    Need(m.Period is not null, "period", "day, week or month: the period the frequency is per");
                    break;
                case MetricType.Nrr:
                    Need(m.Event is not null, "event", "the revenue event, e.g. Invoice Paid");
                    Need(m.Property is not null, "property", "the numeric event property holding the amount");
                    Need(m.Period is not null, "period", "day, week or month: the length of the two periods compared");
                    break;
                case MetricType.ViralCoefficient:
                    Need(m.Event is not null, "event", "the invite event, e.g. Invite Sent");
                    Need(m.Signup is not null, "signup", "the signup that came from an invite, e.g. { event: Signed Up, where: 'invited_by exists' }");
                    break;
                case MetricType.Sum:
                    Need(m.Event is not null, "event", "the event whose property is summed");
                    Need(m.Property is not null, "property", "the numeric event property to sum");
                    break;
                case MetricType.Score:
                    break;
            }
        }

        /// <summary>A stage's entry: an event condition that may also carry <c>within</c>, its own conversion window.</summary>
        private (EventCondition? Condition, Duration? Within) StageEntry(YamlNode node, string what)
        {
            if (node is YamlScalarNode { Value: { } name })
            {
                return (new EventCondition { Event = name, Location = ParseContext.At(node) }, null);
            }

            var f = Fields.Open(node, ctx, "stage_entry", what);
            var ev = f?.Text("event", required: true);
            if (f is null || ev is null)
            {
                return default;
            }

            return (new EventCondition { Event = ev, Where = FilterOf(f, "where"), Location = f.Location }, f.Duration("within"));
        }

        private EventCondition? EventCondition(YamlNode node, string what)
        {
            if (node is YamlScalarNode { Value: { } name })
            {
                return new EventCondition { Event = name, Location = ParseContext.At(node) };
            }

            var f = Fields.Open(node, ctx, "event_condition", what);
            var ev = f?.Text("event", required: true);
            if (f is null || ev is null)
            {
                return null;
            }

            return new EventCondition { Event = ev, Where = FilterOf(f, "where"), Location = f.Location };
        }

        private Filter? FilterOf(Fields f, string key)
        {
            var node = f.Node(key);
            switch (node)
            {
                case null:
                    return null;
                case YamlMappingNode map:
                    var pairs = new List<KeyValuePair<string, object?>>();
                    foreach (var (k, v) in map.Children)
                    {
                        if (k is YamlScalarNode { Value: { } kk } && v is YamlScalarNode vs)
                        {
                            pairs.Add(new(kk, ScalarValue(vs)));
                        }
                        else
                        {
                            ctx.Report(Codes.InvalidFilter, v, $"'{key}' as a mapping holds property: value pairs; for other tests write an expression: {Model.Filter.Help}");
                        }
                    }

                    return Model.Filter.AllEqual(pairs);
                case YamlScalarNode s:
                    if (FilterParser.TryParse(s.Value ?? "", out var filter, out var error, out var column))
                    {
                        return filter;
                    }

                    // Point at the offending character when the expression sits on one line as written.
                    var at = ParseContext.At(node);
                    var offset = s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted ? 1 : 0;
                    ctx.Report(Codes.InvalidFilter, new SourceLocation(at.Line, at.Column + offset + column - 1), $"'{key}' in {f.What}: {error}");
                    return null;
                default:
                    ctx.Report(Codes.WrongType, node, $"'{key}' in {f.What} must be a filter expression or a mapping of property: value");
                    return null;
            }
        }

        private static object? ScalarValue(YamlScalarNode s)
        {
            if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
            {
                return s.Value;
            }

            return s.Value switch
            {
                null or "~" or "null" => null,
                "true" => true,
                "false" => false,
                _ when double.TryParse(s.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
                _ => s.Value,
            };
        }

        private IdealState? Ideal(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "ideal", "an ideal state");
            if (f is null)
            {
                return null;
            }

            var targets = new Dictionary<string, Target>(StringComparer.Ordinal);
            if (f.Node("targets") is { } tn)
            {
                if (tn is YamlMappingNode map)
                {
                    foreach (var (k, v) in map.Children)
                    {
                        var kpi = (k as YamlScalarNode)?.Value;
                        var text = (v as YamlScalarNode)?.Value;
                        if (kpi is null || text is null)
                        {
                            ctx.Report(Codes.WrongType, v, "each ideal target is written 'kpi-id: \">= 80%\"'");
                        }
                        else if (Target.TryParse(text, out var t, out var error))
                        {
                            targets[kpi] = t;
                        }
                        else
                        {
                            ctx.Report(Codes.InvalidTarget, v, error);
                        }
                    }
                }
                else
                {
                    ctx.Report(Codes.WrongType, tn, "'targets' in an ideal state must map KPI ids to targets, e.g. 'activation: \">= 80%\"'");
                }
            }

            return new IdealState
            {
                Emotion = f.Number("emotion"),
                Description = f.Text("description"),
                Targets = targets,
                CriticalElements = f.List("critical_elements", (n, _) => CriticalElement(n)),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        /// <summary>
        /// A touchpoint's <c>ideal</c>: its description as text, or a mapping with the description and the critical
        /// elements.
        /// </summary>
        private (string? Description, IReadOnlyList<CriticalElement> Elements) TouchpointIdeal(YamlNode? node)
        {
            if (node is null or YamlScalarNode)
            {
                return ((node as YamlScalarNode)?.Value, []);
            }

            var f = Fields.Open(node, ctx, "touchpoint_ideal", "a touchpoint's ideal state (text, or a mapping with 'description' and 'critical_elements')");
            return f is null ? (null, []) : (f.Text("description"), f.List("critical_elements", (n, _) => CriticalElement(n)));
        }

        /// <summary>
        /// One critical element: a text ("Low friction"), the document's own "Name: detail" line, which YAML reads as a
        /// mapping of one key (<c>- Clear pricing: $99 (was $129)</c>), or a mapping with <c>name</c> and <c>detail</c>.
        /// </summary>
        private CriticalElement? CriticalElement(YamlNode node)
        {
            switch (node)
            {
                case YamlScalarNode { Value: { Length: > 0 } text }:
                    return new CriticalElement { Name = text, Location = ParseContext.At(node) };
                case YamlMappingNode map when map.Children.Count == 1 && map.Children.Single() is var (k, v)
                    && k is YamlScalarNode { Value: { Length: > 0 } name } && name is not ("name" or "detail"):
                    if (v is YamlScalarNode { Value: var detail })
                    {
                        return new CriticalElement { Name = name, Detail = string.IsNullOrEmpty(detail) ? null : detail, Location = ParseContext.At(node) };
                    }

                    ctx.Report(Codes.WrongType, v, $"the detail of critical element '{name}' must be text, found {Fields.Describe(v)}; quote it if it holds a colon or a bracket");
                    return null;
                case YamlMappingNode:
                    var f = Fields.Open(node, ctx, "critical_element", "a critical element");
                    var elementName = f?.Text("name", required: true);
                    return f is null || elementName is null ? null : new CriticalElement { Name = elementName, Detail = f.Text("detail"), Location = f.Location };
                default:
                    ctx.Report(Codes.WrongType, node, $"a critical element must be a text, 'Name: detail', or a mapping with 'name' and 'detail', found {Fields.Describe(node)}");
                    return null;
            }
        }

        private MomentOfTruth? Moment(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "moment_of_truth", "a moment of truth");
            if (f is null)
            {
                return null;
            }

            var id = f.Id();
            var name = f.Text("name", required: true);
            if (id is null || name is null)
            {
                return null;
            }

            Deadline? deadline = null;
            if (f.Text("deadline") is { } dt)
            {
                if (Model.Deadline.TryParse(dt, out var d, out var error))
                {
                    deadline = d;
                }
                else
                {
                    ctx.Report(Codes.InvalidDuration, f.Node("deadline")!, error);
                }
            }

            return new MomentOfTruth
            {
                Id = id,
                Name = name,
                Stage = f.Text("stage"),
                Condition = f.Node("condition") is { } c ? EventCondition(c, $"the condition of moment '{id}'") : null,
                Deadline = deadline,
                Impact = f.Text("impact"),
                Action = f.Text("action"),
                Kpi = f.Text("kpi"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private Milestone? Milestone(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "milestone", "a milestone");
            if (f is null)
            {
                return null;
            }

            var at = f.Text("at", required: true);
            var name = f.Text("name", required: true);
            if (at is null || name is null)
            {
                return null;
            }

            return new Milestone
            {
                Id = f.Id(required: false) ?? Ids.Slug(at),
                At = at,
                Name = name,
                Stage = f.Text("stage"),
                Description = f.Text("description"),
                Offset = MilestoneOffset.TryParse(at, out var o) ? o : null,
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private CriticalTouchpoint? CriticalTouchpoint(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "critical_touchpoint", "a critical touchpoint");
            var tp = f?.Text("touchpoint", required: true);
            var rank = f?.Integer("rank");
            if (f is not null && !f.Has("rank"))
            {
                ctx.Report(Codes.MissingField, f.Location, "a critical touchpoint needs 'rank' (1 is the most critical)");
            }

            if (f is null || tp is null || rank is null)
            {
                return null;
            }

            return new CriticalTouchpoint { Touchpoint = tp, Rank = rank.Value, Why = f.Text("why"), Location = f.Location, ValueLocations = f.ValueLocations() };
        }

        private Condition? Condition(YamlNode node, string what)
        {
            var f = Fields.Open(node, ctx, "condition", what);
            if (f is null)
            {
                return null;
            }

            string[] kinds = ["event", "no_event", "entered_stage", "stuck_in_stage", "missed_moment", "metric", "trait_changed"];
            var present = kinds.Where(f.Has).ToList();
            if (present.Count != 1)
            {
                ctx.Report(Codes.InvalidCondition, f.Location, present.Count == 0
                    ? $"{what} needs one of: {string.Join(", ", kinds)}"
                    : $"{what} names {string.Join(" and ", present)}; give exactly one kind of condition (write two interventions for two conditions)");
            }

            var forDuration = f.Duration("for");
            if ((f.Has("no_event") || f.Has("stuck_in_stage")) && forDuration is null && !f.Has("for"))
            {
                ctx.Report(Codes.MissingField, f.Location, $"{what} needs 'for': how long, e.g. 14d");
            }

            Filter? metric = null;
            if (f.Text("metric") is { } mt)
            {
                if (FilterParser.TryParse(mt, out var mf, out var error, out _))
                {
                    metric = mf;
                }
                else
                {
                    ctx.Report(Codes.InvalidFilter, f.Node("metric")!, $"'metric' in {what}: {error}");
                }
            }

            return new Condition
            {
                Event = f.Node("event") is { } e ? EventCondition(e, $"the event of {what}") : null,
                InactiveEvent = f.Node("no_event") is { } ne ? EventCondition(ne, $"the event of {what}") : null,
                InactiveFor = f.Has("no_event") ? forDuration : null,
                EnteredStage = f.Text("entered_stage"),
                StuckInStage = f.Text("stuck_in_stage"),
                StuckFor = f.Has("stuck_in_stage") ? forDuration : null,
                MissedMoment = f.Text("missed_moment"),
                Metric = metric,
                TraitChanged = f.Text("trait_changed"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private InterventionAction? ActionStep(YamlNode node, string what)
        {
            var f = Fields.Open(node, ctx, "action_step", what);
            if (f is null)
            {
                return null;
            }

            var channel = f.Enum<ActionChannel>("channel");
            if (!f.Has("channel"))
            {
                ctx.Report(Codes.MissingField, f.Location, $"{what} needs 'channel': email, webhook, slack or in-app");
            }

            if (channel is null)
            {
                return null;
            }

            var action = new InterventionAction
            {
                Channel = channel.Value,
                Template = f.Text("template"),
                Subject = f.Text("subject"),
                To = f.Text("to"),
                Url = f.Text("url"),
                Message = f.Text("message"),
                Body = f.Text("body"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
            if (action.Channel == ActionChannel.Email && action.Template is null && action.Subject is null)
            {
                ctx.Report(Codes.MissingField, f.Location, $"{what} sends an email, so it needs 'template' or 'subject'");
            }

            if (action.Channel is ActionChannel.Webhook && action.Url is null)
            {
                ctx.Report(Codes.MissingField, f.Location, $"{what} calls a webhook, so it needs 'url'");
            }

            return action;
        }

        private Intervention? Intervention(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "intervention", "an intervention");
            if (f is null)
            {
                return null;
            }

            var id = f.Id();
            var name = f.Text("name", required: true);
            var when = f.Node("when") is { } w ? Condition(w, $"the condition of intervention '{id}'") : null;
            var then = f.Node("then") is { } t ? ActionStep(t, $"the action of intervention '{id}'") : null;
            if (!f.Has("when"))
            {
                ctx.Report(Codes.MissingField, f.Location, $"intervention '{id}' needs 'when': the condition that triggers it");
            }

            if (!f.Has("then"))
            {
                ctx.Report(Codes.MissingField, f.Location, $"intervention '{id}' needs 'then': the action to take");
            }

            if (id is null || name is null || when is null || then is null)
            {
                return null;
            }

            return new Intervention
            {
                Id = id,
                Name = name,
                Stage = f.Text("stage"),
                When = when,
                Then = then,
                Goal = f.Node("goal") is { } g ? EventCondition(g, $"the goal of intervention '{id}'") : null,
                Holdout = f.Fraction("holdout"),
                OnResume = f.Enum<ResumePolicy>("on_resume"),
                Audience = f.Id("audience", required: false),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private Sequence? Sequence(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "sequence", "a sequence");
            if (f is null)
            {
                return null;
            }

            var id = f.Id();
            var name = f.Text("name", required: true);
            var trigger = f.Node("trigger") is { } t ? Condition(t, $"the trigger of sequence '{id}'") : null;
            if (!f.Has("trigger"))
            {
                ctx.Report(Codes.MissingField, f.Location, $"sequence '{id}' needs 'trigger': the condition that starts it");
            }

            var steps = f.List("steps", (n, i) =>
            {
                var sf = Fields.Open(n, ctx, "sequence_step", $"step {i + 1} of sequence '{id}'");
                var day = sf?.Integer("day");
                var after = sf?.Duration("after");
                if (sf is not null && !sf.Has("day") && !sf.Has("after"))
                {
                    ctx.Report(Codes.MissingField, sf.Location, $"step {i + 1} of sequence '{id}' needs 'day': its offset in days from the trigger (or 'after' with a duration such as 5m for a finer one)");
                }

                if (sf is not null && sf.Has("day") && sf.Has("after"))
                {
                    ctx.Report(Codes.InvalidValue, sf.Node("after")!, $"step {i + 1} of sequence '{id}' has both 'day' and 'after'; keep one: 'day' counts whole days, 'after' a duration such as 5m");
                }

                if (after is { } a && day is null)
                {
                    if (a.Span < TimeSpan.Zero)
                    {
                        ctx.Report(Codes.InvalidValue, sf!.Node("after")!, $"step {i + 1} of sequence '{id}' has a negative 'after'; it counts from the trigger");
                    }
                    else
                    {
                        day = (int)Math.Min(int.MaxValue, Math.Floor(a.Span.TotalDays));
                    }
                }

                var then = sf?.Node("then") is { } tn ? ActionStep(tn, $"step {i + 1} of sequence '{id}'") : null;
                if (sf is not null && !sf.Has("then"))
                {
                    ctx.Report(Codes.MissingField, sf.Location, $"step {i + 1} of sequence '{id}' needs 'then': the action to take");
                }

                if (day is < 0)
                {
                    ctx.Report(Codes.InvalidValue, sf!.Node("day")!, $"step {i + 1} of sequence '{id}' has a negative day; days count from the trigger");
                }

                return sf is null || day is null || then is null ? null
                    : new SequenceStep { Day = day.Value, After = sf.Has("day") ? null : after, Then = then, Location = sf.Location };
            });

            if (id is null || name is null || trigger is null)
            {
                return null;
            }

            return new Sequence
            {
                Id = id,
                Name = name,
                Stage = f.Text("stage"),
                Trigger = trigger,
                Steps = steps,
                Exit = f.Node("exit") is { } e ? EventCondition(e, $"the exit goal of sequence '{id}'") : null,
                Reentry = f.Enum<Reentry>("reentry") ?? Reentry.Never,
                Holdout = f.Fraction("holdout"),
                OnResume = f.Enum<ResumePolicy>("on_resume"),
                Audience = f.Id("audience", required: false),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }
    }
}
