using System.CommandLine;
using Spectre.Console;
using Trailmap.Analytics.Journeys;
using Trailmap.Cli.Measure;
using Trailmap.Events;
using Trailmap.Export;
using Trailmap.Journeys;
using Trailmap.Journeys.Generation;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Templates;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap demo</c>: every template rendered to every format, to see what Trailmap makes in one command.</summary>
public static class DemoCommand
{
    public static Command Create(Terminal terminal, TimeProvider time)
    {
        var output = new Option<string>("--output", "-o") { Description = "Folder to write the demo into", DefaultValueFactory = _ => "trailmap-demo" };
        var chromium = new Option<string?>("--chromium") { Description = "Path to Chromium for the PNG and PDF files" };
        var template = new Option<string>("--template", "-t") { Description = "The template whose journey is measured", DefaultValueFactory = _ => "saas-trial" };
        var customers = new Option<int>("--customers", "-n") { Description = "Customers in the generated history", DefaultValueFactory = _ => 5000 };
        var noServe = new Option<bool>("--no-serve") { Description = "Write the files and stop, without starting the web workspace" };
        var urls = new Option<string[]>("--urls") { Description = "Where the web workspace listens", DefaultValueFactory = _ => [ServeCommand.DefaultUrl], AllowMultipleArgumentsPerToken = true };
        var delivery = new AutomateDeliveryOptions();
        var command = new Command("demo", "A full workspace in ./trailmap-demo/: generated events for a template imported, analyzed and rendered as a measured map, plus every template in every format; then the web workspace on it")
        {
            output, chromium, template, customers, noServe, urls,
        };
        delivery.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(output)!;
            Directory.CreateDirectory(dir);
            var written = new List<(string Template, string Format, string Path)>();
            ChromiumExporter? browser = null;
            try
            {
                try
                {
                    browser = await ChromiumExporter.StartAsync(parse.GetValue(chromium)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is ChromiumNotFoundException or Microsoft.Playwright.PlaywrightException)
                {
                    terminal.Warn($"skipping PNG and PDF: {e.Message.Split('\n')[0]}");
                }

                var formats = Enum.GetValues<RenderFormat>().Where(f => browser is not null || !JourneyRenderer.NeedsBrowser(f)).ToList();
                await terminal.Err.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask("rendering templates", maxValue: TemplateCatalog.All.Count * (formats.Count + 1));
                        foreach (var template in TemplateCatalog.All)
                        {
                            task.Description = $"rendering {Markup.Escape(template.Name)}";
                            var yamlPath = Path.Combine(dir, template.Name + ".yaml");
                            var yaml = TemplateCatalog.ReadYaml(template.Name);
                            OutputFile.WriteText(yamlPath, yaml);
                            written.Add((template.Name, "yaml", yamlPath));
                            task.Increment(1);
                            var journey = JourneyFile.FromText(yaml, yamlPath).Journey
                                ?? throw new InvalidOperationException($"template {template.Name} does not parse");
                            foreach (var format in formats)
                            {
                                var path = Path.Combine(dir, template.Name + JourneyRenderer.FileExtension(format));
                                if (JourneyRenderer.NeedsBrowser(format))
                                {
                                    await RenderCommand.ExportAsync(browser!, journey, null, format, path, PdfPage.Default, ct).ConfigureAwait(false);
                                }
                                else
                                {
                                    OutputFile.WriteText(path, JourneyRenderer.Render(journey, format));
                                }

                                written.Add((template.Name, format.ToString().ToLowerInvariant(), path));
                                task.Increment(1);
                            }
                        }
                    }).ConfigureAwait(false);
            }
            finally
            {
                if (browser is not null)
                {
                    await browser.DisposeAsync().ConfigureAwait(false);
                }
            }

            var measured = await MeasuredDemoAsync(terminal, time, dir, parse.GetValue(template)!, parse.GetValue(customers), parse.GetValue(chromium), ct).ConfigureAwait(false);
            written.AddRange(measured);
            foreach (var group in written.GroupBy(w => w.Template))
            {
                terminal.Out.MarkupLine($"[bold]{Markup.Escape(group.Key)}[/]");
                foreach (var (_, format, path) in group)
                {
                    terminal.Out.MarkupLine($"  {format,-8} {Markup.Escape(Path.GetFullPath(path))}");
                }
            }

