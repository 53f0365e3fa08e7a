using System.Globalization;
using Trailmap.DeliveryBench;

// Usage:
//   Trailmap.DeliveryBench latency [RATE=1000] [SECONDS=10] [PARALLELISM=64]
//       enqueues RATE webhook messages a second for SECONDS into a fresh outbox, a dispatcher loop delivers them to a
//       loopback receiver, and prints enqueue-to-received latency percentiles.
//   Trailmap.DeliveryBench dispatch OUTBOX.duckdb|postgres://USER@HOST:PORT/DB[?schema=NAME] HOST:PORT
//       sends every due email in OUTBOX (a DuckDB file, or an outbox on PostgreSQL) through the SMTP server, one at a time, then prints the counts. The crash
//       test (test/Trailmap.Delivery.Tests) runs this with TRAILMAP_TEST_CRASH_AFTER_SEND set and expects the kill.
//   Trailmap.DeliveryBench sink PORT SECONDS OUT.tsv SECRET
//       a standalone webhook receiver (Kestrel, 127.0.0.1:PORT, POST /hook, signatures checked with SECRET) for
//       SECONDS; then writes one line per message, "idempotency key<TAB>arrival in Unix microseconds", to OUT.tsv.
//       The receiving half of the event-to-action harness (docs/performance.md, "Delivery").
//   Trailmap.DeliveryBench dispatch-loop OUTBOX HOST:PORT PARALLELISM
//       the same through the server's loop (Dispatcher.RunAsync) with PARALLELISM sends at once, until nothing is
//       pending or sending; the crash test's second case.
var verb = args.Length > 0 ? args[0] : "";
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
switch (verb)
{
    case "latency":
        return await LatencyBench.RunAsync(rate: Arg(1, 1000), seconds: Arg(2, 10), parallelism: Arg(3, 64));
    case "dispatch" when args.Length == 3:
        return await DispatchOnce.RunAsync(args[1], args[2]);
    case "sink" when args.Length == 5:
        return await SinkCommand.RunAsync(port: Arg(1, 0), seconds: Arg(2, 60), output: args[3], secret: args[4]);
    case "dispatch-loop" when args.Length == 4:
        return await DispatchOnce.RunAsync(args[1], args[2], loopParallelism: Arg(3, 4));
    default:
        Console.Error.WriteLine("usage: Trailmap.DeliveryBench latency [RATE] [SECONDS] [PARALLELISM] | dispatch OUTBOX.duckdb HOST:PORT | dispatch-loop OUTBOX.duckdb HOST:PORT PARALLELISM | sink PORT SECONDS OUT.tsv SECRET");
        return 2;
}
