using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Trailmap.Drafting.Draft;
using Trailmap.Journeys.Model;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap draft BRIEF -o journey.yaml</c>: a journey drafted from a brief by an OpenAI-compatible chat model, validated and repaired.</summary>
public static class DraftCommand
{
    public static Command Create(Terminal terminal, TimeProvider time) => Create(terminal, time, Environment.GetEnvironmentVariable);

    public static Command Create(Terminal terminal, TimeProvider time, Func<string, string?> environment)
    {
        var brief = new Argument<string>("brief") { Description = "The brief: a Markdown or text file describing the product, its audience and their goals" };
        var notes = new Option<string[]>("--notes") { Description = "Interview notes to draw on (a text file; repeatable)" };
        var survey = new Option<string?>("--survey") { Description = "Survey answers to draw on (a CSV file)" };
        var extend = new Option<string?>("--extend") { Description = "An existing journey file to extend instead of starting blank" };
        var output = new Option<string>("--output", "-o") { Description = "The journey file to write; the last draft goes beside it as NAME.draft.yaml when it stays invalid", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite the output file if it exists" };
        var url = new Option<string?>("--model-url") { Description = $"Base URL of an OpenAI-compatible chat endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama (else ${ModelEndpoint.UrlVariable})" };
        var model = new Option<string?>("--model") { Description = $"The model name at that endpoint, e.g. llama3.1 (else ${ModelEndpoint.ModelVariable})" };
        var key = new Option<string?>("--model-key") { Description = $"The API key, if the endpoint needs one (else ${ModelEndpoint.KeyVariable})" };
        var timeout = new Option<string>("--timeout") { Description = "How long one request to the model may take: 90s, 5m", DefaultValueFactory = _ => "120s" };
        var retries = new Option<int>("--retries") { Description = "Retries of a request the endpoint rate-limits (429), times out or fails with 5xx", DefaultValueFactory = _ => 2 };
        var repairs = new Option<int>("--repairs") { Description = "Times a draft with validation errors goes back to the model with them", DefaultValueFactory = _ => JourneyDrafter.DefaultRepairs };
        var render = new Option<string?>("--render")
        {
            Description = $"Once the draft validates, also render it beside the output, as 'trailmap render' does: one or more of {string.Join(", ", RenderCommand.Formats)}, comma-separated (e.g. html,pdf); NAME.html, NAME.pdf and so on. PDF pages are A3 landscape",
        };
        var chromium = new Option<string?>("--chromium") { Description = $"Path to Chromium for --render png, pdf or zip (default: ${Export.ChromiumLocator.EnvironmentVariable}, then /usr/bin/chromium)" };
        var command = new Command("draft", "Draft a journey from a brief with any OpenAI-compatible chat model (Ollama, llama.cpp, vLLM, hosted APIs): audience, personas, then stages, KPIs and moments of truth as JSON against the journey schema. Every draft is validated and errors go back to the model for a bounded number of repairs. Without a model it says how to configure one and offers the closest template")
        {
            brief, notes, survey, extend, output, force, url, model, key, timeout, retries, repairs, render, chromium,
        };
        command.SetAction(async (parse, ct) =>
        {
            var input = ReadInput(parse.GetValue(brief)!, parse.GetValue(notes) ?? [], parse.GetValue(survey), parse.GetValue(extend));
            var path = parse.GetValue(output)!;
            if (File.Exists(path) && !parse.GetValue(force))
            {
                throw new UserError($"'{path}' already exists; choose another file with -o or pass --force to overwrite it");
            }

            // Checked before the model is asked, so a typo in a format does not cost a draft.
            var renders = Renders(parse.GetValue(render), path, parse.GetValue(force));

            if (!Duration.TryParse(parse.GetValue(timeout), out var limit) || limit.Span <= TimeSpan.Zero)
            {
                throw new UserError($"--timeout '{parse.GetValue(timeout)}' is not a duration; {Duration.Help}");
            }

            var (retryCount, repairCount) = (parse.GetValue(retries), parse.GetValue(repairs));
            if (retryCount is < 0 or > 10 || repairCount is < 0 or > 10)
            {
                throw new UserError("--retries and --repairs take a number from 0 to 10");
            }

            ModelEndpoint? endpoint;
            try
            {
                endpoint = ModelEndpoint.Resolve(parse.GetValue(url), parse.GetValue(model), parse.GetValue(key), limit.Span, retryCount, environment);
            }
            catch (DraftException e)
            {
                throw new UserError(e.Message);
            }

            if (endpoint is null)
            {
                var closest = TemplateMatcher.Closest(input.Brief);
                throw new UserError($"no model is configured: {ModelEndpoint.Help}. Meanwhile the closest template to this brief is '{closest.Name}' ({closest.Title}): trailmap init --template {closest.Name} -o {path}");
            }

            var draftPath = Path.ChangeExtension(path, ".draft.yaml");
            terminal.Info($"drafting with {endpoint.Model} at {endpoint.Url}");
            var progress = new LineProgress(terminal);
            DraftResult result;
            try
            {
                using var client = endpoint.CreateClient();
                result = await JourneyDrafter.DraftAsync(client, endpoint, input, repairCount, draftPath, progress, ct).ConfigureAwait(false);
            }
            catch (DraftException e)
            {
                throw new UserError(e.Message);
            }

            if (!result.Valid)
            {
                OutputFile.WriteText(draftPath, result.LastDraft + "\n");
                foreach (var d in result.Diagnostics)
                {
                    terminal.Diagnostic(d);
                }

                throw new UserError($"the draft still has errors after {result.Repairs} repairs; the last draft is in {draftPath} (fix it by hand, or run again with more --repairs or a larger model)"
                    + (renders.Count > 0 ? $". Nothing was rendered: --render renders only a draft that validates (after fixing it: trailmap render {draftPath} --format {renders[0].Format})" : ""));
            }

            var header = $"# Drafted by 'trailmap draft' with {endpoint.Model} from {Path.GetFileName(parse.GetValue(brief))}"
                + (result.Repairs > 0 ? $" ({result.Repairs} repair{(result.Repairs == 1 ? "" : "s")})" : "")
                + ". A draft: review every stage, KPI and target before use.\n";
            OutputFile.WriteText(path, header + result.Yaml);
            // The warnings, with lines and columns in the file as written rather than in the model's JSON.
            var written = Journeys.JourneyFile.FromText(header + result.Yaml, path);
            foreach (var d in written.Diagnostics)
            {
                terminal.Diagnostic(d);
            }

            if (renders.Count == 0)
            {
                terminal.Info($"wrote {path}. Next: trailmap validate {path} && trailmap render {path} --format html");
                return 0;
            }

            terminal.Info($"wrote {path}");
            await RenderAsync(terminal, renders, path, written.Journey!, parse.GetValue(chromium), time, ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The formats of <c>--render</c>, each with the file it goes to: the output's name with the format's extension.
    /// Unknown formats, a target that is the output itself, and existing files without <c>--force</c> stop the command
    /// here, before any request to the model.
    /// </summary>
    internal static List<(string Format, string Target)> Renders(string? option, string output, bool force)
    {
        if (option is null)
        {
            return [];
        }

        var valid = string.Join(", ", RenderCommand.Formats);
        var formats = option.Split(',', StringSplitOptions.TrimEntries).Select(f => f.ToLowerInvariant()).ToList();
        if (formats.Any(f => f.Length == 0))
        {
            throw new UserError($"--render '{option}' has an empty format; give one or more of {valid}, comma-separated, e.g. --render html,pdf");
        }

        if (formats.FirstOrDefault(f => !RenderCommand.Formats.Contains(f)) is { } unknown)
        {
            throw new UserError($"--render: '{unknown}' is not a format trailmap renders; choose from {valid} (comma-separated, e.g. --render html,pdf)");
        }

        var renders = formats.Distinct().Select(f => (Format: f, Target: Path.ChangeExtension(output, RenderCommand.Extension(f)))).ToList();
        foreach (var (format, target) in renders)
        {
            if (string.Equals(Path.GetFullPath(target), Path.GetFullPath(output), StringComparison.Ordinal))
            {
                throw new UserError($"--render {format} would write over the journey itself ('{output}'); name the output NAME.yaml");
            }

            if (File.Exists(target) && !force)
            {
                throw new UserError($"'{target}' already exists and --render {format} would overwrite it; move it or pass --force");
            }
        }

        return renders;
    }

    /// <summary>The deliverable: each format through <c>trailmap render</c>'s own code path, one progress step each.</summary>
    private static async Task RenderAsync(Terminal terminal, List<(string Format, string Target)> renders, string path, Journey journey, string? chromium, TimeProvider time, CancellationToken ct)
    {
        await using var browser = new LazyChromium(chromium);
        for (var i = 0; i < renders.Count; i++)
        {
            var (format, target) = renders[i];
            var step = $"render {i + 1}/{renders.Count} {format}";
            terminal.Info($"{step}...");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                await RenderCommand.WriteFileAsync(format, path, journey, null, target, PdfPage.Default, browser, time, ct).ConfigureAwait(false);
            }
            catch (UserError e)
            {
                throw new UserError($"{step}: {e.Message.TrimEnd('.')}. The journey is in {path} (valid); render it again with: trailmap render {path} --format {format} -o {target}");
            }

            terminal.Info($"{step}: wrote {target} in {watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s");
        }
    }

    private static DraftInput ReadInput(string brief, string[] notes, string? survey, string? extend)
    {
        var input = new DraftInput
        {
            Brief = Read(brief, "brief"),
            BriefName = Path.GetFileName(brief),
            Notes = [.. notes.Select(n => (Path.GetFileName(n), Read(n, "--notes")))],
            Survey = survey is null ? null : (Path.GetFileName(survey), Read(survey, "--survey")),
            Extend = extend is null ? null : (Path.GetFileName(extend), Read(extend, "--extend")),
        };
        try
        {
            input.Check();
        }
        catch (DraftException e)
        {
            throw new UserError(e.Message);
        }

        return input;
    }

    private static string Read(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"cannot read the {what} file '{path}': {e.Message}");
        }
    }

    /// <summary>One line when a step starts and one when it ends; a live count of the characters in between on a terminal.</summary>
    private sealed class LineProgress(Terminal terminal) : IProgress<DraftProgress>
    {
        private int lastShown = -1;

        public void Report(DraftProgress value)
        {
            var step = $"step {value.Number}/{value.Of} {value.Step}";
            if (value.Done)
            {
                terminal.Info($"{step}: {value.Characters.ToString("N0", CultureInfo.InvariantCulture)} characters in {value.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s");
            }
            else if (value.Characters == 0)
            {
                terminal.Info($"{step}...");
                lastShown = 0;
            }
            else if (terminal.Err.Profile.Capabilities.Interactive && value.Characters - lastShown >= 200)
            {
                terminal.Err.Markup(Markup.Escape($"\r{step}: {value.Characters.ToString("N0", CultureInfo.InvariantCulture)} characters"));
                lastShown = value.Characters;
            }
        }
    }
}
