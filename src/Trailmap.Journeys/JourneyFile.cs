using Trailmap.Journeys.Model;
using Trailmap.Journeys.Parsing;
using Trailmap.Journeys.Validation;

namespace Trailmap.Journeys;

/// <summary>A journey file read, parsed and validated: the entry point for every command that takes a journey.</summary>
public sealed record JourneyFile(string Path, Journey? Journey, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);

    public static JourneyFile Load(string path)
    {
        string text;
        try
        {
            // A file over the limit is refused before it is read: a 50 MB file would cost its whole size in memory.
            if (new FileInfo(path) is { Exists: true, Length: > JourneyLimits.MaxFileBytes } big)
            {
                var d = new Diagnostic(Severity.Error, Codes.FileTooLarge.Code, JourneyParser.SizeMessage(big.Length), path, new SourceLocation(1, 1));
                return new JourneyFile(path, null, [d]);
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var d = new Diagnostic(Severity.Error, "TM000", $"cannot read the file: {e.Message}", path, new SourceLocation(1, 1));
            return new JourneyFile(path, null, [d]);
        }

        return FromText(text, path, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)));
    }

    /// <summary>Parses and validates journey text; <paramref name="baseDirectory"/> is where files the journey refers to
    /// (an emotion lexicon) are read, and null refuses them.</summary>
    public static JourneyFile FromText(string yaml, string path = "journey.yaml", string? baseDirectory = null)
    {
        var parsed = JourneyParser.Parse(yaml, path, baseDirectory);
        var diagnostics = parsed.Diagnostics.ToList();
        if (parsed.Journey is { } journey)
        {
            diagnostics.AddRange(JourneyValidator.Validate(journey, path));
        }

        diagnostics.Sort((a, b) => (a.Location.Line, a.Location.Column).CompareTo((b.Location.Line, b.Location.Column)));
        return new JourneyFile(path, parsed.Journey, diagnostics);
    }
}
