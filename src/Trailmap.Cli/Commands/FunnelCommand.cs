using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Trailmap.Analytics.Cohorts;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Queries;
using Trailmap.Cli.Measure;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap funnel --steps A,B,C</c>: ordered conversion with ClickHouse windowFunnel semantics.</summary>
public static class FunnelCommand
{
    public static Command Create(Terminal terminal)
    {
        var steps = new Option<string>("--steps") { Description = "Event names in order, comma-separated; a name may repeat", Required = true };
        var window = new Option<string>("--window") { Description = "Conversion window from step 1: 90s, 30m, 12h, 14d, 2w", DefaultValueFactory = _ => "14d" };
        var mode = new Option<string?>("--mode") { Description = $"Comma-separated modes: {FunnelModesParser.Allowed}" };
        var reentry = new Option<string>("--reentry") { Description = "latest (a later step-1 event starts a newer chain; ClickHouse, PostHog) or first (Mixpanel)", DefaultValueFactory = _ => "latest" };
        reentry.AcceptOnlyFromAmong("latest", "first");
        var exclude = new Option<string[]>("--exclude") { Description = "An event that, inside an open chain's window, removes the customer (repeatable)", AllowMultipleArgumentsPerToken = false };
        var by = new Option<string?>("--by") { Description = "Break down by an event property (of the chain's step-1 event), a customer trait, or cohort:ID (members and the rest; see --cohorts)" };
        var stepWhere = new Option<string[]>("--step-where") { Description = "N:FILTER adds a property filter to step N, e.g. 2:'plan == \"team\"' (repeatable)" };
        var stepWindow = new Option<string[]>("--step-window") { Description = "N:DURATION gives step N its own window from step N-1, e.g. 3:1h (repeatable; default mode or strict-increase)" };
        var people = new Option<string?>("--people") { Description = "List a step's customers instead of the funnel: N:dropped (reached step N, not N+1; the default), N:converted (reached N+1) or N:reached; every one of them" };
        var saveCohort = new Option<string?>("--save-cohort") { Description = "With --people: write the listed customers as a saved cohort with this id (a cohorts: entry to paste into the journey file) instead of the list" };
        var correlation = new Option<bool>("--correlation") { Description = "Add the correlation analysis: which events (and --correlation-trait values) go with converting or dropping off; odds ratio, 95% interval, Wald test, Holm-adjusted" };
        var correlationTrait = new Option<string[]>("--correlation-trait") { Description = "A customer trait whose values the correlation analysis tests too (repeatable)" };
        var overTime = new Option<string?>("--over-time") { Description = "Add conversion over time: entrants and converters per day or week of their chain's start (UTC; weeks from Monday)" };
        overTime.AcceptOnlyFromAmong("day", "week");
        var format = Formats.Option("table", "json", "csv");
        var source = new EventSource();
        var cohorts = new CohortOptions();
        var command = new Command("funnel", "Ordered funnel: customers reaching each step within the window, conversion, drop-off and time to convert")
        {
            steps, window, mode, reentry, exclude, by, stepWhere, stepWindow, overTime, people, saveCohort, correlation, correlationTrait, format,
        };
        source.AddTo(command, withUnit: true);
        cohorts.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var byText = parse.GetValue(by)?.Trim();
            var byCohort = byText is not null && byText.StartsWith(CohortOptions.ByPrefix, StringComparison.Ordinal) ? byText[CohortOptions.ByPrefix.Length..].Trim() : null;
            if (byCohort is "")
            {
                throw new UserError("--by cohort: name the cohort, e.g. --by cohort:early-inviters");
            }

            var spec = Query.Run(() => FunnelQuery.Spec(parse.GetValue(steps), parse.GetValue(window), parse.GetValue(mode), parse.GetValue(reentry),
                parse.GetValue(exclude) ?? [], byCohort is null ? byText : null, parse.GetValue(stepWhere) ?? [], parse.GetValue(overTime),
                parse.GetValue(stepWindow) ?? []));
            var filter = parse.GetValue(cohorts.Cohort) is { } id ? cohorts.Resolve(parse, terminal, id.Trim(), "--cohort") : null;
            var split = byCohort is not null ? cohorts.Resolve(parse, terminal, byCohort, "--by") : null;
            var members = filter is null ? null : CohortOptions.Members(filter, source, parse, terminal, ct);
            var splitMembers = split is null ? null : CohortOptions.Members(split, source, parse, terminal, ct);
            var shown = split is null ? spec : spec with { BreakdownProperty = CohortOptions.ByPrefix + split.Id };
            // Only the events, properties and breakdown trait the funnel names are read (in memory), or it runs inside ClickHouse.
            var ranged = spec with
            {
                From = EventSource.ParseTime(parse.GetValue(source.From), "--from"),
                To = EventSource.ParseTime(parse.GetValue(source.To), "--to"),
            };
            if (parse.GetValue(correlation) || (parse.GetValue(correlationTrait) ?? []).Length > 0)
            {
                Query.Run(() =>
                {
                    FunnelQuery.CheckCorrelation(spec);
                    return 0;
                });

                // Every event is read (any may go with converting), with the traits the breakdown and the analysis name.
                var traits = (parse.GetValue(correlationTrait) ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Distinct(StringComparer.Ordinal).ToList();
                var log = source.Load(parse, terminal, FunnelQuery.PropertiesUsed(ranged), null,
                    [.. traits.Concat(spec.BreakdownProperty is { } b ? [b] : []).Distinct(StringComparer.Ordinal)], ct);
                log = members is null ? log : CohortAnalysis.Keep(log, members);
                var full = split is null ? FunnelEngine.Run(log, ranged) : CohortAnalysis.BreakDown(log, ranged, split.Id, splitMembers!);
                var rows = FunnelCorrelations.Of(log, ranged, full, traits);
                Write(terminal, full, shown, parse.GetValue(format)!, rows);
                return Task.FromResult(0);
            }

            var selector = parse.GetValue(people) is { } text ? Query.Run(() => PeopleSelector(text, spec.Steps.Count)) : ((int Step, StepOutcome Outcome)?)null;
            FunnelResult result;
            if (members is not null || split is not null)
            {
                // A cohort is applied in memory, on the log of the funnel's own events, whatever the store.
                var log = source.Load(parse, terminal, FunnelQuery.PropertiesUsed(ranged), FunnelQuery.EventsUsed(ranged),
                    spec.BreakdownProperty is { } b ? [b] : [], ct);
                log = members is null ? log : CohortAnalysis.Keep(log, members);
                result = split is null ? FunnelEngine.Run(log, ranged) : CohortAnalysis.BreakDown(log, ranged, split.Id, splitMembers!);
            }
            else
            {
                result = source.Ask(parse, terminal, analytics => analytics.Funnel(ranged), ct, perCustomer: selector is not null);
            }

            if (parse.GetValue(saveCohort) is not null && selector is null)
            {
                throw new UserError("--save-cohort saves the customers --people lists; add --people N:dropped (or N:converted, N:reached)");
            }

            if (selector is { } saving && parse.GetValue(saveCohort) is { } cohortId)
            {
                if (!Trailmap.Journeys.Parsing.JourneyParser.IsValidId(cohortId))
                {
                    throw new UserError($"--save-cohort '{cohortId}' is not a valid id: use letters, digits, '-' and '_', starting with a letter or digit");
                }

                // The people the list would show, as a cohorts: entry that reads back as exactly these ids.
                var listed = FunnelPeople.All(result, saving.Step, saving.Outcome);
                var name = $"{FunnelPeople.Format(saving.Outcome)} at step {saving.Step} ({spec.Steps[saving.Step - 1].Name})";
                WriteText(terminal, Trailmap.Journeys.Writing.CohortYaml.SavedList(cohortId, name, listed.Select(p => p.Customer)));
                return Task.FromResult(0);
            }

            if (selector is { } sel)
            {
                WritePeople(terminal, FunnelPeople.All(result, sel.Step, sel.Outcome), sel.Step, sel.Outcome, spec, parse.GetValue(format)!);
                return Task.FromResult(0);
            }

            Write(terminal, result, shown, parse.GetValue(format)!);
            return Task.FromResult(0);
        });
        return command;
    }

    private static void WriteText(Terminal terminal, string text) => terminal.Raw.Write(text);

    /// <summary><c>N</c> or <c>N:outcome</c>, as --people takes it.</summary>
    private static (int Step, StepOutcome Outcome) PeopleSelector(string text, int steps)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return FunnelQuery.PeopleSelector(colon < 0 ? text : text[..colon], colon < 0 ? null : text[(colon + 1)..], steps, "people", "people");
    }

    private static void WritePeople(Terminal terminal, IReadOnlyList<FunnelPerson> people, int step, StepOutcome outcome, FunnelSpec spec, string format)
    {
        switch (format)
        {
            case "json":
                var page = new FunnelPeoplePage(step, outcome, people.Count, 1, Math.Max(1, people.Count), people);
                terminal.Raw.WriteLine(JsonSerializer.Serialize(FunnelQuery.PeopleJson(page, spec), TrailmapJson.Options));
                return;
            case "csv":
                terminal.Raw.Write(FunnelQuery.PeopleCsv(people));
                return;
            default:
                var what = outcome switch
                {
                    StepOutcome.Dropped => $"reached step {step} ({spec.Steps[step - 1].Name}) and not step {step + 1}",
                    StepOutcome.Converted => $"reached step {step} ({spec.Steps[step - 1].Name}) and step {step + 1}",
                    _ => $"reached step {step} ({spec.Steps[step - 1].Name})",
                };
                var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{people.Count:N0} customers {what}")))
                    .AddColumn("Customer").AddColumn("Reached step (UTC)").AddColumn("Next step (UTC)");
                foreach (var p in people)
                {
                    table.AddRow(Markup.Escape(p.Customer), When(p.ReachedAt), When(p.NextAt));
                }

                terminal.Out.Write(table);
                return;
        }

        static string When(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";
    }

    /// <summary>How many correlation rows the table shows (most significant first); the JSON has all.</summary>
    private const int CorrelationRowsShown = 20;

    private static void Write(Terminal terminal, FunnelResult result, FunnelSpec spec, string format, IReadOnlyList<FunnelCorrelation>? correlations = null)
    {
        switch (format)
        {
            case "json":
                var json = FunnelQuery.Json(result, spec);
                if (correlations is not null)
                {
                    json = json with { CorrelationTest = FunnelCorrelations.Test, Correlations = FunnelQuery.CorrelationJson(correlations) };
                }

                terminal.Raw.WriteLine(JsonSerializer.Serialize(json, TrailmapJson.Options));
                return;
            case "csv":
                var csv = new StringBuilder("breakdown,step,name,customers,conversion_from_start,conversion_from_previous,drop_off,median_seconds,p90_seconds,mean_seconds\n");
                void Rows(string breakdown, IReadOnlyList<FunnelStepResult> steps)
                {
                    for (var i = 0; i < steps.Count; i++)
                    {
                        var s = steps[i];
                        csv.Append(CultureInfo.InvariantCulture, $"{CsvRenderer.Field(breakdown)},{i + 1},{CsvRenderer.Field(s.Name)},{s.Customers},{s.ConversionFromStart:0.######},{s.ConversionFromPrevious:0.######},{s.DropOff},{s.TimeToConvert?.Median:0.###},{s.TimeToConvert?.P90:0.###},{s.TimeToConvert?.Mean:0.###}\n");
                    }
                }

                Rows("", result.Steps);
                foreach (var (value, steps) in result.Breakdowns ?? new Dictionary<string, IReadOnlyList<FunnelStepResult>>())
                {
                    Rows(value, steps);
                }

                terminal.Raw.Write(csv.ToString());
                return;
            default:
                terminal.Out.Write(Table(result.Steps, $"Funnel, window {spec.Window}{(spec.Modes != FunnelModes.None ? ", " + FunnelModesParser.Format(spec.Modes) : "")}"));
                foreach (var (value, steps) in result.Breakdowns ?? new Dictionary<string, IReadOnlyList<FunnelStepResult>>())
                {
                    terminal.Out.Write(Table(steps, $"{spec.BreakdownProperty} = {value}"));
                }

                if (FunnelSignificance.Of(result) is { } tests)
                {
                    terminal.Out.Write(SignificanceTable(tests, spec.BreakdownProperty!));
                }

                if (spec.OverTime is { } period && FunnelTrends.ConversionOverTime(result, period) is { } rows)
                {
                    var table = new Table().Border(TableBorder.Rounded).Title($"Conversion by {(period == FunnelPeriod.Day ? "day" : "week")} of entry")
                        .AddColumn(period == FunnelPeriod.Day ? "Day" : "Week of").AddColumn(new TableColumn("Entered").RightAligned())
                        .AddColumn(new TableColumn("Converted").RightAligned()).AddColumn(new TableColumn("Rate").RightAligned());
                    foreach (var r in rows)
                    {
                        table.AddRow(r.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Entered.ToString("N0", CultureInfo.InvariantCulture),
                            r.Converted.ToString("N0", CultureInfo.InvariantCulture), r.Entered == 0 ? "" : Formats.Percent(r.Rate));
                    }

                    terminal.Out.Write(table);
                }

                if (correlations is not null)
                {
                    terminal.Out.Write(CorrelationTable(correlations));
                }

                return;
        }
    }

    private static Table CorrelationTable(IReadOnlyList<FunnelCorrelation> rows)
    {
        var shown = rows.Take(CorrelationRowsShown).ToList();
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape(rows.Count == 0
                ? "Correlation: nothing to compare (it needs customers who converted and customers who dropped off)"
                : string.Create(CultureInfo.InvariantCulture, $"Correlation with conversion ({FunnelCorrelations.Test}, significant below {FunnelCorrelations.Alpha}); {shown.Count} of {rows.Count} shown, --format json has all")))
            .AddColumn("Event or trait").AddColumn(new TableColumn("Converted with").RightAligned()).AddColumn(new TableColumn("Dropped with").RightAligned())
            .AddColumn(new TableColumn("Odds ratio").RightAligned()).AddColumn(new TableColumn("95% interval").RightAligned())
            .AddColumn(new TableColumn("Adjusted p").RightAligned()).AddColumn("");
        foreach (var r in shown)
        {
            table.AddRow(
                Markup.Escape(r.Value is null ? r.Name : $"{r.Name} = {r.Value}"),
                string.Create(CultureInfo.InvariantCulture, $"{r.ConvertedWith:N0} of {r.ConvertedWith + r.ConvertedWithout:N0}"),
                string.Create(CultureInfo.InvariantCulture, $"{r.DroppedWith:N0} of {r.DroppedWith + r.DroppedWithout:N0}"),
                r.OddsRatio.ToString("0.###", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{r.CiLow:0.###} - {r.CiHigh:0.###}"),
                r.AdjustedPValue.ToString("0.####", CultureInfo.InvariantCulture),
                r.Significant ? (r.OddsRatio > 1 ? "goes with converting" : "goes with dropping off") : "");
        }

        return table;
    }

    private static Table SignificanceTable(IReadOnlyList<BreakdownSignificance> tests, string property)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"Conversion by {property}: {FunnelSignificance.Test}, significant below {FunnelSignificance.Alpha}"))
            .AddColumn("Value").AddColumn(new TableColumn("Converted").RightAligned()).AddColumn(new TableColumn("Rate").RightAligned())
            .AddColumn(new TableColumn("Rest").RightAligned()).AddColumn(new TableColumn("z").RightAligned())
            .AddColumn(new TableColumn("p").RightAligned()).AddColumn(new TableColumn("Adjusted p").RightAligned()).AddColumn("");
        foreach (var t in tests)
        {
            table.AddRow(
                Markup.Escape(t.Value),
                string.Create(CultureInfo.InvariantCulture, $"{t.Converted:N0} of {t.Entered:N0}"),
                Formats.Percent(t.Rate),
                Formats.Percent(t.RestRate),
                t.Z is { } z ? z.ToString("0.00", CultureInfo.InvariantCulture) : "-",
                t.PValue.ToString("0.####", CultureInfo.InvariantCulture),
                t.AdjustedPValue.ToString("0.####", CultureInfo.InvariantCulture),
                t.Significant ? (t.Rate > t.RestRate ? "higher" : "lower") : "");
        }

        return table;
    }

    private static Table Table(IReadOnlyList<FunnelStepResult> steps, string title)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title))
            .AddColumn("#").AddColumn("Step").AddColumn(new TableColumn("Customers").RightAligned())
            .AddColumn(new TableColumn("From start").RightAligned()).AddColumn(new TableColumn("From previous").RightAligned())
            .AddColumn(new TableColumn("Dropped").RightAligned()).AddColumn(new TableColumn("Median time").RightAligned()).AddColumn(new TableColumn("p90 time").RightAligned());
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            table.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Name), s.Customers.ToString("N0", CultureInfo.InvariantCulture),
                Formats.Percent(s.ConversionFromStart), i == 0 ? "" : Formats.Percent(s.ConversionFromPrevious),
                i == 0 ? "" : s.DropOff.ToString("N0", CultureInfo.InvariantCulture),
                Formats.Seconds(s.TimeToConvert?.Median), Formats.Seconds(s.TimeToConvert?.P90));
        }

        return table;
    }
}
