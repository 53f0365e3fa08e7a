using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Trailmap.Analytics.Journeys;
using Trailmap.Automation.Rules;
using Trailmap.Cli.Measure;
using Trailmap.Discovery.Suggest;
using Trailmap.Events;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap suggest JOURNEY --db STORE</c>: backtested, ranked interventions for the bottleneck and the missed KPIs.</summary>
public static class SuggestCommand
{
    public static Command Create(Terminal terminal)
    {
        var defaults = new SuggestOptions();
        var file = new Argument<string>("journey") { Description = "The measured journey to suggest interventions for" };
        var from = new Option<string?>("--from") { Description = "First day of the backtest (UTC; ISO 8601 or a date); default the day of the first event" };
        var to = new Option<string?>("--to") { Description = "End of the backtest, exclusive (UTC); default the day after the last event" };
        var output = new Option<string?>("--output", "-o") { Description = "The intervention YAML to write; stdout without it" };
        var max = new Option<int>("--max") { Description = "At most this many suggestions, the highest ranked", DefaultValueFactory = _ => defaults.MaxSuggestions };
        var holdout = new Option<string>("--holdout") { Description = "Share of customers each suggested rule holds out, to measure its lift", DefaultValueFactory = _ => "10%" };
        var source = new EventSource();
        var command = new Command("suggest", "Suggest interventions for a measured journey: for the bottleneck and each missed KPI, rules from the map's pain points, opportunities and moments of truth (stuck in a stage longer than its 75th percentile, missed a moment of truth), each backtested on the history and ranked by the customers it would reach times the gap it addresses. Writes intervention YAML with holdouts to review; the journey is not changed")
        {
            file, from, to, output, max, holdout,
        };
        source.AddTo(command, withRange: false);
        command.SetAction(async (parse, ct) =>
        {
            var journey = JourneyInput.LoadValid(parse.GetValue(file)!, terminal);
            var options = new SuggestOptions
            {
                From = EventSource.ParseTime(parse.GetValue(from), "--from"),
                To = EventSource.ParseTime(parse.GetValue(to), "--to"),
                MaxSuggestions = parse.GetValue(max) is var m and >= 1 and <= 50 ? m : throw new UserError($"--max takes 1 to 50, got {parse.GetValue(max)}"),
                Holdout = Share(parse.GetValue(holdout)!),
            };
            if (options.From is { } f && options.To is { } t && t <= f)
            {
                throw new UserError($"--to ({t:yyyy-MM-dd HH:mm}) must be after --from ({f:yyyy-MM-dd HH:mm})");
            }

            var properties = AutomationProperties.Used(journey).Concat(JourneyAnalyzer.PropertiesUsed(journey)).Distinct(StringComparer.Ordinal).ToList();
            var query = new EventLogQuery { Properties = properties, To = options.To };
            Trailmap.Events.EventLog log;
            if (parse.GetValue(source.Events) is { } events)
            {
                using var scratch = EventStore.Open(":memory:");
                ImportCommand.RunImport(scratch, [events], new ImportOptions(), terminal, ct);
                log = scratch.LoadEventLog(query);
            }
            else
            {
                using var store = EventSource.OpenExistingAny(parse.GetValue(source.Db)!);
                log = terminal.Err.Status().Start("loading events", _ => store.Load(query));
            }

            if (log.EventCount == 0)
            {
                throw new UserError("there are no events to measure the journey on; import some with 'trailmap import'");
            }

            var report = terminal.Err.Status().Start("measuring and backtesting", _ => InterventionSuggester.Suggest(journey, log, options, ct));
            Summary(terminal, report);
            foreach (var d in report.Diagnostics.Where(d => d.Severity == Journeys.Validation.Severity.Error))
            {
                terminal.Diagnostic(d);
            }

            var path = parse.GetValue(output);
            if (path is null)
            {
                await terminal.Raw.WriteAsync(report.Yaml.AsMemory(), ct).ConfigureAwait(false);
            }
            else
            {
                OutputFile.WriteText(path, report.Yaml);
                terminal.Info($"wrote {path}: review the rules, then add them under 'interventions:' in {parse.GetValue(file)}");
            }

            return report.Diagnostics.Any(d => d.Severity == Journeys.Validation.Severity.Error) ? 1 : 0;
        });
        return command;
    }

    private static double Share(string text)
    {
        var t = text.Trim();
        var percent = t.EndsWith('%');
        if (double.TryParse(percent ? t[..^1] : t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            var share = percent ? v / 100 : v;
            if (share is >= 0 and < 1)
            {
                return share;
            }
        }

        throw new UserError($"--holdout '{text}' is not a share; write e.g. 10% or 0.1 (0 to under 100%)");
    }

    private static void Summary(Terminal terminal, SuggestionReport report)
    {
        foreach (var why in report.Unaddressed)
        {
            terminal.Info(why);
        }

        if (report.Suggestions.Count == 0)
        {
            terminal.Info("no bottleneck or missed KPI with a rule to suggest: every step meets its targets and every measured KPI its target, or the stages have no customers to measure");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"Suggestions, backtested {report.From:yyyy-MM-dd} to {report.To:yyyy-MM-dd}")
            .AddColumn("#").AddColumn("Rule").AddColumn("Addresses").AddColumn(new TableColumn("Triggered").RightAligned())
            .AddColumn(new TableColumn("Messaged").RightAligned()).AddColumn(new TableColumn("Unreachable").RightAligned()).AddColumn(new TableColumn("Score").RightAligned());
        for (var i = 0; i < report.Suggestions.Count; i++)
        {
            var s = report.Suggestions[i];
            table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape($"{s.Intervention.Id}: {s.Intervention.When}"), Markup.Escape(s.Gap.What),
                s.Triggered.ToString("N0", CultureInfo.InvariantCulture), s.Messaged.ToString("N0", CultureInfo.InvariantCulture),
                s.Unreachable.ToString("N0", CultureInfo.InvariantCulture), s.Score.ToString("0.##", CultureInfo.InvariantCulture));
        }

        terminal.Err.Write(table);
    }
}
