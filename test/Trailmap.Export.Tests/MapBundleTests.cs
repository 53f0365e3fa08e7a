using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Schema;
using Trailmap.Testing;

using Xunit;

namespace Trailmap.Export.Tests;

/// <summary><c>trailmap render --format zip</c>: one archive with the YAML, its schema, every render and a README, written whole or not at all.</summary>
public sealed class MapBundleTests
{
    private static readonly DateTimeOffset Stamp = new(2026, 3, 14, 9, 26, 0, TimeSpan.Zero);

    private static Journey Load(string path)
    {
        var file = JourneyFile.Load(path);
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        return file.Journey!;
    }

    private static string NewFolder(string name)
    {
        var dir = Path.Combine(RepoPaths.Artifacts, "bundle-" + name);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Entry(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static byte[] Bytes(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Archive_holds_the_yaml_its_schema_every_render_and_a_readme_naming_each()
    {
        ChromiumFixture.RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        var source = Path.Combine(RepoPaths.Samples, "journey-wide.yaml");
        var output = Path.Combine(NewFolder("wide"), "map.zip");
        await using (var exporter = await ChromiumExporter.StartAsync())
        {
            await MapBundle.WriteAsync(exporter, source, Load(source), null, PageSize.A4, PageOrientation.Portrait, output, new FakeTimeProvider(Stamp), ct);
        }

        File.Exists(output + ".partial").ShouldBeFalse();
        await using var zip = await ZipFile.OpenReadAsync(output, ct);
        string[] expected =
        [
            "journey-wide.yaml", "journey.schema.json", "journey-wide.html", "journey-wide.svg", "journey-wide.png",
            "journey-wide.pdf", "journey-wide.md", "journey-wide.csv", "journey-wide.json", "README.md",
        ];
        zip.Entries.Select(e => e.FullName).ShouldBe(expected, ignoreOrder: true);
        // Zip keeps the wall-clock time of the provider's local zone (UTC for a FakeTimeProvider), never the machine's clock.
        zip.Entries.ShouldAllBe(e => e.LastWriteTime.DateTime == new DateTime(2026, 3, 14, 9, 26, 0, DateTimeKind.Unspecified));

        Entry(zip, "journey-wide.yaml").ShouldBe(await File.ReadAllTextAsync(source, ct));
        Entry(zip, "journey.schema.json").ShouldBe(JourneySchema.Json);
        // The archived YAML loads on its own and is the same journey.
        JourneyFile.FromText(Entry(zip, "journey-wide.yaml")).Diagnostics.ShouldBeEmpty();

        Entry(zip, "journey-wide.html").ShouldContain("Launch the referral program");
        XDocument.Parse(Entry(zip, "journey-wide.svg")).Root!.Name.LocalName.ShouldBe("svg");
        Bytes(zip, "journey-wide.png").AsSpan(0, 8).ToArray().ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
        Encoding.Latin1.GetString(Bytes(zip, "journey-wide.pdf").AsSpan(0, 5)).ShouldBe("%PDF-");
        Entry(zip, "journey-wide.md").ShouldStartWith("# Team workspace from first visit to referral");
        Entry(zip, "journey-wide.csv").ShouldContain("Roadmap: Ship team templates");
        JsonDocument.Parse(Entry(zip, "journey-wide.json")).RootElement.GetProperty("id").GetString().ShouldBe("team-workspace");

        var readme = Entry(zip, "README.md");
        foreach (var name in expected)
        {
            readme.ShouldContain($"| `{name}` | ");
        }

        readme.ShouldContain("A4 portrait");
    }

    [Fact]
    public async Task A_lexicon_file_the_journey_names_goes_into_the_archive_so_the_yaml_still_loads()
    {
        ChromiumFixture.RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        var dir = NewFolder("lexicon");
        var source = Path.Combine(dir, "feelings.yaml");
        await File.WriteAllTextAsync(Path.Combine(dir, "words.yaml"), "flummoxed: 2\n", ct);
        await File.WriteAllTextAsync(source, """
            id: feelings
            title: Feelings
            emotion_lexicon: words.yaml
            stages:
              - { id: a, name: A, emotion: { feelings: [flummoxed] } }
            """, ct);
        var output = Path.Combine(dir, "out.zip");
        await using (var exporter = await ChromiumExporter.StartAsync())
        {
            await MapBundle.WriteAsync(exporter, source, Load(source), null, PageSize.A3, PageOrientation.Landscape, output, new FakeTimeProvider(Stamp), ct);
        }

        await using var zip = await ZipFile.OpenReadAsync(output, ct);
        Entry(zip, "words.yaml").ShouldBe("flummoxed: 2\n");
        Entry(zip, "README.md").ShouldContain("| `words.yaml` | ");

        // Unpacked elsewhere, the journey reads its lexicon from beside it again: flummoxed is 2 on 1..5.
        var unpacked = NewFolder("lexicon-unpacked");
        await ZipFile.ExtractToDirectoryAsync(output, unpacked, ct);
        var again = JourneyFile.Load(Path.Combine(unpacked, "feelings.yaml"));
        // Only the lint warnings of a one-stage file without KPI or entry; no error about the lexicon.
        again.Diagnostics.Select(d => d.Code).ShouldBe(["TM101", "TM105"], ignoreOrder: true);
        again.Journey!.Stages[0].Emotion!.DerivedScore.ShouldBe(2);
    }

    [Fact]
    public async Task A_failed_bundle_leaves_no_archive_and_keeps_an_older_one_whole()
    {
        ChromiumFixture.RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        var source = Path.Combine(RepoPaths.Samples, "journey-wide.yaml");
        var dir = NewFolder("failed");
        var output = Path.Combine(dir, "map.zip");
        await File.WriteAllTextAsync(output, "the archive from last week", ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await using (var exporter = await ChromiumExporter.StartAsync())
        {
            var e = await Record.ExceptionAsync(() =>
                MapBundle.WriteAsync(exporter, source, Load(source), null, PageSize.A3, PageOrientation.Landscape, output, new FakeTimeProvider(Stamp), cancelled.Token));
            e.ShouldBeAssignableTo<OperationCanceledException>();
        }

        (await File.ReadAllTextAsync(output, ct)).ShouldBe("the archive from last week");
        Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).ShouldBe(["map.zip"]);
    }

    [Fact]
    public async Task An_archive_that_cannot_take_its_name_is_removed_not_left_half_named()
    {
        ChromiumFixture.RequireChromium();
        var source = Path.Combine(RepoPaths.Samples, "journey-wide.yaml");
        var dir = NewFolder("blocked");
        // A folder where the archive should go: the archive is complete, but the last step, the rename, fails.
        var output = Path.Combine(dir, "map.zip");
        Directory.CreateDirectory(output);

        await using (var exporter = await ChromiumExporter.StartAsync())
        {
            var e = await Record.ExceptionAsync(() =>
                MapBundle.WriteAsync(exporter, source, Load(source), null, PageSize.A3, PageOrientation.Landscape, output, new FakeTimeProvider(Stamp), TestContext.Current.CancellationToken));
            e.ShouldNotBeNull();
            (e is IOException or UnauthorizedAccessException).ShouldBeTrue(e.ToString());
        }

        Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).ShouldBe(["map.zip"]);
        Directory.Exists(output).ShouldBeTrue();
    }
}
