using Shouldly;
using Trailmap.Journeys;
using Trailmap.Testing;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>trailmap discover</c> end to end: events imported by the CLI, a journey file written, and that file validating.</summary>
public sealed class DiscoverCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-discover-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task Rees46_events_become_a_view_cart_purchase_journey_that_validates()
    {
        var csv = Path.Combine(RepoPaths.SharedData, "rees46_oct2019_sample", "2019-Oct_first17k.csv");
        Assert.SkipUnless(File.Exists(csv), $"the REES46 sample is not at {csv}");
        var db = PathOf("rees46.duckdb");
        (await CliRun.RunAsync("import", csv, "--db", db)).ExitCode.ShouldBe(0);
        var journey = PathOf("journey.yaml");

        var run = await CliRun.RunAsync("discover", "--db", db, "-o", journey);

        run.ExitCode.ShouldBe(0, run.ToString());
        // Customers in the sample, counted straight from the CSV (user_id is the 8th column).
        var lines = await File.ReadAllLinesAsync(csv, TestContext.Current.CancellationToken);
        var customers = lines.Skip(1).Select(l => l.Split(',')[7]).Distinct().Count();
        run.Err.ShouldContain($"of {customers:N0} customers");
        var file = JourneyFile.Load(journey);
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        file.Journey!.Stages.Select(s => s.Entry!.Event).ShouldBe(["view", "cart", "purchase"]);
        (await CliRun.RunAsync("validate", journey)).ExitCode.ShouldBe(0);
        (await CliRun.RunAsync("analyze", journey, "--db", db)).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task Bad_options_and_thin_data_get_a_clear_error()
    {
        var csv = PathOf("events.csv");
        await File.WriteAllTextAsync(csv, "user_id,event,timestamp\nu1,View,2026-01-01T00:00:00Z\nu1,Buy,2026-01-01T01:00:00Z\n", TestContext.Current.CancellationToken);

        var consistency = await CliRun.RunAsync("discover", "--events", csv, "--consistency", "0.4");
        consistency.ExitCode.ShouldBe(1);
        consistency.Err.ShouldContain("--consistency must be above 0.5");

        var thin = await CliRun.RunAsync("discover", "--events", csv);
        thin.ExitCode.ShouldBe(1);
        thin.Err.ShouldContain("--min-customers");
        thin.Err.ShouldNotContain("   at ");

        var missing = await CliRun.RunAsync("discover", "--db", PathOf("none.duckdb"));
        missing.ExitCode.ShouldBe(1);
        missing.Err.ShouldContain("no event store");
    }
}
