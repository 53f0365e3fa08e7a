using System.CommandLine;
using Spectre.Console;
using Trailmap.Export;
using Trailmap.Journeys;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Templates;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap demo</c>: every template rendered to every format, to see what Trailmap makes in one command.</summary>
public static class DemoCommand
{
    public static Command Create(Terminal terminal)
    {
        var output = new Option<string>("--output", "-o") { Description = "Folder to write the demo into", DefaultValueFactory = _ => "trailmap-demo" };
        var chromium = new Option<string?>("--chromium") { Description = "Path to Chromium for the PNG and PDF files" };
        var command = new Command("demo", "Render every template into ./trailmap-demo/ in every format and print the paths") { output, chromium };
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
                                    var html = JourneyRenderer.Render(journey, RenderFormat.Html);
                                    await RenderCommand.ExportAsync(browser!, html, format, path, "a3", ct).ConfigureAwait(false);
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

            foreach (var group in written.GroupBy(w => w.Template))
            {
                terminal.Out.MarkupLine($"[bold]{Markup.Escape(group.Key)}[/]");
                foreach (var (_, format, path) in group)
                {
                    terminal.Out.MarkupLine($"  {format,-8} {Markup.Escape(Path.GetFullPath(path))}");
                }
            }

            terminal.Info($"Open {Path.GetFullPath(Path.Combine(dir, TemplateCatalog.All[0].Name + ".html"))} in a browser to see a map.");
            return 0;
        });
        return command;
    }
}
