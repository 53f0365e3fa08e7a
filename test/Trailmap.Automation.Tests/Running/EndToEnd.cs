using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
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
    private readonly HttpClient http = new();
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
        Channels = DeliveryChannels.Create(settings, Outbox, Runner.UnsubscribeTokens, http, Clock);
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

/// <summary>The real SMTP server eng/smtp.sh starts (eng/test.sh does it), found through TRAILMAP_SMTP and TRAILMAP_MAILDIR.</summary>
internal static class Smtp
{
    private const string Missing =
        "no SMTP server for the end-to-end automation tests: TRAILMAP_SMTP and TRAILMAP_MAILDIR are not set. Run ./eng/test.sh, or "
        + "`while read -r l; do export \"$l\"; done < <(eng/smtp.sh start)` and then dotnet test.";

    public static (string Host, int Port, string Maildir) Require()
    {
        var smtp = Environment.GetEnvironmentVariable("TRAILMAP_SMTP");
        var maildir = Environment.GetEnvironmentVariable("TRAILMAP_MAILDIR");
        if (string.IsNullOrWhiteSpace(smtp) || string.IsNullOrWhiteSpace(maildir))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                throw new InvalidOperationException(Missing + " On CI the email tests must run, so this is a failure.");
            }

            Assert.Skip(Missing);
        }

        var colon = smtp.LastIndexOf(':');
        return (smtp[..colon], int.Parse(smtp[(colon + 1)..], CultureInfo.InvariantCulture), maildir);
    }

    /// <summary>Every message in the Maildir to <paramref name="recipient"/> (the server adds X-RcptTo), oldest first.</summary>
    public static List<MimeMessage> To(string maildir, string recipient)
    {
        var found = new List<(DateTime, MimeMessage)>();
        foreach (var sub in new[] { "new", "cur" })
        {
            var folder = System.IO.Path.Combine(maildir, sub);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder))
            {
                var message = MimeMessage.Load(file);
                if (string.Equals(message.Headers["X-RcptTo"], recipient, StringComparison.OrdinalIgnoreCase))
                {
                    found.Add((message.Date.UtcDateTime, message));
                }
            }
        }

        return [.. found.OrderBy(f => f.Item1).Select(f => f.Item2)];
    }
}

/// <summary>A real HTTP receiver on 127.0.0.1 (HttpListener) that answers 200 and keeps every request.</summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;

    public Receiver()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            try
            {
                listener.Prefixes.Clear();
                listener.Prefixes.Add($"http://127.0.0.1:{port}/");
                listener.Start();
                Url = $"http://127.0.0.1:{port}/hook";
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // The port was taken between probing and binding: try another.
            }
        }

        loop = Task.Run(ServeAsync);
    }

    public string Url { get; } = "";

    public ConcurrentQueue<(Dictionary<string, string> Headers, byte[] Body)> Requests { get; } = new();

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue((headers, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
#pragma warning disable VSTHRD003 // The loop was started by this object; waiting for it to end is the point.
        await loop;
#pragma warning restore VSTHRD003
    }
}
