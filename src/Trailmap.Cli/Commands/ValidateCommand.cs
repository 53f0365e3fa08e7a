using System.CommandLine;
using System.Text.Json;
using Trailmap.Journeys;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Validation;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap validate FILE...</c>: errors and lint warnings as <c>file:line:col: severity CODE: message</c>.</summary>
public static class ValidateCommand
{
    public static Command Create(Terminal terminal)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Journey files (or folders holding *.yaml) to check",
            Arity = ArgumentArity.OneOrMore,
        };
        var format = new Option<string>("--format", "-f")
        {
            Description = "text (file:line:col: severity CODE: message) or json",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        var strict = new Option<bool>("--strict") { Description = "Exit 1 on warnings too, not only on errors" };

        var command = new Command("validate", "Check journey files: YAML syntax, the format, references, and lint rules. Exits 1 when any file has an error.")
        {
            files, format, strict,
        };
        command.SetAction(parse =>
        {
            var paths = Expand(parse.GetValue(files)!);
            var results = paths.Select(JourneyFile.Load).ToList();
            var errors = results.Sum(r => r.Diagnostics.Count(d => d.Severity == Severity.Error));
            var warnings = results.Sum(r => r.Diagnostics.Count(d => d.Severity == Severity.Warning));
            if (parse.GetValue(format) == "json")
            {
                terminal.Raw.WriteLine(JsonSerializer.Serialize(ToJson(results, errors, warnings), TrailmapJson.Options));
            }
            else
            {
                foreach (var d in results.SelectMany(r => r.Diagnostics))
                {
                    terminal.Diagnostic(d);
                }

                foreach (var r in results.Where(r => r.Diagnostics.Count == 0 && r.Journey is not null))
                {
                    terminal.Info($"ok: {r.Path} ({r.Journey!.Stages.Count} stages)");
                }

                terminal.Info($"{Plural(results.Count, "file")} checked: {Plural(errors, "error")}, {Plural(warnings, "warning")}");
            }

            return errors > 0 || (parse.GetValue(strict) && warnings > 0) ? 1 : 0;
        });
        return command;
    }

    internal static string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}s";

    private static List<string> Expand(IEnumerable<string> inputs)
    {
        var paths = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input, "*.yaml", SearchOption.AllDirectories)
                    .Concat(Directory.EnumerateFiles(input, "*.yml", SearchOption.AllDirectories))
                    .Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                {
                    throw new UserError($"no *.yaml or *.yml files in folder '{input}'");
                }

                paths.AddRange(found);
            }
            else
            {
                paths.Add(input);
            }
        }

        return paths;
    }

    private static object ToJson(List<JourneyFile> results, int errors, int warnings) => new
    {
        Valid = errors == 0,
        Errors = errors,
        Warnings = warnings,
        Files = results.Select(r => new
        {
            File = r.Path,
            Valid = !r.HasErrors,
            Diagnostics = r.Diagnostics.Select(d => new
            {
                Severity = d.Severity == Severity.Error ? "error" : "warning",
                d.Code,
                d.Message,
                d.Location.Line,
                d.Location.Column,
            }),
        }),
    };
}
