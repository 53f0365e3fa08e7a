using System.Runtime.CompilerServices;

namespace Trailmap.Journeys.Tests.Parsing;

/// <summary>Finds test data and repository files from the test sources, so the csproj need not copy them.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = Path.GetFullPath(Path.Combine(ThisDirectory(), "..", "..", ".."));

    public static string Repo(params string[] parts) => Path.Combine([RepoRoot, .. parts]);

    public static string Tests(params string[] parts) => Path.Combine([RepoRoot, "test", "Trailmap.Journeys.Tests", .. parts]);

    private static string ThisDirectory([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
