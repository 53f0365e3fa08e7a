using System.Globalization;
using Trailmap.Delivery;

namespace Trailmap.DeliveryBench;

/// <summary>Sends every due email of an outbox (a DuckDB file or a PostgreSQL address), one at a time (so a crash leaves at most one in flight).</summary>
internal static class DispatchOnce
{
    public const string Secret = "crash-test-secret-0123456789";

    public static Task<int> RunAsync(string outboxPath, string smtp) => RunAsync(outboxPath, smtp, loopParallelism: null);

    /// <summary>
    /// With <paramref name="loopParallelism"/>, runs the server's loop (<see cref="Dispatcher.RunAsync"/>, pipelined,
    /// that many sends at once) until nothing is pending or sending, instead of passes one send at a time.
    /// </summary>
    public static async Task<int> RunAsync(string outboxPath, string smtp, int? loopParallelism)
    {
        var colon = smtp.LastIndexOf(':');
        // A DuckDB file, or the state address of an outbox on PostgreSQL (what --state takes).
        using var outbox = PostgresAddress.IsPostgres(outboxPath) ? Outbox.Open(PostgresAddress.Parse(outboxPath)) : Outbox.Open(outboxPath);
        Console.WriteLine($"recovered in flight: {outbox.RecoveredInFlight}");
        var suppressions = new SuppressionList(outbox, new UnsubscribeTokens(Secret));
        await using var email = new EmailChannel(
            new EmailOptions
            {
                Host = smtp[..colon],
                Port = int.Parse(smtp[(colon + 1)..], CultureInfo.InvariantCulture),
                Security = MailKit.Security.SecureSocketOptions.None,
                From = "Trailmap <crash@trailmap.test>",
                MessageIdDomain = "trailmap.test",
                UnsubscribeUrl = "https://trailmap.test/unsubscribe",
            },
            suppressions);
        if (loopParallelism is { } parallelism)
        {
            var loopDispatcher = new Dispatcher(outbox, [email], new DispatcherOptions { Parallelism = parallelism, BatchSize = 10 });
            using var stop = new CancellationTokenSource();
            var loop = loopDispatcher.RunAsync(stop.Token);
            while (outbox.Counts().Keys.Any(s => s is OutboxState.Pending or OutboxState.Sending))
            {
                await Task.Delay(50);
            }

            await stop.CancelAsync();
            await loop;
            Console.WriteLine($"sent {outbox.Counts().GetValueOrDefault(OutboxState.Sent)} in all");
            return 0;
        }

        var dispatcher = new Dispatcher(outbox, [email], new DispatcherOptions { Parallelism = 1, BatchSize = 10 });
        var total = 0;
        while (true)
        {
            var summary = await dispatcher.RunOnceAsync();
            if (summary.Claimed == 0)
            {
                break;
            }

            total += summary.Sent;
            Console.WriteLine(summary);
        }

        Console.WriteLine($"sent {total}");
        return 0;
    }
}
