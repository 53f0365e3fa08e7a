using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Store;

/// <summary>
/// A store path that holds something other than a Trailmap store is refused before DuckDB sees it: DuckDB opened
/// a small CSV named as the store without an error, and everything "stored" in it was gone after a restart.
/// </summary>
public sealed class StoreLocationTests
{
    [Theory]
    [InlineData("y.csv", "a,b\n1,2\n", "looks like a CSV file")]
    [InlineData("events.csv", "user_id,event,timestamp\nu1,A,2024-05-01\n", "did you mean `trailmap import events.csv`")]
    [InlineData("s.jsonl", "{\"a\":1}\n", "looks like a JSON events file")]
    [InlineData("journey.yaml", "journey:\n  title: x\n", "looks like a journey file (YAML)")]
    [InlineData("notes.bin", "garbage garbage garbage\n", "is not a Trailmap store (not a DuckDB file)")]
    [InlineData("empty.duckdb", "", "is an empty file")]
    public void a_file_that_is_not_a_store_is_refused_with_the_likely_mistake(string name, string content, string says)
    {
        using var dir = new TempDir();
        var file = dir.Write(name, content);

        var error = Should.Throw<StoreLocationException>(() => EventStore.Open(file));

        error.Message.ShouldContain(says);
        File.ReadAllText(file).ShouldBe(content); // untouched
        File.Exists(file + ".wal").ShouldBeFalse();
    }

    [Fact]
    public void parquet_and_sqlite_files_are_named_by_their_magic_bytes()
    {
        using var dir = new TempDir();
        var parquet = dir.WriteBytes("data.bin", [.. "PAR1"u8, 0, 0, 0, 0]);
        var sqlite = dir.WriteBytes("app.db", [.. "SQLite format 3\0"u8, 1, 2, 3]);

        Should.Throw<StoreLocationException>(() => StoreLocation.Parse(parquet)).Message.ShouldContain("looks like a Parquet file");
        Should.Throw<StoreLocationException>(() => StoreLocation.Parse(sqlite)).Message.ShouldContain("is a SQLite database");
    }

    [Fact]
    public void a_folder_is_refused_and_a_file_in_it_suggested()
    {
        using var dir = new TempDir();
        Should.Throw<StoreLocationException>(() => StoreLocation.Parse(dir.Path)).Message
            .ShouldContain($"is a folder, not a Trailmap store; name a file in it, such as {Path.Combine(dir.Path, "trailmap.duckdb")}");
    }

    [Fact]
    public void a_new_path_and_a_store_trailmap_made_both_open()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "new.duckdb");
        StoreLocation.Parse(path).Exists.ShouldBeFalse();
        using (var store = EventStore.Open(path))
        {
            store.Summary().Events.ShouldBe(0);
        }

        StoreLocation.Parse(path).Exists.ShouldBeTrue();
        using var again = EventStore.Open(path);
        StoreLocation.Parse(StoreLocation.InMemory).IsInMemory.ShouldBeTrue();
    }
}
