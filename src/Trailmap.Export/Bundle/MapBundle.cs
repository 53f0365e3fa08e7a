using System.IO.Compression;
using System.Text;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Export;

/// <summary>
/// The map as one deliverable: a zip with the journey's YAML, the JSON Schema it follows, the map in HTML, SVG, PNG,
/// PDF, Markdown, CSV and JSON, and a README that says what each file is for. The archive is built beside the
/// target under a temporary name and renamed into place only when complete, so a failure leaves no half archive
/// (and an older archive of the same name untouched).
/// </summary>
public static class MapBundle
{
    /// <summary>The README's name inside the archive.</summary>
    public const string ReadmeName = "README.md";

    public const string SchemaName = "journey.schema.json";

    /// <summary>Writes the archive for the journey file at <paramref name="journeyPath"/>, already loaded as <paramref name="journey"/>.</summary>
    public static async Task WriteAsync(
        ChromiumExporter exporter,
        string journeyPath,
        Journey journey,
        JourneyActuals? actuals,
        PageSize size,
        PageOrientation orientation,
        string outputPath,
        TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        ArgumentNullException.ThrowIfNull(time);
        var full = Path.GetFullPath(outputPath);
        var partial = full + ".partial";
        var work = Directory.CreateTempSubdirectory("trailmap-bundle-");
        try
        {
            var png = Path.Combine(work.FullName, "map.png");
            var pdf = Path.Combine(work.FullName, "map.pdf");
            await exporter.ExportPngAsync(HtmlRenderer.Render(journey, actuals), png, cancellationToken).ConfigureAwait(false);
            await exporter.ExportPdfAsync(
                HtmlRenderer.Render(journey, actuals, ChromiumExporter.StagesPerPage(size, orientation)), pdf, size, orientation, cancellationToken).ConfigureAwait(false);

            var stem = Path.GetFileNameWithoutExtension(journeyPath);
            var yamlName = Path.GetFileName(journeyPath);
            var lexicon = LexiconFile(journeyPath);
            var stamp = time.GetLocalNow();
            var files = new List<(string Name, string Purpose)>();
            await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
                void Text(string name, string text, string purpose)
                {
                    var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                    entry.LastWriteTime = stamp;
                    using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                    writer.Write(text);
                    files.Add((name, purpose));
                }

                void Binary(string name, string path, string purpose)
                {
                    // PNG and PDF are compressed already; deflating them again only costs time.
                    var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
                    entry.LastWriteTime = stamp;
                    using (var from = File.OpenRead(path))
                    using (var to = entry.Open())
                    {
                        from.CopyTo(to);
                    }

                    files.Add((name, purpose));
                }

                Text(yamlName, await File.ReadAllTextAsync(journeyPath, cancellationToken).ConfigureAwait(false),
                    "The journey itself, as written: edit it and render again with `trailmap render`.");
                if (lexicon is not null)
                {
                    Text(lexicon.Value.Name, await File.ReadAllTextAsync(lexicon.Value.Path, cancellationToken).ConfigureAwait(false),
                        "The emotion lexicon the journey names in `emotion_lexicon`; keep it beside the journey.");
                }

                Text(SchemaName, JourneySchema.Json,
                    "The JSON Schema of the journey format: point your editor at it for completion and checks (see the journey format guide).");
                Text(stem + ".html", HtmlRenderer.Render(journey, actuals), "The map as a web page: open it in a browser; it needs no network.");
                Text(stem + ".svg", SvgRenderer.Render(journey, actuals), "The map as a vector picture, for slides and documents that scale it.");
                Binary(stem + ".png", png, "The map as an image at twice the pixel density, every stage in the picture.");
                Binary(stem + ".pdf", pdf, $"The map for print, on {size} {orientation.ToString().ToLowerInvariant()} pages with the stage headers repeated on each.");
                Text(stem + ".md", MarkdownRenderer.Render(journey, actuals), "The map as Markdown, for a README, a wiki or a pull request.");
                Text(stem + ".csv", CsvRenderer.Render(journey, actuals), "The map as a table (lanes as rows, stages as columns), for spreadsheets.");
                Text(stem + ".json", JsonRenderer.Render(journey, actuals), "The journey as JSON with every default filled in, for scripts and other tools.");
                Text(ReadmeName, Readme(journey, actuals, files), "This file.");
            }

            File.Move(partial, full, overwrite: true);
        }
        catch
        {
            TryDelete(partial);
            throw;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string Readme(Journey journey, JourneyActuals? actuals, IReadOnlyList<(string Name, string Purpose)> files)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(MarkdownText.Escape(journey.Title)).Append("\n\n");
        md.Append("The journey map `").Append(journey.Id).Append("` in every format Trailmap renders")
            .Append(actuals is null ? "." : ", with the measured actuals beside the targets.").Append("\n\n");
        md.Append("| File | What it is for |\n| --- | --- |\n");
        foreach (var (name, purpose) in files)
        {
            md.Append("| `").Append(name).Append("` | ").Append(purpose).Append(" |\n");
        }

        md.Append("| `").Append(ReadmeName).Append("` | This file. |\n");
        return md.ToString();
    }

    /// <summary>The lexicon file a journey names in <c>emotion_lexicon</c>, so the archived YAML still loads; null for an inline lexicon.</summary>
    private static (string Name, string Path)? LexiconFile(string journeyPath)
    {
        try
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(journeyPath))
            {
                yaml.Load(reader);
            }

            if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root
                || !root.Children.TryGetValue(new YamlScalarNode("emotion_lexicon"), out var node) || node is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                return null;
            }

            var dir = Path.GetDirectoryName(Path.GetFullPath(journeyPath))!;
            var path = Path.GetFullPath(Path.Combine(dir, name));
            // The parser read the file already and only from beside or below the journey; name it the same way in the archive.
            return File.Exists(path) ? (Path.GetRelativePath(dir, path).Replace('\\', '/'), path) : null;
        }
        catch (YamlException)
        {
            return null;
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
            // The original failure is the one worth reporting.
        }
    }
}
