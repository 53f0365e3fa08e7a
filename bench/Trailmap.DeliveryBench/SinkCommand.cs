using System.Globalization;

namespace Trailmap.DeliveryBench;

/// <summary>
/// The receiving half of the event-to-action harness: a <see cref="WebhookSink"/> in its own process, so a running
/// `trailmap serve` can deliver to it, writing when each message arrived in wall-clock Unix microseconds (the sender
/// of the events is another process, so both sides use the system clock of the same machine).
/// </summary>
internal static class SinkCommand
{
    public static async Task<int> RunAsync(int port, int seconds, string output, string secret)
    {
        await using var sink = await WebhookSink.StartAsync(secret, port);
        Console.WriteLine($"receiving at {sink.Url} for {seconds} s");
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        await File.WriteAllLinesAsync(
            output,
            sink.Arrivals.OrderBy(a => a.Value.UnixMicros)
                .Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Key}\t{a.Value.UnixMicros}")));
        Console.WriteLine($"{sink.Arrivals.Count} messages ({sink.BadSignatures} with a bad signature) written to {output}");
        return 0;
    }
}
