using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Trailmap.Automation.Running;
using Trailmap.Delivery;
using Trailmap.Events;
using Xunit;

namespace Trailmap.Automation.Tests.Running;

/// <summary>
/// A whole workspace for end-to-end runs: a real DuckDB store that events are imported into (Segment JSON lines),
/// the outbox and the runner on the same file, the delivery channels from <see cref="DeliverySettings"/>, and a
/// fake clock that the test moves across weeks.
/// </summary>
internal sealed class EndToEnd : IAsyncDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-e2e-test").FullName;
    // The receivers are on loopback, which the delivery client refuses unless allowed.
    private readonly OutboundClients http = OutboundHttp.Create(allowPrivateDestinations: true);
    private int files;

    private readonly IReadOnlyDictionary<string, string> journeys;
    private readonly DeliverySettings settings;

    public EndToEnd(DateTimeOffset start, IReadOnlyDictionary<string, string> journeys, DeliverySettings settings)
    {
        this.journeys = journeys;
        this.settings = settings;
        Clock = new FakeTimeProvider(start);
        Path = System.IO.Path.Combine(dir, "workspace.duckdb");
        Store = EventStore.Open(Path, Clock);
        Open();
    }

    /// <summary>A restart: the runner, the outbox and the channels are disposed and opened again on the same file.</summary>
    public async Task ReopenAsync()
    {
        await Channels.DisposeAsync();
        Runner.Dispose();
        Outbox.Dispose();
        Open();
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(Outbox), nameof(Runner), nameof(Channels), nameof(Dispatcher))]
    private void Open()
    {
        Outbox = Outbox.Open(Path, Clock);
        Runner = new AutomationRunner(
            Path, Outbox, (p, _) => Task.FromResult(Store.LoadEventLog(new EventLogQuery { Properties = [.. p] })), Clock,
            () => [.. journeys.Select(j => AutomatedJourney.FromYaml(j.Key, j.Value, j.Key))]);
        Channels = DeliveryChannels.Create(settings, Outbox, Runner.UnsubscribeTokens, http.Factory, Clock);
        Dispatcher = Channels.Dispatcher(Outbox, Clock);
    }

    public FakeTimeProvider Clock { get; }

    public string Path { get; }

    public string Dir => dir;

    public EventStore Store { get; }

    public Outbox Outbox { get; private set; }

    public AutomationRunner Runner { get; private set; }

    public DeliveryChannels Channels { get; private set; }

    public Dispatcher Dispatcher { get; private set; }

    /// <summary>Imports Segment messages (track and identify) as one JSON-lines file.</summary>
    public void Import(params object[] messages)
    {
        var file = System.IO.Path.Combine(dir, $"events-{files++}.jsonl");
        File.WriteAllLines(file, messages.Select(m => JsonSerializer.Serialize(m)));
        EventImporter.Import(Store, [file], cancel: TestContext.Current.CancellationToken);
    }

    public static object Track(string user, string name, DateTimeOffset at, object? properties = null) =>
        new { type = "track", userId = user, @event = name, timestamp = at.ToString("O", CultureInfo.InvariantCulture), properties = properties ?? new { } };

    public static object Identify(string user, DateTimeOffset at, object traits) =>
        new { type = "identify", userId = user, timestamp = at.ToString("O", CultureInfo.InvariantCulture), traits };

    /// <summary>One pass, then dispatch until nothing due is left: what <c>trailmap automate --once</c> does.</summary>
    public async Task<(AutomationPass Pass, int Sent)> RunAsync()
    {
        var pass = await Runner.RunOnceAsync(TestContext.Current.CancellationToken);
        pass.Problems.ShouldBeEmpty();
        var sent = 0;
        while ((await Dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)) is { Claimed: > 0 } s)
        {
            sent += s.Sent;
        }

        return (pass, sent);
    }

    public async ValueTask DisposeAsync()
    {
        await Channels.DisposeAsync();
        Runner.Dispose();
        Outbox.Dispose();
        Store.Dispose();
        http.Dispose();
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans temp later.
        }
    }
}
