using Microsoft.Extensions.Time.Testing;

namespace Trailmap.Events.Tests;

/// <summary>A throwaway folder for input files and an in-memory store with a fixed clock.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trailmap-events-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        Store = EventStore.Open(":memory:", new FakeTimeProvider(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero)));
    }

    public string Path { get; }

    public EventStore Store { get; }

    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    public ImportSummary Import(ImportOptions? options, params string[] files) =>
        EventImporter.Import(Store, files, (options ?? new ImportOptions()) with { RejectsPath = System.IO.Path.Combine(Path, "rejects.csv") });

    public List<EventRow> Events() => [.. Store.ReadSorted(null, null, null)];

    public void Dispose()
    {
        Store.Dispose();
        Directory.Delete(Path, recursive: true);
    }
}
