using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit.Security;
using Shouldly;
using Trailmap.Delivery.Tests.Infrastructure;
using Trailmap.Journeys.Model;
using Trailmap.Testing;
using Xunit;

namespace Trailmap.Delivery.Tests;

/// <summary>
/// Head-of-line blocking: a webhook receiver that accepts connections and never answers must not hold up email (its
/// own channel) or another webhook receiver (its own destination). Real loopback sockets and a real SMTP server.
/// </summary>
public sealed class DestinationIsolationTests : IDisposable
{
    private const string Secret = "workspace-webhook-secret-42";
    private static readonly TimeSpan HangTimeout = TimeSpan.FromSeconds(30);
    private readonly TempDir dir = new();
    private readonly HttpClient http = new();

    public void Dispose()
    {
        http.Dispose();
        dir.Dispose();
    }

    [Fact]
    public async Task Emails_and_a_healthy_webhook_go_out_promptly_while_a_webhook_receiver_hangs()
    {
        var (host, port, maildir) = SmtpServer.Require();
        await using var hanging = new HangingReceiver();
        await using var healthy = new WebhookReceiver();
        var tag = Guid.NewGuid().ToString("N")[..12];
        using var outbox = Outbox.Open(dir.File("outbox.duckdb"));
        var now = TimeProvider.System.GetUtcNow();
        // 100 hung webhooks first, so under one shared pool of 64 slots they would take every slot for 30 s.
        outbox.EnqueueMany(Enumerable.Range(1, 100).Select(i => new OutboxMessage(
            $"hang:c{i:000}:e", "hang", $"c{i:000}", new InterventionAction { Channel = ActionChannel.Webhook, Url = hanging.Url }, now, new Dictionary<string, string?>())));
        var recipients = Enumerable.Range(1, 20).Select(i => $"hol{i:00}-{tag}@example.test").ToList();
        outbox.EnqueueMany(recipients.Select((to, i) => new OutboxMessage(
            $"mail-{tag}:c{i:00}:e", $"mail-{tag}", $"c{i:00}",
            new InterventionAction { Channel = ActionChannel.Email, Subject = "Hello {{ customer_id }}" }, now,
            new Dictionary<string, string?> { ["customer.email"] = to })));
        outbox.EnqueueMany(Enumerable.Range(1, 10).Select(i => new OutboxMessage(
            $"ok:c{i:00}:e", "ok", $"c{i:00}", new InterventionAction { Channel = ActionChannel.Webhook, Url = healthy.Url }, now, new Dictionary<string, string?>())));

        await using var email = new EmailChannel(
            new EmailOptions
            {
                Host = host,
                Port = port,
                Security = SecureSocketOptions.None,
                From = "Acme <success@acme.test>",
                UnsubscribeUrl = "https://acme.test/unsubscribe",
            },
            new SuppressionList(outbox, new UnsubscribeTokens("unsubscribe-secret-0123456789")));
        var dispatcher = new Dispatcher(
            outbox, [email, new WebhookChannel(http, new WebhookOptions { Secret = Secret, Timeout = HangTimeout })]);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();
        var running = dispatcher.RunAsync(stop.Token);
        var emailKeys = recipients.Select((_, i) => $"mail-{tag}:c{i:00}:e").ToList();
        var healthyKeys = Enumerable.Range(1, 10).Select(i => $"ok:c{i:00}:e").ToList();
        while (clock.Elapsed < TimeSpan.FromSeconds(20)
            && !emailKeys.Concat(healthyKeys).All(k => outbox.Get(k)!.State == OutboxState.Sent))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var elapsed = clock.Elapsed;
        var hungAtTheEnd = hanging.Connections;
        await stop.CancelAsync();
        await running;

        emailKeys.Concat(healthyKeys).ShouldAllBe(k => outbox.Get(k)!.State == OutboxState.Sent);
        // Well inside the hanging receiver's 30 s timeout: nothing waited for a slot it held.
        elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        recipients.ShouldAllBe(r => SmtpServer.MessagesTo(maildir, r).Count == 1);
        healthy.Requests.Count.ShouldBe(10);
        // The hanging destination held its 16 slots (the default DestinationParallelism) and no more.
        hungAtTheEnd.ShouldBe(16);
        // Stopping gave every hung webhook's claim back. The 16 cut off mid-request count their attempt (the receiver
        // may have them, so their next attempt says it is a later one); the 84 that waited for a slot count none.
        Enumerable.Range(1, 100).ShouldAllBe(i => outbox.Get($"hang:c{i:000}:e")!.State == OutboxState.Pending);
        var attempts = Enumerable.Range(1, 100).Select(i => outbox.Get($"hang:c{i:000}:e")!.Attempts).ToList();
        (attempts.Count(a => a == 1), attempts.Count(a => a == 0)).ShouldBe((16, 84));
    }

    /// <summary>A loopback HTTP "receiver" that accepts every connection and never answers.</summary>
    private sealed class HangingReceiver : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> clients = [];
        private readonly Task loop;

        public HangingReceiver()
        {
            listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/hook";
            loop = Task.Run(AcceptAsync);
        }

        public string Url { get; }

        public int Connections
        {
            get
            {
                lock (clients)
                {
                    return clients.Count;
                }
            }
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                try
                {
                    var client = await listener.AcceptTcpClientAsync();
                    lock (clients)
                    {
                        clients.Add(client);
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            lock (clients)
            {
                clients.ForEach(c => c.Dispose());
            }

#pragma warning disable VSTHRD003 // The accept loop was started by this object's constructor.
            await loop;
#pragma warning restore VSTHRD003
        }
    }
}
