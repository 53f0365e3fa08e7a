using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Trailmap.Analytics.Journeys;
using Trailmap.Cli.Measure;
using Trailmap.Events;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap analyze JOURNEY.yaml</c>: the measured journey, the actual next to every target.</summary>
public static class AnalyzeCommand
{
    public static Command Create(Terminal terminal, TimeProvider time)
    {
        var file = new Argument<string>("journey") { Description = "The journey file whose stages and KPIs to measure" };
        var format = Formats.Option("table", "md", "json", "actuals");
        var output = new Option<string?>("--output", "-o") { Description = "File to write; stdout without it" };
        var asOf = new Option<string?>("--as-of") { Description = "Compute health as of this time (default: the last event)" };
        var source = new EventSource();
        var command = new Command("analyze", "Measure a journey against the events: stage reach and conversion, KPI actuals, moments of truth, time to value, NPS/CSAT by stage, health, personas, the bottleneck and the gap to the ideal")
        {
            file, format, output, asOf,
        };
        source.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var journey = JourneyInput.LoadValid(parse.GetValue(file)!, terminal);
            // The journey says whether it counts people or accounts (measure:).
            var log = source.Load(parse, terminal, JourneyAnalyzer.PropertiesUsed(journey).ToList(), events: null,
                JourneyAnalyzer.TraitsUsed(journey).ToList(), ct, journey.Measure == JourneyMeasure.Accounts ? AnalysisUnit.Accounts : AnalysisUnit.People);
            if (log.EventCount == 0)
            {
                terminal.Warn("there are no events to measure; every actual will read 'no data'");
            }

            var analysis = JourneyAnalyzer.Analyze(journey, log, EventSource.ParseTime(parse.GetValue(asOf), "--as-of"));
            var fmt = parse.GetValue(format)!;
            var text = fmt switch
            {
                "md" => AnalysisMarkdown.Render(analysis),
                "json" => JsonSerializer.Serialize(analysis, TrailmapJson.Options) + "\n",
                "actuals" => analysis.ToActuals(time.GetUtcNow()).ToJson() + "\n",
                _ => null,
            };
            var outPath = parse.GetValue(output);
            if (text is null)
            {
                if (outPath is not null)
                {
                    throw new UserError("the table format prints to the terminal; use --format md, json or actuals with -o");
                }

                WriteTables(terminal, analysis);
                return 0;
            }

            if (outPath is null)
            {
                await terminal.Raw.WriteAsync(text.AsMemory(), ct).ConfigureAwait(false);
            }
            else
            {
                OutputFile.WriteText(outPath, text);
                terminal.Info($"wrote {outPath}");
            }

            return 0;
        });
        return command;
    }

    public static void WriteTables(Terminal terminal, JourneyAnalysis a)
    {
        var o = terminal.Out;
        o.MarkupLine($"[bold]{Markup.Escape(a.Title)}[/]: {a.Customers:N0} customers, {a.Events:N0} events");
        var stages = new Table().Border(TableBorder.Rounded).Title("Stages")
            .AddColumn("Stage").AddColumn(new TableColumn("Reached").RightAligned()).AddColumn(new TableColumn("Conversion").RightAligned())
            .AddColumn(new TableColumn("Drop-off").RightAligned()).AddColumn(new TableColumn("Median time").RightAligned())
            .AddColumn(new TableColumn("NPS").RightAligned()).AddColumn(new TableColumn("CSAT").RightAligned()).AddColumn("Emotion designed / measured");
        foreach (var s in a.Stages)
        {
            var name = a.Bottleneck?.ToStage == s.Id ? $"[red]{Markup.Escape(s.Name)} (bottleneck)[/]" : Markup.Escape(s.Name);
            stages.AddRow(name, s.Measurable ? s.Reached.ToString("N0", CultureInfo.InvariantCulture) : "no entry", Formats.Percent(s.ConversionFromPrevious),
                Formats.Percent(s.DropOff), Formats.Seconds(s.MedianTimeToStageSeconds), Formats.Number(s.Nps, "0.#"), Formats.Percent(s.Csat),
                $"{Formats.Number(s.DesignedEmotion)} / {Formats.Number(s.MeasuredEmotion)}");
        }

        o.Write(stages);
        var kpis = new Table().Border(TableBorder.Rounded).Title("KPIs")
            .AddColumn("KPI").AddColumn("Target").AddColumn(new TableColumn("Actual").RightAligned()).AddColumn("Status").AddColumn("How");
        foreach (var k in a.Kpis)
        {
            var colour = k.Status switch { TargetStatus.Met => "green", TargetStatus.AtRisk => "yellow", TargetStatus.Missed => "red", _ => "grey" };
            kpis.AddRow(Markup.Escape(k.Name), Markup.Escape(k.Target?.Text ?? "-"), Markup.Escape(k.Display), $"[{colour}]{k.StatusWord}[/]", Markup.Escape(k.Detail ?? ""));
        }

        o.Write(kpis);
        if (a.Bottleneck is { } b)
        {
            o.MarkupLine($"[bold]Bottleneck[/]: {Markup.Escape(b.FromStage)} -> {Markup.Escape(b.ToStage)}: {Markup.Escape(b.Reason)}");
            foreach (var p in b.PainPoints)
            {
                o.MarkupLine($"  pain point: {Markup.Escape(p.Text)}");
            }

            foreach (var op in b.Opportunities)
            {
                o.MarkupLine($"  opportunity: {Markup.Escape(op.Text)}");
            }
        }
        else if (a.Stages.Count(s => s.Measurable && s.Reached > 0) >= 2)
        {
            // Said rather than left out, so a reader does not take the silence for a missing feature (docs/analyze.md, "The bottleneck").
            o.MarkupLine("[bold]Bottleneck[/]: none: every step between stages meets its targets, and no step without a target loses a customer");
        }

        foreach (var m in a.MomentsOfTruth)
        {
            o.MarkupLine($"[bold]Moment of truth[/] {Markup.Escape(m.Name)} ({Markup.Escape(m.Deadline ?? "no deadline")}): {Formats.Percent(m.HitRate)} of {m.Eligible:N0}");
        }

        if (a.Health is { } h)
        {
            o.MarkupLine($"[bold]Health[/] (higher is healthier): average {Formats.Number(h.Average, "0.#")}, trend {Formats.Number(h.Trend, "+0.#;-0.#;0")}, [green]{h.Green:N0} green[/], [yellow]{h.Yellow:N0} yellow[/], [red]{h.Red:N0} red[/], {h.AtRiskCount:N0} at risk");
        }

        foreach (var p in a.Personas)
        {
            o.MarkupLine($"[bold]Persona[/] {Markup.Escape(p.Name)}: {p.Customers:N0} customers; reached {Markup.Escape(string.Join(", ", p.Reached.Select(r => $"{r.Key} {r.Value:N0}")))}");
        }
    }
}
