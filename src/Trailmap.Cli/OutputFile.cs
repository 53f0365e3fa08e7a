namespace Trailmap.Cli;

/// <summary>Writes output files whole or not at all: a temp file beside the target, then a rename.</summary>
public static class OutputFile
{
    public static void WriteText(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
        {
            throw new UserError($"cannot write '{path}': folder '{dir}' does not exist");
        }

        var temp = full + ".partial";
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new UserError($"cannot write '{path}': {e.Message}");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original error is the one worth reporting.
        }
    }
}
