using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Trailmap.Delivery;

/// <summary>The three parts of a named email template, each null when its file does not exist.</summary>
public sealed record EmailTemplateFiles(LiquidTemplate? Subject, LiquidTemplate? Text, LiquidTemplate? Html)
{
    public bool Any => Subject is not null || Text is not null || Html is not null;
}

/// <summary>
/// A folder of Liquid email templates: NAME.subject.liquid, NAME.text.liquid and NAME.html.liquid. Parsed files are
/// cached and reparsed when their modification time changes, so editing a template needs no restart.
/// </summary>
public sealed partial class EmailTemplates(string? folder)
{
    private readonly ConcurrentDictionary<string, (DateTime Modified, LiquidTemplate Template)> cache = new(StringComparer.Ordinal);

    public string? Folder { get; } = folder;

    /// <summary>The files of template <paramref name="name"/>; all null when the folder has none of them.</summary>
    /// <exception cref="TemplateError">The name is not a plain file name, or a file is not valid Liquid.</exception>
    public EmailTemplateFiles Load(string name)
    {
        if (!SafeName().IsMatch(name))
        {
            throw new TemplateError(
                $"template name '{name}' must be letters, digits, '-', '_' or '.', starting with a letter or digit (it names files in the template folder)");
        }

        return Folder is null
            ? new EmailTemplateFiles(null, null, null)
            : new EmailTemplateFiles(Part(name, "subject"), Part(name, "text"), Part(name, "html"));
    }

    private LiquidTemplate? Part(string name, string part)
    {
        var path = Path.Combine(Folder!, $"{name}.{part}.liquid");
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        var modified = info.LastWriteTimeUtc;
        if (cache.TryGetValue(path, out var cached) && cached.Modified == modified)
        {
            return cached.Template;
        }

        var template = LiquidTemplate.Parse(File.ReadAllText(path), path);
        cache[path] = (modified, template);
        return template;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex SafeName();
}