            terminal.Info($"Open {Path.GetFullPath(measured.First(m => m.Format == "html").Path)} in a browser to see the measured map.");
            if (parse.GetValue(noServe))
            {
                return 0;
            }

            var db = measured.First(m => m.Format == "store").Path;
            var signIn = DemoWorkspace.Seed(db, parse.GetValue(template)!, time);
            await ServeCommand.RunAsync(
                terminal,
                new Trailmap.Web.WorkspaceOptions
                {
                    DbPath = db,
                    ChromiumPath = parse.GetValue(chromium),
                    Time = time,
                    Delivery = ServeCommand.WithPublicUrl(delivery.Read(parse), parse.GetValue(urls)!),
                },
                parse.GetValue(urls)!,
                signIn,
                ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>Generates history for one template, imports it into a fresh store, analyzes it and renders the measured map.</summary>
    private static async Task<List<(string Template, string Format, string Path)>> MeasuredDemoAsync(
        Terminal terminal, TimeProvider time, string dir, string templateName, int customers, string? chromium, CancellationToken ct)
    {
        var journey = GenerateCommand.Resolve(templateName, null, terminal);
        var name = templateName + "-measured";
        var events = Path.Combine(dir, templateName + "-events.jsonl");
        var db = Path.Combine(dir, "demo.duckdb");
        var written = new List<(string, string, string)>();
        terminal.Err.Status().Start($"generating {customers:N0} customers of {templateName}", _ =>
        {
            using var stream = File.Create(events + ".partial");
            EventGenerator.WriteJsonl(journey, new GeneratorOptions { Customers = customers, Seed = 42 }, stream);
        });
        File.Move(events + ".partial", events, overwrite: true);
        written.Add((name, "events", events));

        // A fresh store each run, so the demo shows the same numbers every time.
        File.Delete(db);
        File.Delete(db + ".wal");
        using (var store = EventSource.Open(db))
        {
            ImportCommand.RunImport(store, [events], new ImportOptions(), terminal, ct);
            var log = store.LoadEventLog(new EventLogQuery { Properties = [.. JourneyAnalyzer.PropertiesUsed(journey)] });
            var analysis = JourneyAnalyzer.Analyze(journey, log);
            var actuals = analysis.ToActuals(time.GetUtcNow());
            written.Add((name, "store", db));
            var md = Path.Combine(dir, name + "-analysis.md");
            OutputFile.WriteText(md, AnalysisMarkdown.Render(analysis));
            written.Add((name, "analysis", md));
            var actualsPath = Path.Combine(dir, name + "-actuals.json");
            OutputFile.WriteText(actualsPath, actuals.ToJson() + "\n");
            written.Add((name, "actuals", actualsPath));
            foreach (var format in new[] { RenderFormat.Html, RenderFormat.Svg, RenderFormat.Md })
            {
                var path = Path.Combine(dir, name + JourneyRenderer.FileExtension(format));
                OutputFile.WriteText(path, JourneyRenderer.Render(journey, format, actuals));
                written.Add((name, format.ToString().ToLowerInvariant(), path));
            }

            try
            {
                await using var browser = await ChromiumExporter.StartAsync(chromium).ConfigureAwait(false);
                foreach (var format in new[] { RenderFormat.Png, RenderFormat.Pdf })
                {
                    var path = Path.Combine(dir, name + JourneyRenderer.FileExtension(format));
                    await RenderCommand.ExportAsync(browser, journey, actuals, format, path, PdfPage.Default, ct).ConfigureAwait(false);
                    written.Add((name, format.ToString().ToLowerInvariant(), path));
                }
            }
            catch (Exception e) when (e is ChromiumNotFoundException or Microsoft.Playwright.PlaywrightException)
            {
                terminal.Warn($"skipping the measured PNG and PDF: {e.Message.Split('\n')[0]}");
            }

            AnalyzeCommand.WriteTables(terminal, analysis);
        }

        return written;
    }
}
