using System.CommandLine;
using Spectre.Console;
using Trailmap.Journeys;
using Trailmap.Journeys.Generation;
using Trailmap.Journeys.Templates;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap generate --template NAME --customers N --seed S -o FILE</c>: a realistic synthetic event log.</summary>
public static class GenerateCommand
{
    public static Command Create(Terminal terminal)
    {
        var template = new Option<string?>("--template", "-t") { Description = "Template whose journey the customers travel (see 'trailmap templates')" };
        var journeyFile = new Option<string?>("--journey") { Description = "Or a journey file of your own" };
        var customers = new Option<int>("--customers", "-n") { Description = "How many customers", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same file", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output", "-o") { Description = "File to write (.jsonl for Segment messages, .csv for tracks only)", Required = true };
        var format = new Option<string?>("--format") { Description = "jsonl or csv (default: from the file extension)" };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var command = new Command("generate", "Write a synthetic event log for a journey (rates and timings in docs/generate.md)")
        {
            template, journeyFile, customers, seed, output, format,
        };
        command.SetAction(parse =>
        {
            var journey = Resolve(parse.GetValue(template), parse.GetValue(journeyFile), terminal);
            var n = parse.GetValue(customers);
            if (n is < 1 or > 50_000_000)
            {
                throw new UserError("--customers takes 1 to 50,000,000");
            }

            var path = parse.GetValue(output)!;
            var csv = (parse.GetValue(format) ?? (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "jsonl")) == "csv";
            var options = new GeneratorOptions { Customers = n, Seed = parse.GetValue(seed) };
            var temp = Path.GetFullPath(path) + ".partial";
            long messages = 0;
            terminal.Err.Status().Start($"generating {n:N0} customers", ctx =>
            {
                using var stream = File.Create(temp);
                var progress = new Progress<long>(m => ctx.Status($"generating {n:N0} customers: {m:N0} messages"));
                if (csv)
                {
                    EventGenerator.WriteCsv(journey, options, stream, progress);
                }
                else
                {
                    EventGenerator.WriteJsonl(journey, options, stream, progress);
                }

                messages = stream.Length;
            });
            File.Move(temp, path, overwrite: true);
            terminal.Info($"wrote {path} ({new FileInfo(path).Length / 1024.0 / 1024.0:0.0} MB) for {n:N0} customers of '{journey.Id}'. Next: trailmap import {path}");
            return 0;
        });
        return command;
    }

    internal static Trailmap.Journeys.Model.Journey Resolve(string? template, string? journeyFile, Terminal terminal)
    {
        if ((template is null) == (journeyFile is null))
        {
            throw new UserError("give --template NAME or --journey FILE");
        }

        if (journeyFile is not null)
        {
            return JourneyInput.LoadValid(journeyFile, terminal);
        }

        if (TemplateCatalog.Find(template!) is null)
        {
            var names = TemplateCatalog.All.Select(t => t.Name).ToList();
            throw new UserError($"no template '{template}'{Trailmap.Journeys.Parsing.Suggest.DidYouMean(template!, names)}; available: {string.Join(", ", names)}");
        }

        return JourneyFile.FromText(TemplateCatalog.ReadYaml(template!), template + ".yaml").Journey!;
    }
}
