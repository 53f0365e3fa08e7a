namespace Trailmap.Export;

/// <summary>Raised when no Chromium can be found; its message says how to install or point at one.</summary>
public sealed class ChromiumNotFoundException(string message) : Exception(message);

/// <summary>Finds the Chromium that renders PNG and PDF: an explicit path, then TRAILMAP_CHROMIUM, then the usual install paths.</summary>
public static class ChromiumLocator
{
    public const string EnvironmentVariable = "TRAILMAP_CHROMIUM";

    private static readonly string[] WellKnownPaths =
    [
        "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable",
        "/snap/bin/chromium", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
    ];

    public static string Find(string? explicitPath = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return File.Exists(explicitPath)
                ? explicitPath
                : throw new ChromiumNotFoundException($"no Chromium at '{explicitPath}'; check the path given with --chromium");
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnv)
        {
            return File.Exists(fromEnv)
                ? fromEnv
                : throw new ChromiumNotFoundException($"{EnvironmentVariable} points at '{fromEnv}', which does not exist");
        }

        return WellKnownPaths.FirstOrDefault(File.Exists)
            ?? throw new ChromiumNotFoundException(
                "PNG and PDF export need Chromium, and none was found. Install it (Debian/Ubuntu: 'sudo apt-get install chromium fonts-noto-color-emoji', the font for emoji in colour), " +
                $"or set {EnvironmentVariable} or --chromium to its path. HTML and SVG export work without it.");
    }
}
