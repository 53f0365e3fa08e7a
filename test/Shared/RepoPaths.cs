namespace Trailmap.Testing;

/// <summary>Finds files of this checkout from a test's output folder, wherever the test runner put it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>The project's shared real-world data, beside the checkout; absent on a user's fresh clone.</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    /// <summary>Where tests keep screenshots and other files for people to look at.</summary>
    public static string Artifacts
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("TRAILMAP_TEST_ARTIFACTS") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Root, "artifacts", "test");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static string Sample(string name) => Path.Combine(Samples, name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Trailmap.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find Trailmap.slnx above " + AppContext.BaseDirectory);
    }
}
