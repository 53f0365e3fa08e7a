using System.Runtime.CompilerServices;
using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Import;

/// <summary>Imports the real public samples in ../shared/data; skipped where a fresh clone has no such folder.</summary>
public class RealDataTests
{
    [Fact]
    public void rees46_sample_counts_match_an_independent_csv_count()
    {
        var file = DataFile("rees46_oct2019_sample/2019-Oct_first17k.csv");
        var expected = new Dictionary<string, long>();
        var lines = File.ReadAllLines(file).Skip(1).ToList();
        foreach (var line in lines)
        {
            // The sample has no quoted fields, so a plain split is an independent reader.
            var type = line.Split(',')[1];
            expected[type] = expected.GetValueOrDefault(type) + 1;
        }

        using var dir = new TempDir();
        var summary = dir.Import(null, file);

        lines.Count.ShouldBe(17_434);
        summary.Rows.ShouldBe(17_434);
        summary.Rejected.ShouldBe(0);
        (summary.Imported + summary.Duplicates).ShouldBe(17_434);
        var byName = dir.Store.Summary().EventNames.ToDictionary(n => n.Event, n => n.Count);
        var distinctRows = lines.Distinct().GroupBy(l => l.Split(',')[1]).ToDictionary(g => g.Key, g => (long)g.Count());
        byName.ShouldBe(distinctRows, ignoreOrder: true);
        expected.Keys.ShouldBe(byName.Keys, ignoreOrder: true);
    }

    [Fact]
    public void cdnow_purchases_import_with_a_constant_event()
    {
        var file = DataFile("cdnow/cdnow_master.csv");
        var lines = File.ReadAllLines(file).Skip(1).ToList();
        var customers = lines.Select(l => l.Split(',')[0]).Distinct().Count();

        using var dir = new TempDir();
        var summary = dir.Import(new ImportOptions { ConstantEvent = "Purchased" }, file);

        lines.Count.ShouldBe(69_659);
        summary.Rows.ShouldBe(69_659);
        summary.Rejected.ShouldBe(0);
        var store = dir.Store.Summary();
        store.Events.ShouldBe(lines.Distinct().Count());
        store.Customers.ShouldBe(customers);
        store.EventNames.ShouldHaveSingleItem().Event.ShouldBe("Purchased");
    }

    private static string DataFile(string relative, [CallerFilePath] string here = "")
    {
        // here = <root>/test/Trailmap.Events.Tests/Import/RealDataTests.cs; the data sits beside the root.
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));
        var candidates = new[] { Path.Combine(root, "..", "shared", "data", relative), Path.Combine("/work/shared/data", relative) };
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            Assert.Skip($"Real sample data not found ({string.Join(" or ", candidates)}); see shared/data/README.md.");
        }

        return found!;
    }
}
