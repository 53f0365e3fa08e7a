using BenchmarkDotNet.Attributes;
using Trailmap.Analytics.Funnels;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Benchmarks;

/// <summary>A 5-step, 7-day funnel over a generated log of 1M events (50k customers x 20 events, 8 names, 30 days).</summary>
[MemoryDiagnoser]
public class FunnelBenchmarks
{
    private const int Customers = 50_000;
    private const int EventsPerCustomer = 20;
    private static readonly string[] Names = ["view", "signup", "search", "add", "pay", "share", "help", "logout"];

    private EventLog log = null!;
    private FunnelSpec spec = null!;

    [Params("", "strict-order,strict-increase")]
    public string Modes { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var builder = new EventLogBuilder();
        var seq = 0L;
        const long month = 30L * 86_400_000_000;
        for (var c = 0; c < Customers; c++)
        {
            var id = $"c{c}";
            for (var e = 0; e < EventsPerCustomer; e++)
            {
                builder.Add(id, Names[random.Next(Names.Length)], random.NextInt64(month), seq++, null);
            }
        }

        log = builder.Build();
        spec = new FunnelSpec
        {
            Steps = [new("view"), new("signup"), new("search"), new("add"), new("pay")],
            Window = Duration.Parse("7d"),
            Modes = FunnelModesParser.Parse(Modes),
        };
    }

    [Benchmark]
    public FunnelResult Funnel_5_steps_7d_1M_events() => FunnelEngine.Run(log, spec);
}
