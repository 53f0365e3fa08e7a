using System.Runtime.CompilerServices;
using Trailmap.Journeys.Model;
using Xunit;

namespace Trailmap.Journeys.Tests.Rendering;

/// <summary>Finds the repository's sample and golden files from this source file, so tests need no copied content.</summary>
internal static class TextFormatFiles
{
    public static string RepoRoot { get; } = FindRoot();

    public static string CompleteSamplePath => Path.Combine(RepoRoot, "samples", "complete.yaml");

    public static Journey CompleteSample()
    {
        var file = JourneyFile.Load(CompleteSamplePath);
        Assert.False(file.HasErrors, string.Join("\n", file.Diagnostics));
        return file.Journey!;
    }

    public static string GoldenPath(string fileName, [CallerFilePath] string callerFile = "") =>
        Path.Combine(Path.GetDirectoryName(callerFile)!, "Golden", fileName);

    /// <summary>
    /// Compares output with a reviewed golden file; TRAILMAP_UPDATE_GOLDEN=1 rewrites the file instead.
    /// Line endings are normalised so a checkout with CRLF does not fail.
    /// </summary>
    public static void MatchesGolden(string actual, string fileName, [CallerFilePath] string callerFile = "")
    {
        var path = GoldenPath(fileName, callerFile);
        if (Environment.GetEnvironmentVariable("TRAILMAP_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run the tests with TRAILMAP_UPDATE_GOLDEN=1 and review it");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        var got = actual.ReplaceLineEndings("\n");
        if (expected == got)
        {
            return;
        }

        var expectedLines = expected.Split('\n');
        var gotLines = got.Split('\n');
        var line = 0;
        while (line < expectedLines.Length && line < gotLines.Length && expectedLines[line] == gotLines[line])
        {
            line++;
        }

        Assert.Fail(
            $"output differs from {path} at line {line + 1}:\n" +
            $"  expected: {(line < expectedLines.Length ? expectedLines[line] : "<end of file>")}\n" +
            $"  actual:   {(line < gotLines.Length ? gotLines[line] : "<end of output>")}\n" +
            "If the change is intended, rerun with TRAILMAP_UPDATE_GOLDEN=1 and review the diff.");
    }

    private static string FindRoot([CallerFilePath] string thisFile = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(thisFile)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Trailmap.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find Trailmap.slnx above " + thisFile);
    }
}
