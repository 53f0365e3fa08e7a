using System.Globalization;
using Trailmap.Delivery;

namespace Trailmap.DeliveryBench;

/// <summary>Sends every due email of an outbox file, one at a time (so a crash leaves at most one in flight).</summary>
internal static class DispatchOnce
{
    public const string Secret = "crash-test-secret-0123456789";

    public static async Task<int> RunAsync(string outboxPath, string smtp)
    {
        var colon = smtp.LastIndexOf(':');
        using var outbox = Outbox.Open(outboxPath);
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
