using System.Buffers;
using System.Diagnostics;
using System.Text;
using Trailmap.Events;
using Trailmap.Web.Ingestion;

namespace Trailmap.IngestBench;

/// <summary>
/// The two per-event costs of ingestion measured alone, in one process, by CPU time (less sensitive to a shared
/// machine than wall time): the request path (a /v1/batch body to spool lines) and the pump (spool segments
/// imported into a store that grows as it would during a run).
/// Usage: ingest-bench.sh --micro [--batch 500] [--segments 6] [--segment-events 50000]
/// </summary>
internal static class Micro
{
    public static int Run(string[] args)
    {
        var batch = Arg(args, "--batch", 500);
        var segments = Arg(args, "--segments", 6);
        var perSegment = Arg(args, "--segment-events", 50_000);
        var bodies = Enumerable.Range(0, perSegment / batch).Select(n => Encoding.UTF8.GetBytes(IngestBench.Batch("m", 0, n, batch, new Random(n)))).ToList();
        var receivedAt = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

        // Request path: warm up (JIT), then measure enough rounds for a stable number.
        var lines = new ArrayBufferWriter<byte>(batch * 512);
        var rejected = new List<(int, string)>();
        for (var i = 0; i < 3; i++)
        {
            foreach (var body in bodies)
            {
                lines.ResetWrittenCount();
                SegmentBatch.Write(body, receivedAt, lines, rejected);
            }
        }

        var rounds = 5;
        var cpu = Cpu();
        var wall = Stopwatch.StartNew();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var r = 0; r < rounds; r++)
        {
            foreach (var body in bodies)
            {
                lines.ResetWrittenCount();
                SegmentBatch.Write(body, receivedAt, lines, rejected);
            }
        }

        var events = (double)rounds * bodies.Count * batch;
        Console.WriteLine($"request path (body -> spool lines): {(Cpu() - cpu) / events * 1e6:F2} µs CPU/event, {wall.Elapsed.TotalSeconds / events * 1e6:F2} µs wall/event, "
            + $"{(GC.GetAllocatedBytesForCurrentThread() - allocated) / events:F0} bytes allocated/event ({events:N0} events, batches of {batch})");
        if (rejected.Count > 0)
        {
            throw new InvalidOperationException("the bench's own messages were rejected: " + rejected[0].Item2);
        }

        // Pump: segments shaped exactly like the spool's (written by the request path), imported one by one.
        var dir = Directory.CreateTempSubdirectory("trailmap-ingest-micro-").FullName;
        try
        {
            using var store = EventStore.Open(Path.Combine(dir, "micro.duckdb"));
            for (var s = 0; s < segments; s++)
            {
                var file = Path.Combine(dir, $"{s:D12}.jsonl");
                using (var output = File.Create(file))
                {
                    foreach (var text in Enumerable.Range(0, perSegment / batch).Select(n => Encoding.UTF8.GetBytes(IngestBench.Batch("s" + s, 0, n, batch, new Random(n)))))
                    {
                        lines.ResetWrittenCount();
                        SegmentBatch.Write(text, receivedAt, lines, rejected);
                        output.Write(lines.WrittenSpan);
                    }
                }

                cpu = Cpu();
                wall.Restart();
                var summary = EventImporter.Import(store, [file], new ImportOptions { Format = ImportFormat.Jsonl, RefreshSnapshot = false });
                var n = summary.Imported;
                Console.WriteLine($"pump import of segment {s + 1} ({n:N0} events, store then {(s + 1) * (long)n:N0}): "
                    + $"{(Cpu() - cpu) / n * 1e6:F2} µs CPU/event, {wall.Elapsed.TotalSeconds / n * 1e6:F2} µs wall/event");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        return 0;
    }

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static int Arg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
