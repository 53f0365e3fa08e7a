using Microsoft.Extensions.Time.Testing;
using Trailmap.Analytics.Journeys;
using Trailmap.Automation.Running;
using Trailmap.Delivery;
using Trailmap.Events;
using Xunit;

namespace Trailmap.Automation.Tests.Running;

/// <summary>
/// A runner on a real DuckDB file in a temp folder, with a fake clock, journeys given as YAML (changeable between
/// passes) and an in-memory event log; <see cref="Reopen"/> disposes and reopens runner and outbox on the same file.
/// </summary>
internal sealed class RunnerFixture : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-runner-test").FullName;

    private readonly int sweepSlice;
    private readonly PostgresAddress? state;
    private readonly Func<AutomatedJourney, EventLog, bool, CancellationToken, Task<JourneyMeasurement?>>? shared;

    /// <param name="start">The fake clock's start.</param>
    /// <param name="sweepSlice">The runner's <see cref="AutomationRunner.SweepSlice"/>.</param>
    /// <param name="state">Where the outbox and the runner's state live instead of the file (<c>--state</c>); null keeps them in the file.</param>
    /// <param name="shared">The runner's <see cref="AutomationRunner.SharedMeasurement"/>.</param>
    public RunnerFixture(
        DateTimeOffset start,
        int sweepSlice = int.MaxValue,
        PostgresAddress? state = null,
        Func<AutomatedJourney, EventLog, bool, CancellationToken, Task<JourneyMeasurement?>>? shared = null)
    {
        this.sweepSlice = sweepSlice;
        this.state = state;
        this.shared = shared;
        Clock = new FakeTimeProvider(start);
        Path = System.IO.Path.Combine(dir, "workspace.duckdb");
        Open();
    }

    public FakeTimeProvider Clock { get; }

    public string Path { get; }

    /// <summary>Journey id to YAML; edit between passes.</summary>
    public Dictionary<string, string> Journeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs inside every pass, when it loads the events (a test watches or holds passes with it).</summary>
    public Func<Task>? Loading { get; set; }

    /// <summary>The events every pass sees.</summary>
    public EventLog Log { get; set; } = Tiny.Log();

    public Outbox Outbox { get; private set; } = null!;

    public AutomationRunner Runner { get; private set; } = null!;

    public Task<AutomationPass> PassAsync() => Runner.RunOnceAsync(TestContext.Current.CancellationToken);

    public void At(string time) => Clock.SetUtcNow(Tiny.T(time));

    public void Reopen()
    {
        Runner.Dispose();
        Outbox.Dispose();
        Open();
    }

    /// <summary>Every message in the outbox, by key.</summary>
    public Dictionary<string, OutboxEntry> Messages() =>
        Enum.GetValues<OutboxState>().SelectMany(Outbox.List).ToDictionary(e => e.IdempotencyKey, StringComparer.Ordinal);

    public void Dispose()
    {
        Runner.Dispose();
        Outbox.Dispose();
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans temp later.
        }
    }

    private void Open()
    {
        Outbox = state is null ? Outbox.Open(Path, Clock) : Outbox.Open(state, Clock);
        Runner = new AutomationRunner(
            Path,
            Outbox,
            async (_, _) =>
            {
                if (Loading is { } loading)
                {
                    await loading();
                }

                return Log;
            },
            Clock,
            () => [.. Journeys.Select(j => Parsed(j.Key, j.Value))],
            stateAddress: state)
        {
            SweepSlice = sweepSlice,
            SharedMeasurement = shared,
        };
    }

    private readonly Dictionary<(string, string), AutomatedJourney> parsed = [];

    /// <summary>One instance per text, as the workspace's stored journeys are: a pass tells an edited journey by a new instance.</summary>
    private AutomatedJourney Parsed(string id, string yaml)
    {
        if (!parsed.TryGetValue((id, yaml), out var journey))
        {
            journey = parsed[(id, yaml)] = AutomatedJourney.FromYaml(id, yaml, id + ".yaml");
        }

        return journey;
    }
}
