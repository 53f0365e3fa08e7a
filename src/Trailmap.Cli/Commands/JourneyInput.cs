using System.Text.Json;
using Spectre.Console;
using Trailmap.Journeys;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Validation;

namespace Trailmap.Cli.Commands;

/// <summary>Loads what commands take as input, turning every problem into a message the user can act on.</summary>
public static class JourneyInput
{
    /// <summary>Loads a journey; prints its diagnostics and stops on errors, since rendering a broken map misleads.</summary>
    public static Journey LoadValid(string path, Terminal terminal)
    {
        if (!File.Exists(path))
        {
            throw new UserError($"no journey file at '{path}'; create one with 'trailmap init --template saas-trial -o {path}'");
        }

        var file = JourneyFile.Load(path);
        foreach (var d in file.Diagnostics)
        {
            if (d.Severity == Severity.Error)
            {
                terminal.Err.WriteLine(d.ToString());
            }
        }

        if (file.HasErrors || file.Journey is null)
        {
            var n = file.Diagnostics.Count(d => d.Severity == Severity.Error);
            throw new UserError($"{path} has {ValidateCommand.Plural(n, "error")}; fix them (see above) and run again");
        }

        var warnings = file.Diagnostics.Count(d => d.Severity == Severity.Warning);
        if (warnings > 0)
        {
            terminal.Warn($"{path} has {ValidateCommand.Plural(warnings, "lint warning")}; 'trailmap validate {path}' lists them");
        }

        return file.Journey;
    }

    public static JourneyActuals? LoadActuals(string? path, Journey journey)
    {
        if (path is null)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new UserError($"no actuals file at '{path}'; produce one with 'trailmap analyze JOURNEY --format actuals -o {path}'");
        }

        JourneyActuals actuals;
        try
        {
            actuals = JourneyActuals.Read(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"{path}:{line + 1}:{(e.BytePositionInLine ?? 0) + 1}" : path;
            throw new UserError($"{where}: the actuals file is not valid actuals JSON: {e.Message.Split(" Path:")[0]} (docs/actuals.md describes the shape)");
        }
        catch (FormatException e)
        {
            throw new UserError($"{path}: {e.Message}");
        }

        if (actuals.Journey != journey.Id)
        {
            throw new UserError($"{path} holds actuals for journey '{actuals.Journey}', but the map is '{journey.Id}'; analyze this journey to get its actuals");
        }

        return actuals;
    }
}
