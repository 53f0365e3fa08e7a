using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Trailmap.Analytics.Funnels;
using Trailmap.Cli.Measure;
using Trailmap.Journeys.Model;
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
        var by = new Option<string?>("--by") { Description = "Break down by an event property (of the chain's step-1 event) or a customer trait" };
        var stepWhere = new Option<string[]>("--step-where") { Description = "N:FILTER adds a property filter to step N, e.g. 2:'plan == \"team\"' (repeatable)" };
        var format = Formats.Option("table", "json", "csv");
        var source = new EventSource();
        var command = new Command("funnel", "Ordered funnel: customers reaching each step within the window, conversion, drop-off and time to convert")
        {
            steps, window, mode, reentry, exclude, by, stepWhere, format,
        };
        source.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var spec = BuildSpec(parse.GetValue(steps)!, parse.GetValue(window)!, parse.GetValue(mode), parse.GetValue(reentry)!,
                parse.GetValue(exclude) ?? [], parse.GetValue(by), parse.GetValue(stepWhere) ?? []);
            var properties = spec.Steps.Concat(spec.Exclusions).Where(s => s.Where is not null).SelectMany(s => s.Where!.Properties())
                .Concat(spec.BreakdownProperty is { } b ? [b] : []).Distinct().ToList();
            var log = source.Load(parse, terminal, properties, ct);
            var result = FunnelEngine.Run(log, spec with
            {
                From = EventSource.ParseTime(parse.GetValue(source.From), "--from"),
                To = EventSource.ParseTime(parse.GetValue(source.To), "--to"),
            });
            Write(terminal, result, spec, parse.GetValue(format)!);
            return Task.FromResult(0);
        });
        return command;
    }

    internal static FunnelSpec BuildSpec(string steps, string window, string? mode, string reentry, string[] exclude, string? by, string[] stepWhere)
    {
        var names = steps.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length < 2)
        {
            throw new UserError("--steps needs at least two event names, e.g. --steps 'Signed Up,Activated'");
        }

        if (names.Length > FunnelSpec.MaxSteps)
        {
            throw new UserError($"--steps takes at most {FunnelSpec.MaxSteps} steps");
        }

        var filters = new Filter?[names.Length];
        foreach (var sw in stepWhere)
        {
            var colon = sw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !int.TryParse(sw[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > names.Length)
            {
                throw new UserError($"--step-where '{sw}': write N:FILTER with N a step number from 1 to {names.Length}, e.g. 2:'plan == \"team\"'");
            }

            try
            {
                var f = Filter.Parse(sw[(colon + 1)..]);
                filters[n - 1] = filters[n - 1] is { } existing ? new Filter.And(existing, f) : f;
            }
            catch (FormatException e)
            {
                throw new UserError($"--step-where '{sw}': {e.Message}");
            }
        }

        if (!Duration.TryParse(window, out var w))
        {
            throw new UserError($"--window '{window}': {Duration.Help}");
        }

        FunnelModes modes;
        try
        {
            modes = FunnelModesParser.Parse(mode);
        }
        catch (FormatException e)
        {
            throw new UserError($"--mode: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new UserError($"--mode: {e.Message}");
        }

        return new FunnelSpec
        {
            Steps = [.. names.Select((s, i) => new FunnelStep(s, filters[i]))],
            Window = w,
            Modes = modes,
            Reentry = reentry == "first" ? FunnelReentry.First : FunnelReentry.Latest,
            Exclusions = [.. exclude.Select(e => new FunnelStep(e))],
            BreakdownProperty = by,
        };
    }

    private static void Write(Terminal terminal, FunnelResult result, FunnelSpec spec, string format)
    {
        switch (format)
        {
            case "json":
                terminal.Raw.WriteLine(JsonSerializer.Serialize(ToJson(result, spec), TrailmapJson.Options));
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

                return;
        }
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

    /// <summary>The documented JSON contract (docs/analytics-json.md): steps in order, each with name and customers.</summary>
    internal static object ToJson(FunnelResult result, FunnelSpec spec) => new
    {
        Window = spec.Window.Text,
        WindowSeconds = spec.Window.TotalSeconds,
        Modes = FunnelModesParser.Format(spec.Modes),
        Reentry = spec.Reentry == FunnelReentry.First ? "first" : "latest",
        Steps = Steps(result.Steps),
        Breakdown = spec.BreakdownProperty,
        Breakdowns = result.Breakdowns?.ToDictionary(b => b.Key, b => Steps(b.Value)),
    };

    private static IEnumerable<object> Steps(IReadOnlyList<FunnelStepResult> steps) => steps.Select((s, i) => new
    {
        Step = i + 1,
        s.Name,
        s.Customers,
        s.ConversionFromStart,
        s.ConversionFromPrevious,
        s.DropOff,
        TimeToConvert = s.TimeToConvert is { } t ? new { MeanSeconds = t.Mean, MedianSeconds = t.Median, P90Seconds = t.P90, t.Count } : null,
    });
}
